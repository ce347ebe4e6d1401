"""A result in files and in words: ``write`` makes its folder, ``say`` its text.

What each kind writes and says is its registry entry's (``sim.reporting.kinds``); every file
is written whole or not at all (``sim.reporting.folders``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.i18n import speaking
from sim.reporting.folders import Folder, write_atomic
from sim.reporting.kind import TableFile, Writer
from sim.reporting.kinds import kind_of


def write(
    result: Any, out_dir: str | Path, *, overwrite: bool = False, parquet: bool = False
) -> Path:
    """Write a result's files (tables, document, figures, scenario) into a new folder.

    ``result`` is what ``sim.run``, ``sim.compare``, ... returned; the files are those
    ``--out`` writes, in the current language. ``parquet``: each table also as Parquet.

    Raises:
        OutputError: ``out_dir`` exists and ``overwrite`` is false.
        ImportError: ``parquet`` without pyarrow.
    """
    with Folder.prepare(Path(out_dir), overwrite=overwrite) as folder:
        write_files(result, folder.path, parquet=parquet)
        folder.complete()
    return folder.path


def write_files(result: Any, out: Path, *, parquet: bool = False) -> list[str]:
    """Write a result's files into an existing folder, each whole or not at all; their names.

    With ``parquet``, each table (``NAME.csv``) is also written as ``NAME.parquet``: the same
    columns, their types kept, read without parsing.
    """
    files: dict[str, Writer] = kind_of(result).writers(result)
    if parquet:
        tables = {n: w for n, w in files.items() if isinstance(w, TableFile)}
        files |= {n.removesuffix(".csv") + ".parquet": w.parquet for n, w in tables.items()}
    for name, write_file in files.items():
        write_atomic(out / name, write_file)
    return list(files)


def say(result: Any, language: str | None = None) -> str:
    """Return what a result says for a terminal (``umkm-sim`` prints it), in ``language``.

    Default: the current language (``sim.set_language``).
    """
    text = kind_of(result).text
    if language is None:
        return text(result)
    with speaking(language):
        return text(result)


def published(result: Any) -> dict[str, Any]:
    """Return a result's document as its JSON file holds it (``--json`` prints it)."""
    return kind_of(result).published(result)
