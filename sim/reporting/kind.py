"""What makes a kind of result: the files it writes, how it is said, its section of a report.

A ``Kind`` is one entry of the registry (``sim.reporting.kinds``): adding a kind of question to
umkm-sim is its experiment module (``sim.experiments``) and one entry. The helpers below turn a
result into the writers of its files; each writer writes one file at the (temporary) path it is
given, and is called only when the file is written (a figure is drawn then, not before).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.i18n import _, current, in_every_language
from sim.results.documents import without_nan

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

Writer = Callable[[Path], object]
"""Writes one file at the (temporary) path it is given."""
Files = Mapping[str, Callable[[Any], "Writer | None"]]
"""Each file a kind may write, by name -> its writer for a result (``None``: not for this one)."""


@dataclass(frozen=True)
class Kind:
    """One kind of result: how it is written, said and reported.

    Attributes:
        name: The question it answers, as the command line and documents call it (``compare``).
        result: The class of its results.
        document: The JSON file holding its document; a folder holding it is this kind's.
        files: Every file it may write, by name (the document among them) -> its writer for a
            result, or ``None`` where the result has no such file (no cash without finance).
        text: The result said for a terminal, in the current language.
        section: Its section of a report: HTML parts, from its document.
        words: Sentences its document keeps (in the current language, and under ``said`` in
            each), made from the document itself, so a report in another language says them
            again without computing anything. Under ``rows``, words for each row of its table.
        captions: Each figure it writes -> its caption in the report.
        summary: One line for ``umkm-sim --help`` (``None``: no command of its own).
        description: What ``umkm-sim NAME --help`` says it does.
        question: The question it answers, as a report opens with it.
        heading: A report's title, before the scenario's (or records') name.
    """

    name: str
    result: type
    document: str
    files: Files
    text: Callable[[Any], str]
    section: Callable[[dict[str, Any]], list[str]]
    words: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    captions: Mapping[str, Callable[[], str]] = field(default_factory=dict)
    summary: Callable[[], str] | None = None
    description: Callable[[], str] | None = None
    question: Callable[[], str] = lambda: _(
        "Can a crowd of home kitchens hold an export buyer's quota, and which policy makes them "
        "hold it? This report answers it for one scenario, by simulating many possible years."
    )
    heading: Callable[[], str] = lambda: _("Can the kitchens hold the quota?")

    def writers(self, result: Any) -> dict[str, Writer]:
        """The result's files, by name: how to write each."""
        found = {name: writer(result) for name, writer in self.files.items()}
        return {name: writer for name, writer in found.items() if writer is not None}

    def published(self, result: Any) -> dict[str, Any]:
        """The result's document as its file holds it: with its words, in every language too."""
        document: dict[str, Any] = result.document()
        if self.words is None:
            return document
        words = self.words
        said = in_every_language(lambda: words(document))
        mine = dict(said[current()])
        for row, extra in zip(document.get("table", []), mine.pop("rows", []), strict=False):
            row.update(extra)
        return document | mine | {"said": said}


def json_file(document: dict[str, Any]) -> Writer:
    """A JSON document (see ``json_text``)."""
    return text_file(json_text(document) + "\n")


def json_text(document: dict[str, Any]) -> str:
    """A document as JSON, NaN written as null (so that any JSON reader takes it)."""
    return json.dumps(without_nan(document), indent=2, allow_nan=False)


def text_file(text: str) -> Writer:
    """A UTF-8 text file."""
    return lambda tmp: tmp.write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class TableFile:
    """A table written as CSV, without its index; ``parquet`` writes it as Parquet instead."""

    table: pd.DataFrame

    def __call__(self, tmp: Path) -> None:
        """Write it as CSV."""
        self.table.to_csv(tmp, index=False)

    def parquet(self, tmp: Path) -> None:
        """Write it as Parquet (needs pyarrow)."""
        self.table.to_parquet(tmp, index=False)


def csv_file(table: pd.DataFrame) -> Writer:
    """A table, without its index (also as Parquet where asked: ``TableFile``)."""
    return TableFile(table)


def figure(module: str, draw: str, *args: Any) -> Writer:
    """A figure: ``sim.reporting.<module>.<draw>(*args)``, imported and drawn when written.

    matplotlib is slow to import: a command that writes no figure never pays for it.
    """

    def write(tmp: Path) -> None:
        plotted: Figure = getattr(import_module(f"sim.reporting.{module}"), draw)(*args)
        plotted.savefig(tmp, dpi=120)

    return write
