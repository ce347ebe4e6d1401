"""A result in files and in words: ``write`` makes its folder, ``say`` its text.

What each kind writes and says is its registry entry's (``sim.reporting.kinds``); every file
is written whole or not at all (``sim.reporting.folders``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.i18n import speaking
from sim.reporting.folders import Folder, write_atomic
from sim.reporting.kinds import kind_of


def write(result: Any, out_dir: str | Path, *, overwrite: bool = False) -> Path:
    """Write a result's files (tables, document, figures, scenario) into a new folder.

    ``result`` is what ``sim.run``, ``sim.compare``, ... returned; the files are those
    ``--out`` writes, in the current language.

    Raises:
        OutputError: ``out_dir`` exists and ``overwrite`` is false.
    """
    with Folder.prepare(Path(out_dir), overwrite=overwrite) as folder:
        write_files(result, folder.path)
        folder.complete()
    return folder.path


def write_files(result: Any, out: Path) -> list[str]:
    """Write a result's files into an existing folder, each whole or not at all; their names."""
    files = kind_of(result).writers(result)
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
