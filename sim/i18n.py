"""The language umkm-sim speaks to people: English or Bahasa Indonesia, words and numbers.

Words come from gettext catalogues, ``sim/locale/<lang>/LC_MESSAGES/umkm-sim.po``, managed with
Babel (``pybabel extract`` finds every string marked with ``_``; ``tests/test_i18n.py`` fails if
one lacks its translation). Numbers, shares and rupiah are formatted per locale by Babel:
``Rp 2,000,000,000`` and ``24.1%`` in English, ``Rp 2.000.000.000`` and ``24,1%`` in Indonesian.

The language is chosen once per command (``--lang``), by default from the environment's locale
(``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else English. Scenario keys and names are
never translated: they are what the user wrote; a scenario may say how to call them in each
language (its ``labels:``), which ``name`` says while ``naming`` holds them.

What is computed does not speak: an experiment that must say something (a refusal, why it
stopped) keeps it as a ``Message``, words and values to be said later, in the language of whoever
reads them (``str(message)``). The lowest layer of ``sim``: it imports nothing else of it, and
Babel only when a number or a translation is first needed, so the engine's import stays light.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal, localcontext
from functools import cache
from pathlib import Path
from string import Formatter
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from babel import Locale

LANGUAGES = {"en": "en_US", "id": "id_ID"}
"""Each language umkm-sim speaks -> the Babel locale of its numbers."""
DOMAIN = "umkm-sim"
T = TypeVar("T")
LOCALES = Path(__file__).resolve().parent / "locale"

# A context variable, not a global: each page of the app is drawn in its own thread, each in
# the language its reader chose.
_current: ContextVar[str] = ContextVar("language", default="en")
_NO_LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType({})
_labels: ContextVar[Mapping[str, Mapping[str, str]]] = ContextVar("labels", default=_NO_LABELS)


def default_language() -> str:
    """Return the language the environment asks for, if umkm-sim speaks it; else English."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for value in os.environ.get(variable, "").split(":"):
            code = value.split("_")[0].split(".")[0].lower()
            if code in LANGUAGES:
                return code
    return "en"


def set_language(language: str | None) -> str:
    """Speak ``language`` from now on (``None``: the environment's); return it.

    Raises:
        ValueError: A language umkm-sim does not speak.
    """
    chosen = default_language() if language is None else language
    if chosen not in LANGUAGES:
        raise ValueError(
            _("{flag}: one of {choices}, got {value}").format(
                flag="--lang", choices=", ".join(LANGUAGES), value=repr(chosen)
            )
        )
    _current.set(chosen)
    return chosen


def current() -> str:
    """Return the language spoken now."""
    return _current.get()


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Speak ``language`` inside the block (for a page or a test), then as before."""
    before = current()
    set_language(language)
    try:
        yield
    finally:
        set_language(before)


@contextmanager
def naming(labels: Mapping[Any, Mapping[str, str]]) -> Iterator[None]:
    """Say names by ``labels`` (a scenario's ``labels:``) inside the block, then as before."""
    token = _labels.set(labels)
    try:
        yield
    finally:
        _labels.reset(token)


def name(written: str) -> str:
    """How a scenario's name (a product, a group, a buyer, a shock, a policy) is said now.

    Its label in the current language, if the scenario gives one; else as written.
    """
    return _labels.get().get(current(), {}).get(written, written)


def in_every_language(speak: Callable[[], T]) -> dict[str, T]:
    """What ``speak`` says in each language umkm-sim speaks: for a document read later in either.

    A results folder keeps its sentences this way, so a report written from it in another
    language than the run's still reads in one language.
    """
    said = {}
    for language in LANGUAGES:
        with speaking(language):
            said[language] = speak()
    return said


def _(message: str) -> str:
    """Return ``message`` in the current language (as written, if untranslated)."""
    if current() == "en":
        return message
    return _catalogue(current()).get(message) or message


@cache
def _catalogue(language: str) -> dict[str, str]:
    from babel.messages.pofile import read_po  # noqa: PLC0415 (Babel only once words are needed)

    path = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as f:
        catalog = read_po(f)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string}


def locale() -> Locale:
    """Return the Babel locale of the current language."""
    from babel import Locale  # noqa: PLC0415 (Babel only once numbers are said)

    return Locale.parse(LANGUAGES[current()])


class Message:
    """Words to say later, in the language of whoever reads them: a template and its values.

    The template is English, marked for translation (``pybabel extract -k Message``); a value
    is formatted by its field's spec, per locale when the spec names a format of this module:
    ``{n:number}``, ``{x:number.1}``, ``{share:percent}``, ``{share:percent.0}``, ``{x:plain}``,
    ``{x:significant}``. ``str(message)`` says it in the current language.

    >>> str(Message("{n:number} runs", n=1200))
    '1,200 runs'
    """

    def __init__(self, template: str, /, **values: Any) -> None:
        """Keep the English template and the values, to be said when shown."""
        self.template = template
        self.values = values

    def __str__(self) -> str:
        """Say it in the current language."""
        return say(_(self.template), **self.values)

    def __repr__(self) -> str:
        """Show the template and values (for debugging, not for people)."""
        return f"Message({self.template!r}, **{self.values!r})"

    def __eq__(self, other: object) -> bool:
        """Equal when the same words with the same values."""
        if not isinstance(other, Message):
            return NotImplemented
        return (self.template, self.values) == (other.template, other.values)

    def __hash__(self) -> int:
        """Hash by the template: the values may not be hashable."""
        return hash(self.template)


