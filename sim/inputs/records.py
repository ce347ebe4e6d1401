"""A cooperative's records, read and checked: one row per kitchen and day it delivered.

Bad records are treated like bad scenarios: every problem names the file, line and column and
what was expected, and nothing is fitted from a file that has one.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.i18n import _, number
from sim.scenario.limits import MAX_DRAW, MAX_HORIZON_DAYS
from sim.scenario.messages import ScenarioError, join, show

MAX_RECORD_BYTES = 200 * 1024**2  # a decade of daily rows for a thousand kitchens fits
MAX_RECORD_CELLS = 20_000_000
"""Kitchen-days a fit lays out (kitchens x days from the first to the last): a decade of a
thousand kitchens is 3.7 million; each cell is a few 8-byte numbers in the fit's arrays."""
_SHOWN = 5  # problems of one kind said, at most


class RecordsError(ScenarioError):
    """Records that cannot be used; each problem says file, line, column and what was wrong."""


@dataclass(frozen=True)
class Columns:
    """Which column holds what (names as in the file's header)."""

    kitchen: str = "kitchen"
    date: str = "date"
    packs: str = "packs"
    product: str = "product"


def read_deliveries(
    path: str | Path, columns: Columns = Columns(), product: str | None = None
) -> pd.DataFrame:
    """Return the deliveries: ``kitchen``, ``date`` (a day) and ``packs``, one row each.

    Days a kitchen does not appear on are days it delivered nothing. With ``product``, only
    rows of that product are kept, if the file has a product column; a file whose product
    column holds several products needs it (one fit pools one product's kitchens, never two).

    Raises:
        RecordsError: A missing column, a date that is not one, packs that are not a whole
            number of at least 0, the same kitchen twice on one day, several products and no
            ``product``, or no rows at all.
    """
    rows = _read(path, [columns.kitchen, columns.date, columns.packs])
    if product is None and columns.product in rows:
        products = sorted(map(str, rows[columns.product].dropna().unique()))
        if len(products) > 1:
            problem = _(
                "{path}: column {column} holds {n} products ({names}): fit one at a time, "
                "with --product NAME"
            )
            names = join(products, most=5)
            raise RecordsError(
                [problem.format(path=path, column=columns.product, n=len(products), names=names)]
            )
    if product is not None and columns.product in rows:  # else it only names the product
        rows = rows[rows[columns.product] == product]
        if rows.empty:
            problem = _("{path}: no rows of product {product}")
            raise RecordsError([problem.format(path=path, product=show(product))])
    dates = _dates(path, rows, columns.date)
    packs = pd.to_numeric(rows[columns.packs], errors="coerce")
    whole = packs.notna() & np.isfinite(packs) & (packs == packs.round())
    problem = _("{path}:{line}: {column}: a whole number of packs, 0 to {most}, got {value}")
    problems = [
        problem.format(
            path=path,
            line=line,
            column=columns.packs,
            most=number(MAX_DRAW),
            value=show(rows.loc[line, columns.packs]),
        )
        for line in rows.index[~whole | (packs < 0) | (packs > MAX_DRAW)][:_SHOWN]
    ]
    kitchens = rows[columns.kitchen].str.strip()
    problem = _("{path}:{line}: {column}: a kitchen's name, got nothing")
    problems += [
        problem.format(path=path, line=line, column=columns.kitchen)
        for line in rows.index[kitchens == ""][:_SHOWN]
    ]
    if problems:
        raise RecordsError(problems)
    table = pd.DataFrame({"kitchen": kitchens, "date": dates, "packs": packs.astype(np.int64)})
    twice = table.index[table.duplicated(["kitchen", "date"], keep="first")]
    if len(twice):
        problem = _("{path}:{line}: kitchen {kitchen} on {date} a second time")
        raise RecordsError(
            [
                problem.format(
                    path=path,
                    line=line,
                    kitchen=show(table.loc[line, "kitchen"]),
                    date=pd.Timestamp(table.loc[line, "date"]).date(),
                )
                for line in twice[:_SHOWN]
            ]
        )
    _check_span(path, table)
    return table.reset_index(drop=True)


