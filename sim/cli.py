"""The ``umkm-sim`` command: run, compare policies, sweep levers, answer inverse questions.

Bad input (a scenario, a flag, an output folder) is reported in one line per problem, naming
the file, line and key, with exit status 2 and no traceback, before anything is written. An
interrupted experiment with ``--out`` keeps every finished run; ``--resume`` finishes it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim._version import __version__
from sim.loading import ScenarioError, load_scenario, parse_assignment
from sim.metrics import KPIS
from sim.outputs import STORE_NAME, OutputError, prepare
from sim.scenario import Scenario, scenario_json_schema

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A command-line problem the user can fix."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    # Imported here: they pull in pandas, scipy or dask, which bad input never needs.
    from sim.executors import MissingDaskError  # noqa: PLC0415
    from sim.experiment import Interrupted  # noqa: PLC0415
    from sim.store import StoreError  # noqa: PLC0415

    try:
        return int(args.handler(args))
    except (ScenarioError, UsageError, OutputError, StoreError, MissingDaskError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    except Interrupted as exc:
        where = getattr(args, "out", None)
        saved = (
            f"they are saved in {where / STORE_NAME}: run the same command with --resume to finish"
            if where
            else "nothing was saved (use --out DIR to keep finished runs)"
        )
        print(f"{exc}; {saved}", file=sys.stderr)
        return EXIT_INTERRUPTED if exc.reason == "interrupted" else 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


# --- the parser -----------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="umkm-sim",
        description="Simulate home kitchens supplying an export buyer's quota through a "
        "cooperative warehouse, and estimate how often the quota is missed.",
    )
    parser.add_argument("--version", action="version", version=f"umkm-sim {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    def command(name: str, handler: Callable[[argparse.Namespace], int], summary: str) -> Any:
        cmd = commands.add_parser(name, help=summary, description=handler.__doc__)
        cmd.set_defaults(handler=handler)
        return cmd

    run_cmd = command("run", _cmd_run, "run a scenario and summarise quota misses")
    _experiment_options(run_cmd, precision=True)

    compare_cmd = command(
        "compare", _cmd_compare, "compare the scenario's policies with the baseline"
    )
    _experiment_options(compare_cmd, precision=True)

    sweep_cmd = command("sweep", _cmd_sweep, "run a grid or sample of lever values")
    _experiment_options(sweep_cmd, precision=True)
    sweep_cmd.add_argument(
        "--sweep",
        dest="levers",
        action="append",
        default=[],
        metavar="PATH=VALUES",
        help="a lever: PATH=V1,V2,... (values), PATH=LOW..HIGH/STEP (a grid range) or "
        "PATH=LOW..HIGH (with --samples); repeatable; replaces the scenario's sweep section",
    )
    sweep_cmd.add_argument(
        "--samples", type=_positive, metavar="N", help="Latin hypercube of N points over ranges"
    )

    target_cmd = command(
        "target", _cmd_target, "find the lever value that meets a risk target (bisection)"
    )
    _experiment_options(target_cmd, precision=False)
    target_cmd.add_argument(
        "--lever", required=True, metavar="PATH", help="dotted path to a number"
    )
    target_cmd.add_argument("--metric", choices=KPIS, default="quota_miss_rate")
    target_cmd.add_argument("--buyer", metavar="B", help="only this buyer's shipment lines")
    target_cmd.add_argument("--product", metavar="P", help="only this product's lines")
    bound = target_cmd.add_mutually_exclusive_group(required=True)
    bound.add_argument("--at-most", type=float, metavar="X", help="the metric must be <= X")
    bound.add_argument("--at-least", type=float, metavar="X", help="the metric must be >= X")
    target_cmd.add_argument("--low", type=float, help="lower bound (default: current / 4)")
    target_cmd.add_argument("--high", type=float, help="upper bound (default: current x 4)")
    target_cmd.add_argument("--resolution", type=float, help="for a real lever: stop at this")
    target_cmd.add_argument(
        "--conservative", action="store_true", help="the whole 95%% CI must meet the target"
    )

    sens_cmd = command(
        "sensitivity", _cmd_sensitivity, "move each lever up and down: what matters most"
    )
    _experiment_options(sens_cmd, precision=False)
    sens_cmd.add_argument(
        "--lever",
        dest="levers",
        action="append",
        default=[],
        metavar="PATH",
        help="a lever to move (repeatable); default: every quantitative lever of the scenario",
    )
    sens_cmd.add_argument(
        "--change", type=float, default=0.2, metavar="X", help="move each by -X and +X (0.2: 20%%)"
    )
    sens_cmd.add_argument("--metric", choices=KPIS, default="quota_miss_rate")

    report_cmd = command("report", _cmd_report, "turn an output folder into report.html")
    report_cmd.add_argument(
        "folder", metavar="DIR", type=Path, help="a run's or experiment's --out"
    )

    check_cmd = command("check", _cmd_check, "validate scenario files")
    check_cmd.add_argument("scenarios", metavar="SCENARIO", nargs="+", help="scenario YAML files")

    command("schema", _cmd_schema, "print the scenario JSON Schema")
    return parser


def _experiment_options(cmd: argparse.ArgumentParser, *, precision: bool) -> None:
    cmd.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    cmd.add_argument(
        "--replications",
        type=_positive,
        metavar="N",
        help="per variant (with --precision: to start with); default: the scenario's",
    )
    cmd.add_argument("--seed", type=_non_negative, metavar="S", help="default: the scenario's")
    cmd.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a scenario value by dotted path, list items by name "
        "(e.g. kitchens.peyek-makers.count=12); repeatable",
    )
    cmd.add_argument(
        "--workers", type=_positive, metavar="N", help="local worker processes (default: all cores)"
    )
    cmd.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run on a Dask cluster: a scheduler address (tcp://host:8786), or 'local' to "
        "start one here (needs pip install 'umkm-sim[dask]')",
    )
    cmd.add_argument("--out", metavar="DIR", type=Path, help="write result files into DIR")
    folder = cmd.add_mutually_exclusive_group()
    folder.add_argument("--overwrite", action="store_true", help="replace DIR if it exists")
    folder.add_argument(
        "--resume", action="store_true", help="finish an interrupted run in DIR, reusing its runs"
    )
    cmd.add_argument("--json", action="store_true", help="print the result as JSON")
    cmd.add_argument(
        "--report", action="store_true", help="also write DIR/report.html (needs --out)"
    )
    cmd.add_argument("--quiet", action="store_true", help="no progress bar")
    if precision:
        cmd.add_argument(
            "--precision",
            type=_positive_float,
            metavar="H",
            help="add replications until the quota miss rate's 95%% CI half-width is <= H",
        )
        cmd.add_argument(
            "--max-replications",
            type=_positive,
            default=5000,
            metavar="N",
            help="cap for --precision (default: 5000)",
        )


# --- commands -------------------------------------------------------------------------------


def _cmd_run(args: argparse.Namespace) -> int:
    """Run replications of a scenario and print a summary of quota misses with 95% CIs."""
    from sim.experiment import run  # noqa: PLC0415
    from sim.summary_table import format_summary  # noqa: PLC0415

    scenario = _load(args)
    with _session(args) as s:
        results = run(scenario, args.replications, args.seed, **s.options(args))
    text = _with_precision(format_summary(results.summary), results.precision)
    _finish(args, results.to_json(), text, results.write_files)
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    """Compare the baseline with every policy of the scenario, with common random numbers.

    Prints each KPI with its 95% CI and the paired difference from the baseline.
    """
    from sim.compare import compare, policy_variants  # noqa: PLC0415

    scenario = _load(args)
    if not scenario.policies:
        raise UsageError(f"{args.scenario}: no policies: section to compare")
    policy_variants(scenario)  # every policy must be valid before anything runs
    with _session(args) as s:
        comparison = compare(scenario, None, args.replications, args.seed, **s.options(args))
    _finish(
        args,
        json.dumps(comparison.summary, indent=2),
        _with_precision(comparison.format(), comparison.precision),
        comparison.write_files,
    )
    return 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    """Run every point of a sweep (a grid or a Latin hypercube) with common random numbers.

    Prints the quota miss rate per point; --out writes the table and a plot.
    """
    from sim.sweep import as_sweep, design, sweep, sweep_variants  # noqa: PLC0415

    scenario = _load(args)
    levers = dict(_parse_lever(text) for text in args.levers) or None
    plan = as_sweep(scenario, levers, args.samples)
    seed = scenario.seed if args.seed is None else args.seed
    sweep_variants(scenario, design(plan, seed))  # validate every point before running
    with _session(args) as s:
        result = sweep(
            scenario, plan, replications=args.replications, seed=args.seed, **s.options(args)
        )
    _finish(
        args,
        json.dumps(result.summary, indent=2),
        _with_precision(result.format(), result.precision),
        result.write_files,
    )
    return 0


def _cmd_target(args: argparse.Namespace) -> int:
    """Find the lever value that just meets a target, by bisection with common random numbers.

    The smallest value, or (where the metric worsens as the lever grows) the largest.
    """
    from sim.target import Goal, search_range, target  # noqa: PLC0415

    scenario = _load(args)
    at_most = args.at_most is not None
    goal = Goal(
        args.metric,
        args.at_most if at_most else args.at_least,
        at_most,
        args.buyer,
        args.product,
        args.conservative,
    )
    search_range(
        scenario, args.lever, goal, low=args.low, high=args.high, resolution=args.resolution
    )
    with _session(args) as s:
        answer = target(
            scenario,
            args.lever,
            goal,
            low=args.low,
            high=args.high,
            resolution=args.resolution,
            replications=args.replications,
            seed=args.seed,
            **s.options(args),
        )
    _finish(args, json.dumps(answer.summary, indent=2), answer.describe(), answer.write_files)
    return 0


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    """Move each lever down and up (one at a time, common random numbers); rank their effect.

    Prints the KPI's paired change for each lever; --out writes a table and a tornado chart.
    """
    from sim.sensitivity import plan_levers, sensitivity  # noqa: PLC0415

    scenario = _load(args)
    plan_levers(scenario, args.levers, args.change, args.metric)  # check before running
    with _session(args) as s:
        result = sensitivity(
            scenario,
            args.levers or None,
            args.change,
            args.metric,
            replications=args.replications,
            seed=args.seed,
            **s.options(args),
        )
    _finish(args, json.dumps(result.summary, indent=2), result.format(), result.write_files)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    """Write a self-contained report.html into an output folder (images embedded)."""
    from sim.report import write_report  # noqa: PLC0415

    if not args.folder.is_dir():
        raise UsageError(f"{args.folder}: no such folder")
    print(f"wrote {write_report(args.folder)}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    """Validate scenario files without running them; report every problem found."""
    failed = False
    for path in args.scenarios:
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            print(exc, file=sys.stderr)
            failed = True
        else:
            print(f"{path}: ok ({_describe(scenario)})")
    return EXIT_BAD_INPUT if failed else 0


def _cmd_schema(args: argparse.Namespace) -> int:  # noqa: ARG001
    """Print the JSON Schema of scenario files (point an editor's YAML support at it)."""
    print(json.dumps(scenario_json_schema(), indent=2))
    return 0


# --- shared machinery -----------------------------------------------------------------------


@dataclass
class _Session:
    """What an experiment runs with: executor, run store, progress bar."""

    executor: Any
    store: Any
    progress: Any

    def options(self, args: argparse.Namespace) -> dict[str, Any]:
        from sim.precision import Precision  # noqa: PLC0415

        options: dict[str, Any] = {
            "executor": self.executor,
            "store": self.store,
            "progress": self.progress,
        }
        if hasattr(args, "precision"):  # the commands that take --precision
            given = args.precision
            options["precision"] = (
                None if given is None else Precision(given, args.max_replications)
            )
        return options


@contextmanager
def _session(args: argparse.Namespace) -> Iterator[_Session]:
    """Prepare the output folder and its store, start the executor; close all at the end."""
    from sim.executors import make_executor  # noqa: PLC0415
    from sim.progress import Progress  # noqa: PLC0415
    from sim.store import RunStore  # noqa: PLC0415

    if args.out is None and args.resume:
        raise UsageError("--resume needs --out DIR: the folder of the interrupted run")
    if args.out is None and args.report:
        raise UsageError("--report needs --out DIR: the report is written there")
    with make_executor(args.workers, args.dask) as executor:  # a missing Dask fails here
        if args.out is not None:
            prepare(args.out, overwrite=args.overwrite, resume=args.resume)
        store = RunStore(args.out / STORE_NAME) if args.out is not None else None
        progress = Progress.for_terminal(quiet=args.quiet)
        try:
            yield _Session(executor, store, progress)
        finally:
            progress.close()
            if store is not None:
                store.close()


def _finish(
    args: argparse.Namespace, as_json: str, as_text: str, write: Callable[[Path], None]
) -> None:
    """Print the result, and write its files if asked."""
    print(as_json if args.json else as_text)
    if args.out is not None:
        write(args.out)
        if args.report:
            from sim.report import write_report  # noqa: PLC0415

            write_report(args.out)
        if not args.json:
            files = sorted(p.name for p in args.out.iterdir() if not p.name.startswith("."))
            print(f"\nwrote {args.out}/: {' '.join(files)}")


def _with_precision(text: str, report: Any) -> str:
    return text if report is None else f"{text}\n\n{report.describe()}"


def _load(args: argparse.Namespace) -> Scenario:
    overrides: dict[str, Any] = dict(parse_assignment(a) for a in args.overrides)
    return load_scenario(args.scenario, overrides)


def _parse_lever(text: str) -> tuple[str, Any]:
    """Read ``--sweep PATH=V1,V2`` (values), ``PATH=LOW..HIGH/STEP`` or ``PATH=LOW..HIGH``."""
    path, sep, spec = text.partition("=")
    if not sep or not path or not spec:
        raise UsageError(f"--sweep {text}: expected PATH=V1,V2,... or PATH=LOW..HIGH[/STEP]")
    if ".." in spec:
        bounds, _, step = spec.partition("/")
        low, _, high = bounds.partition("..")
        try:
            numbers = [_number(v) for v in (low, high, *([step] if step else []))]
        except ValueError:
            raise UsageError(f"--sweep {text}: LOW, HIGH and STEP must be numbers") from None
        return path, dict(zip(("low", "high", "step"), numbers, strict=False))
    return path, [parse_assignment(f"v={v}")[1] for v in spec.split(",")]


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


def _describe(s: Scenario) -> str:
    kitchens = sum(g.count for g in s.kitchens)
    extra = f", {len(s.policies)} policies" if s.policies else ""
    return (
        f"{s.name!r}: {len(s.products)} products, {kitchens} kitchens in {len(s.kitchens)} "
        f"groups, {len(s.buyers)} buyers, {s.horizon_days} days{extra}"
    )


def _positive(text: str) -> int:
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _non_negative(text: str) -> int:
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