def say(template: str, /, **values: Any) -> str:
    """Fill a template already in the current language; see ``Message`` for the field specs."""
    return _LOCALISED.format(template, **values)


class _Localised(Formatter):
    """``str.format``, with this module's number formats as field specs (``{n:number.1}``)."""

    def format_field(self, value: Any, format_spec: str) -> str:
        name, __, digits = format_spec.partition(".")
        if name in _FORMATS:
            return _FORMATS[name](value, *([int(digits)] if digits else []))
        return str(value) if isinstance(value, Message) else format(value, format_spec)


_LOCALISED = _Localised()


def number(value: float, decimals: int = 0, *, grouped: bool = True) -> str:
    """``1,234.5`` / ``1.234,5``: grouped (unless not), with ``decimals`` digits after the point."""
    from babel.numbers import format_decimal  # noqa: PLC0415 (Babel only once numbers are said)

    pattern = ("#,##0" if grouped else "0") + ("." + "0" * decimals if decimals else "")
    if isinstance(value, float) and math.isnan(value):  # Babel would write NaN.00
        return "NaN"
    if isinstance(value, int) and abs(value) >= _HUGE:  # a number typed by a hand gone wrong
        digits = str(abs(value))
        return f"{'-' if value < 0 else ''}{digits[0]}.{digits[1:3]}e+{len(digits) - 1}"
    exact = _exact(value)
    with localcontext() as context:  # enough digits for any value (Babel rounds in this context)
        context.prec = max(context.prec, len(exact.as_tuple().digits) + decimals + 2)
        return format_decimal(exact, format=pattern, locale=locale())


_HUGE = 10**18  # whole numbers at least this large are said in scientific notation


def parse_number(text: str) -> float | None:
    """A number as a person of the current language types it (``2.000.000`` / ``0,5``), or None.

    Grouping marks must stand where the language puts them (Babel's strict parsing), so that
    ``2,5`` is never read as 25 in Indonesian, nor ``2.000`` as 2 in English.
    """
    from babel.numbers import NumberFormatError, parse_decimal  # noqa: PLC0415

    try:
        value = float(parse_decimal(text.strip(), locale=locale(), strict=True))
    except (NumberFormatError, ValueError):
        return None
    return value if math.isfinite(value) else None


def percent(share: float, decimals: int = 1) -> str:
    """``24.1%`` / ``24,1%`` for a share of 0.241."""
    from babel.numbers import format_percent  # noqa: PLC0415 (Babel only once numbers are said)

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    if isinstance(share, float) and math.isnan(share):
        return "NaN"
    exact = _exact(share)
    with localcontext() as context:
        context.prec = max(context.prec, len(exact.as_tuple().digits) + decimals + 4)
        return format_percent(exact, format=pattern, locale=locale())


def _exact(value: float) -> Decimal:
    """The number's exact value, rounded as Python's own formatting rounds it.

    Babel would round the shortest repr instead: 0.225 (just above it in binary) to 0.22.
    """
    return Decimal(value) if isinstance(value, int) else Decimal(float(value))


def plain(value: float) -> str:
    """A number with the decimals it has (``2``, ``1.5``, ``0.25``), in the current language."""
    decimals = 0 if float(value).is_integer() else len(f"{value:g}".partition(".")[2])
    return number(value, decimals) if "e" not in f"{value:g}" else f"{value:g}"


def significant(value: float, digits: int = 3) -> str:
    """``0.0499`` / ``0,0499``: to ``digits`` significant digits (``1e-05`` stays as it is)."""
    text = f"{value:.{digits}g}"
    return text if "e" in text else plain(float(text))


def signed(value: float, decimals: int = 0) -> str:
    """``+2.59`` / ``-0,74``: with its sign, in the current language."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    return ("+" if value >= 0 else "-") + number(abs(value), decimals)


def interval(low: str, high: str) -> str:
    """``[1.5, 2.5]`` / ``[1,5; 2,5]``: an interval of numbers already written out.

    Where the comma is the decimal mark, a semicolon keeps the two ends apart.
    """
    return _("[{low}, {high}]").format(low=low, high=high)


def rupiah(amount: float) -> str:
    """``Rp 2,000,000,000`` / ``Rp 2.000.000.000``: whole rupiah."""
    return f"Rp {number(amount)}"


_FORMATS: dict[str, Callable[..., str]] = {
    "number": number,
    "percent": percent,
    "plain": plain,
    "significant": significant,
}
