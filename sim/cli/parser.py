"""The ``umkm-sim`` command line: its commands and their flags (values are read in ``flags``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from sim._version import __version__
from sim.cli import commands, flags, tools
from sim.cli.experiment_options import experiment_options
from sim.experiments.cheapest import CANDIDATES
from sim.experiments.explore import SAMPLERS
from sim.experiments.gsa import METHODS as GSA_METHODS
from sim.experiments.robustness import DEFAULT_TARGET
from sim.experiments.select import PROCEDURES
from sim.i18n import LANGUAGES
from sim.results.metrics import KPIS


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of every command and flag; each command's handler is set on it."""
    parser = argparse.ArgumentParser(
        prog="umkm-sim",
        description="Simulate home kitchens supplying an export buyer's quota through a "
        "cooperative warehouse, and estimate how often the quota is missed.",
    )
    parser.add_argument("--version", action="version", version=f"umkm-sim {__version__}")
    subparsers = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    command = partial(_command, subparsers)

    run_cmd = command("run", commands.run, "run a scenario and summarise quota misses")
    experiment_options(run_cmd, precision=True)

    compare_cmd = command(
        "compare", commands.compare, "compare the scenario's policies with the baseline"
    )
    experiment_options(compare_cmd, precision=True)
    _select_options(compare_cmd)

    sweep_cmd = command("sweep", commands.sweep, "run a grid or sample of lever values")
    experiment_options(sweep_cmd, precision=True)
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
        "--samples",
        type=flags.positive,
        metavar="N",
        help="Latin hypercube of N points over ranges",
    )

    target_cmd = command(
        "target", commands.target, "find the lever value that meets a risk target (bisection)"
    )
    experiment_options(target_cmd, precision=True)
    target_cmd.add_argument(
        "--lever", required=True, metavar="PATH", help="dotted path to a number"
    )
    target_cmd.add_argument("--metric", choices=KPIS, default="quota_miss_rate")
    target_cmd.add_argument("--buyer", metavar="B", help="only this buyer's shipment lines")
    target_cmd.add_argument("--product", metavar="P", help="only this product's lines")
    bound = target_cmd.add_mutually_exclusive_group(required=True)
    bound.add_argument("--at-most", type=flags.finite, metavar="X", help="the metric must be <= X")
    bound.add_argument("--at-least", type=flags.finite, metavar="X", help="the metric must be >= X")
    target_cmd.add_argument("--low", type=flags.finite, help="lower bound (default: current / 4)")
    target_cmd.add_argument("--high", type=flags.finite, help="upper bound (default: current x 4)")
    target_cmd.add_argument(
        "--resolution", type=flags.positive_float, help="for a real lever: stop at this"
    )
    target_cmd.add_argument(
        "--conservative", action="store_true", help="the whole 95%% CI must meet the target"
    )

    cheap_cmd = command(
        "cheapest", commands.cheapest, "the least costly policy that meets a target, surely"
    )
    experiment_options(cheap_cmd, precision=False)
    cheap_cmd.add_argument(
        "--where",
        default="quota_miss_rate<=0.05",
        metavar="KPI<=X",
        help="the constraint (default: quota_miss_rate<=0.05)",
    )
    cheap_cmd.add_argument("--buyer", metavar="B", help="the constraint on this buyer's lines")
    cheap_cmd.add_argument(
        "--confidence", type=flags.positive_float, default=0.95, help="how sure, one-sided (0.95)"
    )
    cheap_cmd.add_argument(
        "--candidates",
        choices=CANDIDATES,
        default="policies",
        help="the baseline and the policies, or the points of the sweep: design",
    )

    sens_cmd = command(
        "sensitivity", commands.sensitivity, "move each lever up and down: what matters most"
    )
    experiment_options(sens_cmd, precision=False)
    sens_cmd.add_argument(
        "--lever",
        dest="levers",
        action="append",
        default=[],
        metavar="PATH",
        help="a lever to move (repeatable); default: every quantitative lever of the scenario",
    )
    sens_cmd.add_argument(
        "--change",
        type=flags.finite,
        default=0.2,
        metavar="X",
        help="move each by -X and +X (0.2: 20%%)",
    )
    sens_cmd.add_argument("--metric", choices=KPIS, default="quota_miss_rate")

    _explore_options(
        command(
            "explore", commands.explore, "every policy in many uncertain futures: which is robust"
        )
    )
    _discover_options(
        command("discover", commands.discover, "in which futures does a policy fail (PRIM)")
    )

    _gsa_options(command("gsa", commands.gsa, "global sensitivity to the uncertainties (SALib)"))

    fit_cmd = command("fit", tools.fit, "fit kitchens' inputs to a cooperative's records")
    _fit_options(fit_cmd)

    _app_options(command("app", tools.app, "serve the what-if web app on this computer"))

    report_cmd = command("report", tools.report, "turn an output folder into report.html")
    report_cmd.add_argument(
        "folder", metavar="DIR", type=Path, help="a run's or experiment's --out"
    )

    check_cmd = command("check", tools.check, "validate scenario files")
    check_cmd.add_argument("scenarios", metavar="SCENARIO", nargs="+", help="scenario YAML files")

    command("schema", tools.schema, "print the scenario JSON Schema")
    return parser


