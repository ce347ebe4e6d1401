"""What every experiment command shares: its folder, run store and executor; its printout.

A session prepares the output folder (new, replaced or resumed) and its run store, starts the
executor, and puts things back if the command fails; ``finish`` prints and writes the result.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sim.i18n import _
from sim.reporting.folders import STORE_NAME, complete, prepare, restore
from sim.scenario.schema import Scenario

EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """A command-line problem the user can fix."""


@contextmanager
def session(args: argparse.Namespace, scenario: Scenario) -> Iterator[Any]:
    """Prepare the output folder and its store, start the executor; close all at the end.

    Yields the ``Execution`` keywords (replications, seed, executor, store, progress, and
    precision for the commands that take it) that the flags ask for.
    """
    from sim.experiments.executors import make_executor  # noqa: PLC0415
    from sim.experiments.progress import Progress  # noqa: PLC0415
    from sim.experiments.runner import Interrupted  # noqa: PLC0415
    from sim.results.precision import Precision  # noqa: PLC0415

    if args.out is None and args.resume:
        raise UsageError(_("--resume needs --out DIR: the folder of the interrupted run"))
    if args.out is None and args.report:
        raise UsageError(_("--report needs --out DIR: the report is written there"))
    with make_executor(args.workers, args.dask) as executor:  # a missing Dask fails here
        store = None if args.out is None else _open_store(args, scenario)
        progress = Progress.for_terminal(quiet=args.quiet)
        execution: dict[str, Any] = {
            "replications": args.replications,
            "seed": args.seed,
            "executor": executor,
            "store": store,
            "progress": progress,
            "engine": args.engine,
            "batch_size": args.batch_size,
        }
        if getattr(args, "precision", None) is not None:
            execution["precision"] = Precision(args.precision, args.max_replications)
        try:
            yield execution
        except Interrupted:
            raise  # its finished runs are kept, for --resume
        except Exception:
            if args.out is not None and not args.resume:
                restore(args.out)  # a failure puts back what --overwrite moved aside
            raise
        finally:
            progress.close()
            if store is not None:
                store.close()


def _open_store(args: argparse.Namespace, scenario: Scenario) -> Any:
    """Prepare the output folder; open its run store, which must be this experiment's."""
    from sim.experiments.store import RunStore  # noqa: PLC0415

    prepare(args.out, overwrite=args.overwrite, resume=args.resume)
    store = None
    try:
        store = RunStore(args.out / STORE_NAME)
        store.claim(_experiment(args, scenario))
    except BaseException:
        if store is not None:
            store.close()
        if not args.resume:
            restore(args.out)
        raise
    return store


def _experiment(args: argparse.Namespace, scenario: Scenario) -> dict[str, Any]:
    """What a folder's runs belong to: the command, the scenario (all of it) and the seed."""
    content = scenario.model_dump(mode="json", exclude={"seed", "replications"})
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    seed = scenario.seed if args.seed is None else args.seed
    return {
        "command": args.handler.__name__,
        "scenario": scenario.name,
        "sha256": digest,
        "seed": seed,
    }


def finish(args: argparse.Namespace, result: Any, as_json: str, as_text: str) -> None:
    """Print the result, and write its files if asked."""
    from sim.reporting.writers import write_files  # noqa: PLC0415

    print(as_json if args.json else as_text)
    if args.out is not None:
        try:
            write_files(result, args.out)
        except Exception:
            if not args.resume:
                restore(args.out)  # a failed write puts back what --overwrite moved aside
            raise
        complete(args.out)
        if args.report:
            from sim.reporting.html import write_report  # noqa: PLC0415

            write_report(args.out)
        if not args.json:
            files = sorted(p.name for p in args.out.iterdir() if not p.name.startswith("."))
            print(
                "\n" + _("wrote {folder}/: {files}").format(folder=args.out, files=" ".join(files))
            )


def with_precision(text: str, report: Any) -> str:
    """Add how a precision target went (if one was set) under the text."""
    return text if report is None else f"{text}\n\n{report.describe()}"
