"""Output folders: the one owner of the rules that keep results whole, never lost, never mixed.

A folder is prepared before an experiment starts, to hold its run store, and marked INCOMPLETE
until its result files are all written (each to a temporary name, then renamed into place). The
rules, all here:

- **New**: a folder that exists is never replaced unasked.
- **Overwrite**: the old folder is moved aside to ``.DIR.previous`` and deleted only once the new
  results are complete; if the new run fails, it is put back. A folder that is a symbolic link,
  or holds files umkm-sim did not write, is never replaced. If an earlier ``--overwrite`` was
  killed, ``.DIR.previous`` is the last complete result: it is kept, never deleted first (and
  named, not moved, when a command without ``--overwrite`` meets it).
- **Failed**: a new run that fails (not interrupted) leaves nothing behind unless its store
  holds finished runs, kept for ``--resume``.
- **Resume**: only a folder whose run store belongs to the same experiment (command, its
  flags, scenario, seed) is continued; another's is refused before anything in it changes.
- **One writer at a time**: a folder being written is locked (``.DIR.lock`` beside it); a second
  writer is refused, not merged.

The module stays whole: these rules depend on one another, and are read and checked together.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sim.experiments.store import RunStore
from sim.i18n import Message
from sim.scenario.messages import show

STORE_NAME = "runs.sqlite"
INCOMPLETE = "INCOMPLETE"
"""A file in a folder whose results are not all written yet."""
REPORT = "report.html"
_TEMPORARY = re.compile(r"^\..*\.[0-9a-f]{32}(\.[A-Za-z0-9]+)?$")  # write_atomic's names


class OutputError(Exception):
    """An output folder that cannot be used as asked."""

    def __str__(self) -> str:
        """Say it in the current language."""
        return str(self.args[0])


class Folder:
    """A results folder while umkm-sim writes it: locked, its store open, marked incomplete.

    Made by ``Folder.prepare`` (a new or replaced folder, or one to resume) or
    ``Folder.existing`` (a finished folder that gains files: a report, a discovery).

    Attributes:
        path: The folder.
        store: Its run store (``None`` for a folder that gains files).
    """

    def __init__(self, path: Path, store: RunStore | None = None) -> None:
        """Hold an already prepared folder."""
        self.path = path
        self.store = store

    @classmethod
    @contextmanager
    def prepare(
        cls,
        path: Path,
        *,
        overwrite: bool = False,
        resume: bool = False,
        experiment: Mapping[str, Any] | None = None,
    ) -> Iterator[Folder]:
        """Make ``path`` ready for an experiment's results, and its run store (``experiment``).

        The folder is new, replaced (``overwrite``) or continued (``resume``; its store must
        hold ``experiment``'s runs). Inside the block it is locked and marked INCOMPLETE; call
        ``complete()`` once every file is written. If the block fails, a replaced folder is
        put back; if it is interrupted, what finished stays in the store, for ``--resume``.

        Raises:
            OutputError: The folder cannot be used as asked (said before anything changes).
        """
        _check_name(path)
        if resume:
            _check_resumable(path)  # before the lock: a refusal creates nothing, not even parents
        with _locked(path):
            if resume:
                store = _resumed(path, experiment)
            else:
                _clear_the_way(path, overwrite=overwrite)
                store = _made(path, experiment)
            folder = cls(path, store)
            from sim.experiments.runner import Interrupted  # noqa: PLC0415 (pandas: only now)

            try:
                yield folder
            except (Interrupted, KeyboardInterrupt):
                raise  # its finished runs are kept, for --resume
            except BaseException:
                if not resume:
                    _undo(path, store)
                raise
            finally:
                if store is not None:
                    store.close()

    @classmethod
    @contextmanager
    def existing(cls, path: Path) -> Iterator[Folder]:
        """A finished folder, locked while it gains files (a report, a discovery).

        Raises:
            OutputError: No such folder, or its results are not all written.
        """
        _check_name(path, current=True)
        if not path.is_dir():
            raise OutputError(Message("{folder}: no such folder", folder=path))
        with _locked(path):
            check_complete(path)
            yield cls(path)

    def complete(self) -> None:
        """Mark the results complete; drop the folder they replace and stray temporary files."""
        for stray in self.path.iterdir():
            if _TEMPORARY.match(stray.name):
                stray.unlink(missing_ok=True)
        (self.path / INCOMPLETE).unlink(missing_ok=True)
        if previous(self.path).is_dir():
            shutil.rmtree(previous(self.path))

    def files(self) -> list[str]:
        """The files the folder keeps, sorted.

        Not the hidden ones, nor the store's journals (SQLite's ``-wal`` and ``-shm`` go when
        the store is closed).
        """
        return sorted(
            p.name
            for p in self.path.iterdir()
            if not p.name.startswith(".") and not p.name.endswith(("-wal", "-shm"))
        )


def previous(out: Path) -> Path:
    """Return where ``--overwrite`` keeps the old folder until the new results are complete."""
    return _beside(out, "previous")


def _beside(out: Path, what: str) -> Path:
    """``.DIR.previous`` or ``.DIR.lock``: a hidden sibling of the folder (``.`` made whole)."""
    whole = _whole(out)
    return whole.with_name(f".{whole.name}.{what}")


def _whole(out: Path) -> Path:
    """The folder's absolute path, a symbolic link not followed (it is refused, not replaced)."""
    return Path(os.path.abspath(out))  # noqa: PTH100 (resolve() would follow the link)


