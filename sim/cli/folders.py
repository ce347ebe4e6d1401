"""The commands on a results folder: ``report`` and ``discover`` (PRIM, in explored futures)."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.cli.session import UsageError
from sim.i18n import Message, _


def report(args: argparse.Namespace) -> int:
    """Write a self-contained report.html into an output folder (or to ``--out FILE``)."""
    from sim.reporting.html import write_report  # noqa: PLC0415

    if args.out is not None:
        _check_report_file(args.out)
    print(_("wrote {path}").format(path=write_report(args.folder, args.out)))
    return 0


def _check_report_file(path: Path) -> None:
    """Refuse, before the report is made, a ``--out`` that cannot be a file written whole."""
    if path.is_dir():
        raise UsageError(Message("--out {path}: a folder; give a file name", path=path))
    parent = path.parent
    if not parent.is_dir():
        said = Message("--out {path}: no folder {parent} to write it in", path=path, parent=parent)
        raise UsageError(said)


def discover(args: argparse.Namespace) -> int:
    """Find the futures in which a policy fails, as a few conditions on the uncertainties (PRIM).

    Reads an exploration's folder, prints the box in words and PRIM's trajectory, and writes the
    discovery into the folder.
    """
    from sim.experiments.discover import cart_rules, failures_in  # noqa: PLC0415
    from sim.experiments.discover import discover as find_box  # noqa: PLC0415
    from sim.experiments.robustness import Criterion  # noqa: PLC0415
    from sim.reporting.folders import Folder, read_document  # noqa: PLC0415
    from sim.reporting.kind import json_text  # noqa: PLC0415
    from sim.reporting.kinds import discover as words  # noqa: PLC0415
    from sim.reporting.writers import published, write_files  # noqa: PLC0415

    where = Criterion.parse(args.where, args.buyer, "--where")
    with Folder.existing(args.folder) as folder:
        path = folder.path / "experiments.json"
        if not path.is_file():
            said = Message(
                "{path}: not the results of umkm-sim explore ({problem})",
                path=path,
                problem=_("no such file"),
            )
            raise UsageError(said)
        explored = read_document(path)
        futures, failed = failures_in(explored, where, args.policy, str(path))
        found = find_box(
            futures,
            failed,
            where,
            args.policy,
            box=args.box,
            threshold=args.threshold,
            explored={k: explored.get(k) for k in _PROVENANCE},
        )
        written = write_files(found, folder.path)
    if args.json:
        print(json_text(published(found)))
        return 0
    print(words.text(found, cart_rules(futures, failed) if args.cart else None))
    wrote = _("wrote {folder}/: {files}").format(folder=folder.path, files=" ".join(written))
    print("\n" + wrote)
    return 0


_PROVENANCE = (
    "scenario",
    "scenario_file",
    "scenario_sha256",
    "seed",
    "replications",
    "horizon_days",
)
