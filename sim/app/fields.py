"""Number fields that read and write numbers the reader's way: ``2.000.000.000`` in Indonesian.

Streamlit's own number input writes ``2000000000`` (and ``300.00`` where Indonesian writes
``300,00``), so a number is a text field here: shown with the current language's grouping and
decimal marks, read back with Babel's strict parsing, and checked against its bounds. The value
itself lives apart from the field (``st.session_state["values"]``), so switching the language
shows the same value in the other language's marks instead of misreading them.
"""

from __future__ import annotations

import streamlit as st

from sim.i18n import _, current, number, parse_number, plain


def number_field(
    label: str,
    low: float,
    high: float,
    value: float,
    key: str,
    *,
    whole: bool = True,
    grouped: bool = True,
    where: object = st,
) -> float:
    """A text field holding a number from ``low`` to ``high``; return the number it holds.

    Args:
        label: What it is.
        low: The smallest number it takes (said in the field's help, and checked).
        high: The largest.
        value: The number before anything is typed.
        key: Its name on the page, the same in every language.
        whole: Only whole numbers.
        grouped: Write thousands with their marks (not for a seed).
        where: The part of the page to draw it in (``st.sidebar``, a column).
    """
    values: dict[str, float] = st.session_state.setdefault("values", {})
    held = values.get(key, value)
    field = f"{key}:{current()}"  # one field per language: its text is in that language's marks
    if field not in st.session_state:
        st.session_state[field] = _written(held, whole=whole, grouped=grouped)
    typed = where.text_input(  # type: ignore[attr-defined]
        label,
        key=field,
        help=_("from {low} to {high}").format(low=number(low), high=number(high)),
    )
    read = parse_number(typed)
    if read is None or (whole and not read.is_integer()) or not low <= read <= high:
        expected = _("a whole number") if whole else _("a number")
        where.error(  # type: ignore[attr-defined]
            _("{label}: expected {what} from {low} to {high}; kept {value}").format(
                label=label,
                what=expected,
                low=number(low),
                high=number(high),
                value=_written(held, whole=whole, grouped=grouped),
            )
        )
        return held
    values[key] = read
    return read


def _written(value: float, *, whole: bool, grouped: bool) -> str:
    if whole:
        return number(int(value), grouped=grouped)
    return plain(value)
