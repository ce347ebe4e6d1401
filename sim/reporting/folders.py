"""Output folders: never replaced unless asked, resumable, files that appear whole or not at all.

An experiment's folder is made before it starts, to hold the run store, and marked INCOMPLETE
until its result files are all written at the end (each to a temporary name, then renamed into
place). ``--overwrite`` moves the old folder aside first and deletes it only once the new
results are complete; if the new run fails, the old folder is put back.
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

from sim.i18n import _

STORE_NAME = "runs.sqlite"
INCOMPLETE = "INCOMPLETE"
"""A file in a folder whose results are not all written yet."""
_TEMPORARY = re.compile(r"^\..*\.[0-9a-f]{32}(\.[A-Za-z0-9]+)?$")  # write_atomic's names

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
        "selection.json",
        "cheapest.json",
        "gsa.json",
        "gsa.csv",
        "gsa-points.csv",
        "gsa.png",
        "convergence.png",
        "fragment.yaml",
        "fit.json",
        "candidates.csv",
        "counts.png",
        "profiles.png",
        "transit.yaml",
        "transit-candidates.csv",
        "transit.png",
        "cheapest.csv",
        "selection.csv",
        "target.csv",
        "experiments.csv",
        "experiments.json",
        "robustness.csv",
        "discovery.json",
        "futures.png",
        "tradeoff.png",
        "box.png",
        INCOMPLETE,
    }
)


class OutputError(Exception):
    """An output folder that cannot be used as asked."""


def prepare(out: Path, *, overwrite: bool = False, resume: bool = False) -> Path:
    """Make ``out`` ready: new, replaced (``overwrite``) or continued (``resume``).

    Raises:
        OutputError: It exists and neither flag allows using it; or there is nothing to
            resume; or ``overwrite`` would delete files umkm-sim did not write; or it cannot
            be made.
    """
    if resume:
        if not (out / STORE_NAME).is_file():
            raise OutputError(
                _("{folder}: nothing to resume (no {store} in it)").format(
                    folder=out, store=STORE_NAME
                )
            )
        _mark_incomplete(out)
        return out
    if out.exists() or out.is_symlink():
        if not overwrite:
            raise OutputError(
                _(
                    "{folder} already exists (use --resume to finish an interrupted run there, "
                    "or --overwrite to start again)"
                ).format(folder=out)
            )
        _check_ours(out)
        _move(out, previous(out))
    try:
        out.mkdir(parents=True)
        _mark_incomplete(out)
    except OSError as exc:
        restore(out)
        raise OutputError(
            _("{folder}: cannot create the folder ({reason})").format(
                folder=out, reason=exc.strerror
            )
        ) from None
    return out


def previous(out: Path) -> Path:
    """Return where ``--overwrite`` keeps the old folder until the new results are complete."""
    return out.with_name(f".{out.name}.previous")


def complete(out: Path) -> None:
    """Mark the folder's results complete; drop the old folder and stray temporary files."""
    for path in out.iterdir():
        if _TEMPORARY.match(path.name):
            path.unlink(missing_ok=True)
    (out / INCOMPLETE).unlink(missing_ok=True)
    if previous(out).is_dir():
        shutil.rmtree(previous(out))


def restore(out: Path) -> None:
    """Put back the folder ``--overwrite`` moved aside, in place of the new one."""
    old = previous(out)
    if not old.is_dir():
        return
    if out.is_dir():
        shutil.rmtree(out)
    _move(old, out)


def is_complete(out: Path) -> bool:
    """Tell whether every result file of the folder was written."""
    return not (out / INCOMPLETE).exists()


def _mark_incomplete(out: Path) -> None:
    write_text(out / INCOMPLETE, "umkm-sim has not finished writing these results.\n")


def _check_ours(out: Path) -> None:
    """Refuse to replace what is not an output folder of ours, before touching anything."""
    if out.is_symlink():
        raise OutputError(
            _("{folder} is a symbolic link; give the folder itself, or another one").format(
                folder=out
            )
        )
    if not out.is_dir():
        raise OutputError(_("{folder} is a file, not an output folder").format(folder=out))
    foreign = sorted(p.name for p in out.iterdir() if not _ours(p.name))
    if foreign:
        raise OutputError(
            _(
                "{folder} holds files umkm-sim did not write ({files}); choose another folder"
            ).format(folder=out, files=", ".join(foreign[:3]))
        )
    if previous(out).exists():
        _check_ours(previous(out))  # a run that was interrupted while replacing it
        shutil.rmtree(previous(out))


def _ours(name: str) -> bool:
    return name in OUR_FILES or bool(_TEMPORARY.match(name))


def _move(source: Path, target: Path) -> None:
    try:
        source.rename(target)
    except OSError as exc:
        raise OutputError(
            _("{folder}: cannot move it aside to replace it ({reason})").format(
                folder=source, reason=exc.strerror
            )
        ) from None


def write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it into place.

    The temporary name keeps the suffix (matplotlib picks the format by it) and is opened by
    ``write`` itself, so the file gets the user's usual permissions.
    """
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex}{path.suffix}")
    try:
        write(tmp)
        tmp.replace(path)
    except OSError as exc:  # a full disk, a folder made read-only meanwhile, ...
        raise OutputError(
            _("{path}: cannot write it ({reason})").format(path=path, reason=exc.strerror or exc)
        ) from None
    finally:
        tmp.unlink(missing_ok=True)


def write_text(path: Path, text: str) -> None:
    """Write text (UTF-8) to ``path`` whole or not at all."""
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
