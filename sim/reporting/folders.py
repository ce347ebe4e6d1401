"""Output folders: never replaced unless asked, resumable, files that appear whole or not at all.

An experiment's folder is made before it starts, to hold the run store; its result files are
written at the end, each to a temporary name and then renamed into place.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

STORE_NAME = "runs.sqlite"

# Files umkm-sim writes; --overwrite removes a folder only if it holds nothing else.
OUR_FILES = frozenset(
    {
        STORE_NAME,
        f"{STORE_NAME}-wal",
        f"{STORE_NAME}-shm",
        "summary.json",
        "shipments.csv",
        "scenario.yaml",
        "stock.png",
        "cash.png",
        "miss_rates.png",
        "shortfall.png",
        "survival.png",
        "forest.png",
        "sensitivity.json",
        "sensitivity.csv",
        "tornado.png",
        "report.html",
        "comparison.json",
        "comparison.csv",
        "sweep.json",
        "sweep.csv",
        "sweep.png",
        "target.json",
        "target.csv",
    }
)


class OutputError(Exception):
    """An output folder that cannot be used as asked."""


def prepare(out: Path, *, overwrite: bool = False, resume: bool = False) -> Path:
    """Make ``out`` ready: new, replaced (``overwrite``) or continued (``resume``).

    Raises:
        OutputError: It exists and neither flag allows using it; or there is nothing to
            resume; or ``overwrite`` would delete files umkm-sim did not write.
    """
    if resume:
        if not (out / STORE_NAME).is_file():
            raise OutputError(f"{out}: nothing to resume (no {STORE_NAME} in it)")
        return out
    if out.exists():
        if not overwrite:
            raise OutputError(
                f"{out} already exists (use --resume to finish an interrupted run there, "
                "or --overwrite to start again)"
            )
        _remove_our_folder(out)
    out.mkdir(parents=True)
    return out


def _remove_our_folder(out: Path) -> None:
    if not out.is_dir():
        raise OutputError(f"{out} is a file, not an output folder")
    foreign = sorted(p.name for p in out.iterdir() if p.name not in OUR_FILES)
    if foreign:
        raise OutputError(
            f"{out} holds files umkm-sim did not write ({', '.join(foreign[:3])}); "
            "choose another folder"
        )
    shutil.rmtree(out)


def write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it into place.

    The temporary name keeps the suffix (matplotlib picks the format by it) and is opened by
    ``write`` itself, so the file gets the user's usual permissions.
    """
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex}{path.suffix}")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(path: Path, text: str) -> None:
    """Write text (UTF-8) to ``path`` whole or not at all."""
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
