"""Scenario problems in the user's words: ``file:line: key.path: what was expected, got what``."""

from __future__ import annotations

import difflib
import itertools
import reprlib
import typing
from collections.abc import Callable, Iterable
from typing import Any

import pydantic

from sim.i18n import Message, _, current
from sim.scenario.fields import Path
from sim.scenario.limits import MAX_PROBLEMS, MAX_SHOWN
from sim.scenario.schema import Scenario

Lines = dict[Path, int]


class ScenarioError(Exception):
    """A scenario or a question that cannot be used; ``problems`` are user-facing, one per line.

    A problem may be a ``Message``: it is said in the language of whoever reads it.
    """

    def __init__(self, problems: Iterable[str | Message]) -> None:
        """Collect the problems (at most ``MAX_PROBLEMS``, then a line saying there are more)."""
        found: list[str | Message] = list(itertools.islice(problems, MAX_PROBLEMS + 1))
        if len(found) > MAX_PROBLEMS:
            found[-1] = Message(
                "... and more problems: fix these first ({shown} shown)", shown=MAX_PROBLEMS
            )
        self._problems = found
        super().__init__(*found)

    @property
    def problems(self) -> list[str]:
        """Each problem in one line, in the current language."""
        return [printable(str(p)) for p in self._problems]

    def __str__(self) -> str:
        """All of the problems, one per line, in the current language."""
        return "\n".join(self.problems)


def validation_problems(exc: pydantic.ValidationError, data: Any, prefix: str) -> list[str]:
    """Describe a pydantic error in our words: ``prefix: key.path: what was expected``."""
    found = []
    for err in exc.errors():
        __, shown = _raw_path(err["loc"], data)
        found.append(f"{prefix}: {shown + ': ' if shown else ''}{_describe(err, err['loc'])}")
    return found


def locate(
    err: Any, data: dict[str, Any], source: str, lines: Lines, overridden: dict[Path, str]
) -> str:
    """Say where a pydantic error is: the flag or policy that set the value, else the file line."""
    loc = err["ctx"]["path"] if err["type"] == "inconsistent" else err["loc"]
    raw_path, shown = _raw_path(loc, data)
    where = source
    for path, given in overridden.items():
        # At the overridden value, inside it, or at a section the override made on its way.
        if raw_path[: len(path)] == path or (raw_path and path[: len(raw_path)] == raw_path):
            where = given
            break
    else:
        line = _nearest_line(raw_path, lines)
        if line is not None:
            where = f"{source}:{line}"
    prefix = f"{where}: {shown}: " if shown else f"{where}: "
    return prefix + _describe(err, loc)


def _raw_path(loc: Iterable[str | int], data: Any) -> tuple[Path, str]:
    """Return the path into the raw data and its readable form, e.g. ``kitchens[a].count``.

    Steps that are not in the data (the tag pydantic adds for a discriminated union, the
    labels it gives a union's members such as ``function-after[...]``) are skipped; list items
    are shown by their ``name`` where they have one.
    """
    raw: list[str | int] = []
    shown = ""
    node = data
    for step in loc:
        if isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
            name = node.get("name") if isinstance(node, dict) else None
            shown += f"[{printable(name[:MAX_SHOWN])}]" if isinstance(name, str) else f"[{step}]"
        elif isinstance(node, dict) and not _internal(step, node):
            node = node.get(step)  # None for a missing key, which is then the last step
            shown += f".{step}" if shown else str(step)
        else:
            continue
        raw.append(step)
    return tuple(raw), shown


def _internal(step: str | int, node: dict[Any, Any]) -> bool:
    """Tell whether a step of pydantic's error location names no key of the data."""
    if step in node:
        return False
    return step == node.get("distribution") or (isinstance(step, str) and "[" in step)


def _nearest_line(path: Path, lines: Lines) -> int | None:
    for depth in range(len(path), 0, -1):
        if path[:depth] in lines:
            return lines[path[:depth]]
    return 1 if lines else None


_BOUNDS = {
    "greater_than_equal": (">=", "ge"),
    "greater_than": (">", "gt"),
    "less_than_equal": ("<=", "le"),
    "less_than": ("<", "lt"),
}


# pydantic error type -> what to say, in the language spoken when it is said (hence a function
# each); ``{got}`` is the offending value as written.
_MESSAGES: dict[str, Callable[[], str]] = {
    "missing": lambda: _("required key is missing"),
    "union_tag_not_found": lambda: _("needs a 'distribution' key (poisson, normal, gamma, ...)"),
    "literal_error": lambda: _("must be one of {expected}, {got}"),
    "int_type": lambda: _("must be a whole number, {got}"),
    "int_from_float": lambda: _("must be a whole number, {got}"),
    "float_type": lambda: _("must be a finite number, {got}"),
    "finite_number": lambda: _("must be a finite number, {got}"),
    "string_type": lambda: _("must be text, {got}"),
    "bool_type": lambda: _("must be true or false, {got}"),
    "date_type": lambda: _("must be a date like 2027-01-04, {got}"),
    "dict_type": lambda: _("must be a mapping of keys, {got}"),
    "model_type": lambda: _("must be a mapping of keys, {got}"),
    "model_attributes_type": lambda: _("must be a mapping of keys, {got}"),
    "list_type": lambda: _("must be a list, {got}"),
    "string_pattern_mismatch": lambda: _("names may hold only letters, digits, '-' and '_', {got}"),
    "too_short": lambda: _("must have at least {min_length} item(s), {got}"),
    "too_long": lambda: _("is too long (at most {max_length}), {got}"),
    "string_too_long": lambda: _("is too long (at most {max_length}), {got}"),
}