def _check_name(out: Path, *, current: bool = False) -> None:
    """Refuse a folder that cannot be one of ours.

    Where another folder's backup or lock is kept (``.DIR.previous``, ``.DIR.lock``); a folder
    holding the current one (``/`` among them), or unless ``current`` the current one itself.
    """
    whole = _whole(out)
    if (whole == Path.cwd() and not current) or whole in Path.cwd().parents:
        said = Message(
            "{folder} holds the current folder: give a new folder for the results", folder=out
        )
        raise OutputError(said)
    if re.fullmatch(r"\..+\.(previous|lock)", whole.name):
        said = Message(
            "{folder} is where umkm-sim keeps another folder's backup or lock: choose another name",
            folder=out,
        )
        raise OutputError(said)


def is_complete(out: Path) -> bool:
    """Tell whether every result file of the folder was written."""
    return not (out / INCOMPLETE).exists()


def check_complete(out: Path) -> None:
    """Refuse a folder whose results are not all written.

    Raises:
        OutputError: It holds the INCOMPLETE marker.
    """
    if not is_complete(out):
        raise OutputError(
            Message(
                "{folder} is incomplete: the run that wrote it did not finish (finish it with "
                "the same command and --resume, then report)",
                folder=out,
            )
        )


def read_document(path: Path) -> dict[str, Any]:
    """Read a result's JSON document from a finished folder.

    Raises:
        OutputError: The folder is incomplete, or the file is missing, damaged or no document.
    """
    check_complete(path.parent)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        said = Message(
            "{file}: damaged, cannot be read ({problem})", file=path, problem=show(str(exc))
        )
        raise OutputError(said) from None
    if not isinstance(document, dict):
        raise OutputError(Message("{file}: damaged, not a results document", file=path))
    return document


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
        said = Message("{path}: cannot write it ({reason})", path=path, reason=exc.strerror or exc)
        raise OutputError(said) from None
    finally:
        tmp.unlink(missing_ok=True)


def write_text(path: Path, text: str) -> None:
    """Write text (UTF-8) to ``path`` whole or not at all."""
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


# --- the rules --------------------------------------------------------------------------------


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold the folder's lock (``.DIR.lock`` beside it) inside the block; refuse if held.

    The lock is the kernel's (``flock``): a writer killed outright releases it, and the file it
    leaves behind locks nothing. The file is removed when released. A writer that opened it
    just before it was removed finds, once it holds the lock, that the file at that name is no
    longer the one it locked, and tries again: two writers never both believe they hold it.
    """
    lock = _beside(out, "lock")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                said = Message(
                    "{folder} is being written by another umkm-sim now: wait for it to finish, "
                    "or choose another folder",
                    folder=out,
                )
                raise OutputError(said) from None
            if _same_file(fd, lock):
                break
            os.close(fd)
    except OSError as exc:
        said = Message(
            "{folder}: cannot create the folder ({reason})", folder=out, reason=exc.strerror
        )
        raise OutputError(said) from None
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), path.stat())
    except FileNotFoundError:
        return False


def _check_resumable(out: Path) -> None:
    if not (out / STORE_NAME).is_file():
        said = Message(
            "{folder}: nothing to resume (no {store} in it)", folder=out, store=STORE_NAME
        )
        raise OutputError(said)


def _resumed(out: Path, experiment: Mapping[str, Any] | None) -> RunStore | None:
    """Open the store of a folder to resume; refuse another experiment's, changing nothing."""
    _check_resumable(out)
    store = RunStore(out / STORE_NAME)
    if experiment is not None:
        theirs = store.claim(experiment)
        if theirs != json.loads(json.dumps(experiment)):
            store.close()
            said = Message(
                "{path} holds runs of {theirs}; this is {ours}: resume with the same command, "
                "scenario and seed, or start again with --overwrite",
                path=out / STORE_NAME,
                theirs=_said(theirs, experiment),
                ours=_said(experiment, theirs),
            )
            raise OutputError(said)
    _mark_incomplete(out)
    return store


def _said(experiment: Mapping[str, Any], other: Mapping[str, Any]) -> Message | str:
    """An experiment in a few words: its command, its scenario, its seed.

    The command with the flags it does not share with ``other``, so that two are told apart.
    """
    try:
        flags, others = dict(experiment.get("flags", {})), dict(other.get("flags", {}))
        differ = [
            f"--{k.replace('_', '-')}" + ("" if v is True else f" {str(v)[:40]}")
            for k, v in flags.items()
            if k != "seed" and others.get(k) != v
        ]
        return Message(
            "`{command}` of scenario {scenario} (sha256 {digest}) with seed {seed}",
            command=" ".join([str(experiment["command"]), *differ[:10]]),
            scenario=repr(str(experiment["scenario"])[:60]),
            digest=str(experiment["sha256"])[:12],
            seed=experiment["seed"],
        )
    except (KeyError, TypeError):
        return Message("another experiment")