def _check_span(path: str | Path, table: pd.DataFrame) -> None:
    """Refuse records whose kitchens x days would not fit the fit's arrays."""
    days = (table.date.max() - table.date.min()).days + 1
    cells = days * table.kitchen.nunique()
    first, last = table.date.min().date(), table.date.max().date()
    if days > MAX_HORIZON_DAYS:
        problem = _("{path}: the dates run from {first} to {last}, more than {most} days")
        most = number(MAX_HORIZON_DAYS)
        raise RecordsError([problem.format(path=path, first=first, last=last, most=most)])
    if cells > MAX_RECORD_CELLS:
        problem = _(
            "{path}: {kitchens} kitchens over {days} days make {cells} kitchen-days, more than "
            "the {most} a fit takes: fit a shorter span, or fewer kitchens"
        )
        raise RecordsError(
            [
                problem.format(
                    path=path,
                    kitchens=number(table.kitchen.nunique()),
                    days=number(days),
                    cells=number(cells),
                    most=number(MAX_RECORD_CELLS),
                )
            ]
        )


def read_transits(path: str | Path, departure: str, arrival: str) -> np.ndarray:
    """Return the days each shipment took, from its departure and arrival dates.

    Raises:
        RecordsError: A date that is not one, arrival before departure, or no rows.
    """
    rows = _read(path, [departure, arrival])
    left, came = _dates(path, rows, departure), _dates(path, rows, arrival)
    days = (came - left).dt.days
    early = rows.index[days < 0]
    if len(early):
        problem = _("{path}:{line}: {arrival}: before its {departure}")
        raise RecordsError(
            [
                problem.format(path=path, line=line, arrival=arrival, departure=departure)
                for line in early[:_SHOWN]
            ]
        )
    return days.to_numpy(dtype=np.int64)


def _dates(path: str | Path, rows: pd.DataFrame, column: str) -> pd.Series:
    """The column as days; every value that is not a date is a problem.

    A date and time with a time zone is its local day (``2025-01-31T08:00+07:00`` is 31 January).
    """
    text = rows[column].str.strip()
    try:
        dates = pd.to_datetime(text, errors="coerce", format="ISO8601")
    except (ValueError, TypeError):  # several time zones in one column: day by day
        dates = pd.Series([_local_day(v) for v in text], index=text.index, dtype="datetime64[ns]")
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    bad = rows.index[dates.isna()]
    if len(bad):
        problem = _("{path}:{line}: {column}: a date like 2025-01-31, got {value}")
        raise RecordsError(
            [
                problem.format(
                    path=path, line=line, column=column, value=show(rows.loc[line, column])
                )
                for line in bad[:_SHOWN]
            ]
        )
    return dates.dt.normalize()


def _local_day(value: str) -> pd.Timestamp | None:
    """One value as its local day, its time zone dropped (``None``: not a date)."""
    try:
        day = pd.Timestamp(value)
    except (ValueError, TypeError):
        return None
    return day.tz_localize(None) if day.tzinfo is not None else day


def _read(path: str | Path, needed: list[str]) -> pd.DataFrame:
    """Read a CSV as text, indexed by file line number (the header is line 1)."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_RECORD_BYTES:
            limit = MAX_RECORD_BYTES // 1024**2
            problem = _("{path}: larger than {limit} MB; split it by year or product")
            raise RecordsError([problem.format(path=path, limit=limit)])
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problem = _("{path}: cannot read it ({reason})")
        raise RecordsError([problem.format(path=path, reason=type(exc).__name__)]) from None
    try:
        separator = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        separator = ","
    try:
        rows = pd.read_csv(io.StringIO(text), sep=separator, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        reason = str(exc).splitlines()[0][:160] if str(exc) else _("empty")  # pandas' words
        problem = _("{path}: not a CSV table ({reason})")
        raise RecordsError([problem.format(path=path, reason=reason)]) from None
    missing = [c for c in needed if c not in rows.columns]
    if missing:
        have = ", ".join(map(str, rows.columns[:12]))
        problem = _(
            "{path}:1: no column {column} (the header has: {have}; name another with the "
            "--...-column flags)"
        )
        raise RecordsError([problem.format(path=path, column=show(c), have=have) for c in missing])
    if rows.empty:
        raise RecordsError([_("{path}: no rows under the header").format(path=path)])
    rows.index = rows.index + 2  # the header is line 1, the first row line 2
    return rows
