"""The ``umkm-sim`` command: run a scenario, check scenario files, print the scenario schema.

Bad input (a scenario, a flag, an output folder) is reported in one line per problem, naming
the file, line and key, with exit status 2 and no traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim._version import __version__
from sim.loading import ScenarioError, load_scenario, parse_assignment
from sim.scenario import Scenario, scenario_json_schema

EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """A command-line problem the user can fix."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except (ScenarioError, UsageError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="umkm-sim",
        description="Simulate home kitchens supplying an export buyer's quota through a "
        "cooperative warehouse, and estimate how often the quota is missed.",
    )
    parser.add_argument("--version", action="version", version=f"umkm-sim {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    run_cmd = commands.add_parser(
        "run", help="run a scenario and summarise quota misses", description=_cmd_run.__doc__
    )
    run_cmd.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    _add_scenario_options(run_cmd)
    run_cmd.add_argument("--out", metavar="DIR", type=Path, help="write result files into DIR")
    run_cmd.add_argument("--overwrite", action="store_true", help="replace DIR if it exists")
    run_cmd.add_argument("--json", action="store_true", help="print the summary as JSON")
    run_cmd.set_defaults(handler=_cmd_run)

    check_cmd = commands.add_parser(
        "check", help="validate scenario files", description=_cmd_check.__doc__
    )
    check_cmd.add_argument("scenarios", metavar="SCENARIO", nargs="+", help="scenario YAML files")
    check_cmd.set_defaults(handler=_cmd_check)

    schema_cmd = commands.add_parser(
        "schema", help="print the scenario JSON Schema", description=_cmd_schema.__doc__
    )
    schema_cmd.set_defaults(handler=_cmd_schema)
    return parser


def _add_scenario_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--replications", type=_positive, metavar="N", help="default: the scenario's")
    cmd.add_argument("--seed", type=_non_negative, metavar="S", help="default: the scenario's")
    cmd.add_argument(
        "--workers", type=_positive, metavar="N", help="local worker processes (default: all cores)"
    )
    cmd.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a scenario value by dotted path, list items by name "
        "(e.g. kitchens.peyek-makers.count=12); repeatable",
    )


def _cmd_run(args: argparse.Namespace) -> int:
    """Run replications of a scenario and print a summary of quota misses with 95% CIs."""
    # Imported here: pandas and scipy are slow to import, and bad input needs neither.
    from sim.experiment import run  # noqa: PLC0415
    from sim.summary_table import format_summary  # noqa: PLC0415

    scenario = _load(args.scenario, args.overrides)
    if args.out is not None and args.out.exists() and not args.overwrite:
        raise UsageError(f"{args.out} already exists (use --overwrite to replace it)")
    results = run(scenario, replications=args.replications, seed=args.seed, workers=args.workers)
    print(results.to_json() if args.json else format_summary(results.summary))
    if args.out is not None:
        results.write(args.out, overwrite=args.overwrite)
        if not args.json:
            print(f"\nwrote {args.out}/: summary.json shipments.csv scenario.yaml stock.png")
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


def _load(path: str, assignments: list[str]) -> Scenario:
    overrides: dict[str, Any] = dict(parse_assignment(a) for a in assignments)
    return load_scenario(path, overrides)


def _describe(s: Scenario) -> str:
    kitchens = sum(g.count for g in s.kitchens)
    return (
        f"{s.name!r}: {len(s.products)} products, {kitchens} kitchens in {len(s.kitchens)} "
        f"groups, {len(s.buyers)} buyers, {s.horizon_days} days"
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


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