def _clear_the_way(out: Path, *, overwrite: bool) -> None:
    """Make room for a new folder at ``out``: refuse, or move the old one aside (``overwrite``).

    Everything is checked before anything moves. A ``.DIR.previous`` left by a killed
    ``--overwrite`` is the last complete result unless ``out`` is complete itself: it is never
    deleted then. An incomplete ``out`` is not kept aside: it is no result to go back to.
    """
    old = previous(out)
    backup = old.exists() or old.is_symlink()
    there = out.exists() or out.is_symlink()
    if not overwrite:
        if backup and not there:  # refused as it is: a refusal changes nothing
            said = Message(
                "{folder}: an interrupted --overwrite left the last complete result in {backup} "
                "(move it back to {folder}, or use --overwrite to start again)",
                folder=out,
                backup=old,
            )
            raise OutputError(said)
        if there:
            said = Message(
                "{folder} already exists (use --resume to finish an interrupted run there, or "
                "--overwrite to start again)",
                folder=out,
            )
            raise OutputError(said)
        return
    if there:
        _check_ours(out)
    if backup:
        _check_ours(old)
        if not (out.is_dir() and is_complete(out)):
            if there:
                shutil.rmtree(out)  # the killed run's unfinished folder
            return  # the last complete result stays aside until the new one is complete
        shutil.rmtree(old)  # a leftover: the folder itself is complete
    if there and not is_complete(out):
        shutil.rmtree(out)  # a killed run's unfinished folder: nothing to keep aside
    elif there:
        _move(out, old)


def _made(out: Path, experiment: Mapping[str, Any] | None) -> RunStore | None:
    """Create the folder, marked incomplete, and its store claimed for ``experiment``."""
    try:
        out.mkdir(parents=True)
        _mark_incomplete(out)
    except OSError as exc:
        _restore(out)
        said = Message(
            "{folder}: cannot create the folder ({reason})", folder=out, reason=exc.strerror
        )
        raise OutputError(said) from None
    if experiment is None:
        return None
    store = RunStore(out / STORE_NAME)
    store.claim(experiment)
    return store


def _undo(out: Path, store: RunStore | None) -> None:
    """After a failed new run: put back what it replaced, or remove what holds nothing.

    A folder whose store holds finished runs is kept, marked incomplete, for ``--resume``.
    """
    if previous(out).is_dir():
        _restore(out)
    elif out.is_dir() and (store is None or len(store) == 0):
        if store is not None:
            store.close()
        shutil.rmtree(out)


def _restore(out: Path) -> None:
    """Put back the folder ``--overwrite`` moved aside, in place of the new one."""
    old = previous(out)
    if not old.is_dir():
        return
    if out.is_dir():
        shutil.rmtree(out)
    _move(old, out)


def _mark_incomplete(out: Path) -> None:
    write_text(out / INCOMPLETE, "umkm-sim has not finished writing these results.\n")


def _check_ours(out: Path) -> None:
    """Refuse to replace what is not an output folder of ours, before touching anything."""
    if out.is_symlink():
        said = Message(
            "{folder} is a symbolic link; give the folder itself, or another one", folder=out
        )
        raise OutputError(said)
    if not out.is_dir():
        raise OutputError(Message("{folder} is a file, not an output folder", folder=out))
    foreign = sorted(p.name for p in out.iterdir() if not _ours(p.name))
    if foreign:
        said = Message(
            "{folder} holds files umkm-sim did not write ({files}); choose another folder",
            folder=out,
            files=", ".join(foreign[:3]),
        )
        raise OutputError(said)


def _ours(name: str) -> bool:
    """Whether umkm-sim wrote it: a kind's file, the store's, a report (``report.id.html`` too)."""
    report = name.startswith("report") and name.endswith(".html")
    return name in _our_files() or report or bool(_TEMPORARY.match(name))


def _our_files() -> frozenset[str]:
    """Every file umkm-sim writes into a folder: each kind's, the store's, the report's."""
    from sim.reporting.kinds import KINDS  # noqa: PLC0415 (the kinds write through this module)

    written = {name for kind in KINDS for name in kind.files}
    written |= {name.removesuffix(".csv") + ".parquet" for name in written if name.endswith(".csv")}
    store = {STORE_NAME, f"{STORE_NAME}-wal", f"{STORE_NAME}-shm"}
    return frozenset(written | store | {REPORT, INCOMPLETE})


def _move(source: Path, target: Path) -> None:
    try:
        source.rename(target)
    except OSError as exc:
        said = Message(
            "{folder}: cannot move it aside to replace it ({reason})",
            folder=source,
            reason=exc.strerror,
        )
        raise OutputError(said) from None