def _explore_options(explore_cmd: argparse.ArgumentParser) -> None:
    experiment_options(explore_cmd, precision=False)
    explore_cmd.add_argument(
        "--futures", type=flags.positive, default=100, metavar="N", help="futures to draw (100)"
    )
    explore_cmd.add_argument(
        "--sampler", choices=SAMPLERS, default="lhs", help="Latin hypercube, Sobol or Monte Carlo"
    )
    explore_cmd.add_argument(
        "--target",
        default=DEFAULT_TARGET,
        metavar="KPI<=X",
        help=f"what counts as acceptable in a future (default: {DEFAULT_TARGET})",
    )
    explore_cmd.add_argument("--buyer", metavar="B", help="the target is this buyer's KPI")


def _command(
    subparsers: Any, name: str, handler: Callable[[argparse.Namespace], int], summary: str
) -> Any:
    """Add a command, with the option every command has (``--lang``)."""
    cmd = subparsers.add_parser(name, help=summary, description=handler.__doc__)
    cmd.set_defaults(handler=handler)
    cmd.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="language of tables, reports and figures (en, id: Bahasa Indonesia); "
        "default: the locale's, else English",
    )
    return cmd


def _gsa_options(gsa_cmd: argparse.ArgumentParser) -> None:
    experiment_options(gsa_cmd, precision=False)
    gsa_cmd.add_argument("--method", choices=GSA_METHODS, default="sobol", help="(sobol)")
    gsa_cmd.add_argument(
        "--n",
        type=flags.positive,
        default=64,
        metavar="N",
        help="base samples, a power of two (Sobol), or trajectories (Morris); default 64",
    )
    gsa_cmd.add_argument("--kpi", choices=KPIS, default="quota_miss_rate")
    gsa_cmd.add_argument("--buyer", metavar="B", help="this buyer's lines only")


def _app_options(app_cmd: argparse.ArgumentParser) -> None:
    app_cmd.add_argument(
        "scenario",
        nargs="?",
        default="scenarios/balikpapan.yaml",
        metavar="SCENARIO",
        help="the scenario it opens (default: scenarios/balikpapan.yaml)",
    )
    app_cmd.add_argument("--port", type=flags.positive, metavar="P", help="default: a free one")


def _fit_options(fit_cmd: argparse.ArgumentParser) -> None:
    fit_cmd.add_argument(
        "records",
        nargs="?",
        metavar="RECORDS.csv",
        help="one row per kitchen and day it delivered (kitchen, date, packs)",
    )
    for column, default in (("kitchen", "kitchen"), ("date", "date"), ("packs", "packs")):
        fit_cmd.add_argument(
            f"--{column}-column", default=default, metavar="NAME", help=f"default: {default}"
        )
    fit_cmd.add_argument("--product", metavar="P", help="only this product's rows")
    fit_cmd.add_argument("--product-column", default="product", metavar="NAME")
    fit_cmd.add_argument(
        "--transit", metavar="SHIPMENTS.csv", type=Path, help="fit transit_days to shipments"
    )
    fit_cmd.add_argument("--departure-column", default="departed", metavar="NAME")
    fit_cmd.add_argument("--arrival-column", default="arrived", metavar="NAME")
    fit_cmd.add_argument(
        "--out", type=Path, metavar="DIR", help="write the fragment, tables and figures there"
    )
    fit_cmd.add_argument("--overwrite", action="store_true", help="replace an existing --out")
    fit_cmd.add_argument("--json", action="store_true", help="print the result as JSON")


def _select_options(compare_cmd: argparse.ArgumentParser) -> None:
    compare_cmd.add_argument(
        "--select",
        choices=PROCEDURES,
        help="ranking and selection: the best policy with a guarantee (Kim-Nelson KN, adding "
        "replications where needed), or a subset sure to hold the best",
    )
    compare_cmd.add_argument(
        "--delta",
        type=flags.positive_float,
        default=0.01,
        metavar="D",
        help="--select best: the smallest difference that matters (0.01: 1 point of a rate)",
    )
    compare_cmd.add_argument(
        "--alpha",
        type=flags.positive_float,
        default=0.05,
        metavar="A",
        help="--select: one minus the confidence (0.05)",
    )
    compare_cmd.add_argument("--kpi", choices=KPIS, default="quota_miss_rate", help="--select: on")
    compare_cmd.add_argument("--buyer", metavar="B", help="--select: this buyer's lines only")
    compare_cmd.add_argument("--product", metavar="P", help="--select: this product's only")


def _discover_options(discover_cmd: argparse.ArgumentParser) -> None:
    discover_cmd.add_argument("folder", metavar="DIR", type=Path, help="an explore --out folder")
    discover_cmd.add_argument(
        "--where",
        required=True,
        metavar="KPI>X",
        help="what counts as failing, e.g. 'quota_miss_rate>0.1'",
    )
    discover_cmd.add_argument("--policy", default="baseline", help="whose failures (baseline)")
    discover_cmd.add_argument("--buyer", metavar="B", help="the KPI of this buyer only")
    discover_cmd.add_argument("--box", type=flags.non_negative, help="a box of the trajectory")
    discover_cmd.add_argument(
        "--threshold", type=flags.finite, default=0.8, help="density at which PRIM stops (0.8)"
    )
    discover_cmd.add_argument(
        "--cart", action="store_true", help="also print a classification tree's rules (CART)"
    )
    discover_cmd.add_argument("--json", action="store_true", help="print the result as JSON")