# Kinds whose English is pydantic's own (kept as it was), said in our words in other languages.
_THEIRS: dict[str, Callable[[], str]] = {
    "float_parsing": lambda: _(
        "Input should be a valid number, unable to parse string as a number, {got}"
    ),
    "string_too_short": lambda: _("String should have at least {min_length} character(s), {got}"),
}


def _describe(err: Any, loc: tuple[str | int, ...]) -> str:
    kind: str = err["type"]
    ctx: dict[str, Any] = err.get("ctx", {})
    got = _("got {value}").format(value=show(err.get("input")))
    if kind in _BOUNDS:
        op, bound = _BOUNDS[kind]
        return _("must be {op} {bound}, {got}").format(op=op, bound=show(ctx[bound]), got=got)
    if kind == "extra_forbidden":
        return _unknown_key(loc)
    if kind == "union_tag_invalid":
        return _("unknown distribution {tag} (expected one of: {expected})").format(
            tag=show(ctx["tag"]), expected=ctx["expected_tags"]
        )
    if kind in {"inconsistent", "value_error", "assertion_error"}:
        return str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind == "literal_error":  # pydantic's "'lost' or 'backorder'", the "or" in our words
        ctx = {**ctx, "expected": str(ctx["expected"]).replace("' or '", _("' or '"))}
    ours = _MESSAGES.get(kind) or (_THEIRS.get(kind) if current() != "en" else None)
    if ours is not None:
        return ours().format(got=got, **ctx)
    return f"{err['msg']}, {got}"  # pydantic's own words: a kind of problem not met before


def _unknown_key(loc: tuple[str | int, ...]) -> str:
    key = loc[-1]
    allowed = _allowed_keys(loc[:-1])
    if not allowed:
        return _("unknown key {key}").format(key=show(key))
    close = difflib.get_close_matches(str(key), allowed, n=1)
    hint = _("did you mean {key}? ").format(key=repr(close[0])) if close else ""
    return _("unknown key {key} ({hint}expected one of: {allowed})").format(
        key=show(key), hint=hint, allowed=", ".join(allowed)
    )


def _allowed_keys(loc: tuple[str | int, ...]) -> list[str]:
    """Return the keys the schema accepts at ``loc`` (following the discriminator tag)."""
    annotation: Any = Scenario
    for step in loc:
        annotation = _unwrap(annotation, step)
        if annotation is None:
            return []
    annotation = _unwrap(annotation, None)
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return [f.alias or name for name, f in annotation.model_fields.items()]
    return []


def _unwrap(annotation: Any, step: str | int | None) -> Any:  # noqa: PLR0911 (one per kind of type)
    """Follow one step of ``loc`` through a type: fields, list items, dict values, unions."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0], step)
    if origin in (typing.Union, type(int | str)):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        for member in members:  # a discriminated union: the step is the tag
            fields = getattr(member, "model_fields", {})
            tag = fields.get("distribution")
            if tag is not None and step in typing.get_args(tag.annotation):
                return member
        return _unwrap(members[0], step) if len(members) == 1 else None
    if step is None:
        return annotation
    if origin is list:
        return typing.get_args(annotation)[0]
    if origin is dict:
        return typing.get_args(annotation)[1]
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        field = annotation.model_fields.get(str(step))
        return field.annotation if field else None
    return None


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict = 2, 4, 4
_SHORT.maxstring = _SHORT.maxother = MAX_SHOWN
_DIGITS = 200  # bits of an integer shown in full; int() of 4,300+ digits cannot even be shown
_EXACT = 1e16  # a float shown as a whole number below this


def show(value: Any, limit: int = MAX_SHOWN) -> str:
    """Show a value the way the user wrote it, shortened if long, safe for a terminal.

    Never renders more than a few levels and items of a large value (an alias bomb must not be
    turned into text whole), nor a number of thousands of digits.
    """
    if isinstance(value, bool) or value is None:
        text = str(value)
    elif isinstance(value, int):
        text = (
            str(value)
            if value.bit_length() < _DIGITS
            else _("a number of {digits} hex digits").format(digits=len(hex(value)))
        )
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < _EXACT else repr(value)
    elif isinstance(value, str):
        text = repr(value[: limit + 1])
    elif isinstance(value, list | dict | tuple | set):
        text = _SHORT.repr(value)
    else:  # a date, or another plain value YAML can make
        text = str(value)[: limit + 1]
    return printable(text if len(text) <= limit else text[: limit - 3] + "...")


def printable(text: str) -> str:
    """Replace control characters (terminal escapes among them) with ``?``."""
    return text if text.isprintable() else "".join(c if c.isprintable() else "?" for c in text)


def one_of(flag: str, choices: Iterable[Any], got: Any) -> Message:
    """Say that ``flag`` takes one of ``choices``, and what it got instead."""
    return Message(
        "{flag}: one of {choices}, got {value}",
        flag=flag,
        choices=", ".join(map(str, choices)),
        value=show(got),
    )


def join(names: Iterable[Any], most: int = 12) -> str:
    """List names for a message (the first ``most`` of them), or say there are none."""
    names = list(itertools.islice(names, most + 1))
    shown = ", ".join(
        show(n) if not isinstance(n, str) else printable(n[:MAX_SHOWN]) for n in names[:most]
    )
    return (shown + (", ..." if len(names) > most else "")) or _("none")
