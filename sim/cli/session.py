"""What every experiment command shares: its folder and run store, executor and progress bar.

``session`` prepares the output folder (new, replaced or resumed; ``sim.reporting.folders`` owns
the rules) for the experiment the flags describe, starts the executor, and yields the keywords
an experiment runs with; ``finish`` prints the result and writes its files.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from sim.i18n import _
from sim.reporting.folders import Folder
from sim.scenario.schema import Scenario

EXIT_BAD_INPUT = 2
EXIT_NOT_MET = 3
"""The question ran and was answered no: a target not met, nothing surely meets a constraint.

Its output is printed and its files written as for a yes (0); a script tells the two apart.
"""

# Flags that say where and how to run, not what: an experiment is the same whatever they are.
_HOW = frozenset(
    {
        "handler",
        "command",
        "out",
        "overwrite",
        "resume",
        "workers",
        "dask",
        "quiet",
        "json",
        "parquet",
        "report",
        "lang",
        "engine",
        "batch_size",
        "scenario",
        "overrides",
    }
)


def _unset(value: Any) -> bool:
    """An absent flag (``None``, an unset switch, an empty list); 0 is a value."""
    return value is None or value is False or (isinstance(value, list | tuple) and not value)


def _moot(dest: str, args: argparse.Namespace) -> bool:
    """A flag whose value changes nothing here: a cap without --precision, --select's without it."""
    if dest == "max_replications":  # a cap of --precision, or of a command deciding its own
        deciding = args.command == "optimize" or getattr(args, "select", None) is not None
        return not deciding and getattr(args, "precision", None) is None
    if args.command == "compare" and dest in {"delta", "alpha", "kpi", "buyer", "product"}:
        selecting = getattr(args, "select", None)
        return selecting is None or (dest == "delta" and selecting != "best")
    return False


def _asked(dest: str, args: argparse.Namespace) -> bool:
    """Whether the flag ``dest`` says what is computed (not where or how, not unset or moot)."""
    return dest not in _HOW and not _unset(getattr(args, dest, None)) and not _moot(dest, args)


class UsageError(Exception):
    """A command-line problem the user can fix."""


@contextmanager
def session(args: argparse.Namespace, scenario: Scenario) -> Iterator[dict[str, Any]]:
    """Prepare the output folder and its store, start the executor; close all at the end.

    Yields the keywords of ``sim.experiments.runner.Execution`` the flags ask for
    (replications, seed, executor, store, progress, engine, and precision where the command
    takes it); ``execution["folder"]`` is the output folder (or ``None``).
    """
    from sim.experiments.executors import make_executor  # noqa: PLC0415
    from sim.reporting.progress import ProgressBar  # noqa: PLC0415
    from sim.results.precision import Precision  # noqa: PLC0415

    if args.out is None and args.resume:
        raise UsageError(_("--resume needs --out DIR: the folder of the interrupted run"))
    if args.out is None and args.report:
        raise UsageError(_("--report needs --out DIR: the report is written there"))
    if args.parquet:
        _check_parquet(args)
    with ExitStack() as stack:
        executor = stack.enter_context(make_executor(_workers(args), args.dask))
        folder = None
        if args.out is not None:
            folder = stack.enter_context(
                Folder.prepare(
                    args.out,
                    overwrite=args.overwrite,
                    resume=args.resume,
                    experiment=identity(args, scenario),
                )
            )
        progress = ProgressBar.for_terminal(quiet=args.quiet)
        stack.callback(progress.close)
        execution: dict[str, Any] = {
            "replications": args.replications,
            "seed": args.seed,
            "executor": executor,
            "store": None if folder is None else folder.store,
            "progress": progress,
            "engine": args.engine,
            "batch_size": args.batch_size,
        }
        if getattr(args, "precision", None) is not None:
            execution["precision"] = Precision(args.precision, args.max_replications)
        yield {**execution, "folder": folder}


def _check_parquet(args: argparse.Namespace) -> None:
    """Refuse --parquet before anything runs where it cannot be written."""
    if args.out is None:
        raise UsageError(_("--parquet needs --out DIR: the tables are written there"))
    if importlib.util.find_spec("pyarrow") is None:  # pandas writes Parquet through it
        raise UsageError(_("--parquet needs pyarrow: pip install pyarrow"))


def _workers(args: argparse.Namespace) -> int | None:
    """``--workers``, capped at this machine's cores where they run here (with a note).

    More processes than cores only add memory, and the results are the same whatever the
    workers: so a script written on a bigger machine runs here rather than being refused.
    """
    from sim.experiments.executors import available_cores  # noqa: PLC0415

    asked: int | None = args.workers
    cores = available_cores()
    if asked is None or asked <= cores or args.dask not in {None, "local"}:
        return asked
    note = _("--workers {asked} capped at {cores}, the cores of this machine")
    print(note.format(asked=asked, cores=cores), file=sys.stderr)
    return cores


def identity(args: argparse.Namespace, scenario: Scenario) -> dict[str, Any]:
    """What a folder's runs belong to, for ``--resume`` to check.

    The command and every flag that changes its answer (the seed and replications it runs with
    among them), and the scenario (a digest of all of it).
    """
    content = scenario.model_dump(mode="json", exclude={"seed", "replications"})
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    flags = {k: v for k, v in sorted(vars(args).items()) if _asked(k, args)}
    seed = scenario.seed if args.seed is None else args.seed
    flags |= {"seed": seed, "replications": args.replications or scenario.replications}
    return {
        "command": args.command,
        "flags": flags,
        "scenario": scenario.name,
        "sha256": digest,
        "seed": seed,
    }


def canonical(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[str]:
    """The command line as documents record it: what was asked, not where or how it ran.

    The command, its arguments and every flag that changes the answer, defaults included (so
    the line alone says what was computed); not the folder, workers, language or output flags.
    A resumed run's documents are those of a run straight through.
    """
    said = [args.command]
    for action in _subparser(parser, args.command)._actions:  # noqa: SLF001 (argparse keeps them)
        value = getattr(args, action.dest, None)
        given = action.dest in {"scenario", "overrides"} and not _unset(value)
        if action.dest == "help" or not (given or _asked(action.dest, args)):
            continue
        flag = action.option_strings[0] if action.option_strings else None
        for one in value if isinstance(value, list) else [value]:
            said += [str(one)] if flag is None else [flag] if one is True else [flag, str(one)]
    return said


def _subparser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    commands = next(
        a
        for a in parser._actions  # noqa: SLF001
        if isinstance(a, argparse._SubParsersAction)  # noqa: SLF001
    )
    chosen: argparse.ArgumentParser = commands.choices[command]
    return chosen


def finish(args: argparse.Namespace, folder: Folder | None, result: Any) -> None:
    """Print the result (its text, or its document with ``--json``), and write its files."""
    from sim.reporting.kind import json_text  # noqa: PLC0415
    from sim.reporting.writers import published, say, write_files  # noqa: PLC0415

    print(json_text(published(result)) if args.json else say(result))
    if folder is None:
        return
    write_files(result, folder.path, parquet=args.parquet)
    folder.complete()
    if args.report:
        from sim.reporting.html import report_into  # noqa: PLC0415

        report_into(folder.path)
    if not args.json:
        files = " ".join(folder.files())
        print("\n" + _("wrote {folder}/: {files}").format(folder=folder.path, files=files))
