"""The ``umkm-sim`` command line: its commands and their flags (values are read in ``flags``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from sim._version import __version__
from sim.cli import flags
from sim.cli.decision_options import cheapest_options, optimize_options, select_options
from sim.cli.experiment_options import experiment_options
from sim.cli.experiments import ANSWERED_NO, experiment
from sim.cli.folders import discover, report
from sim.cli.language import speak_argparse
from sim.cli.records import fit
from sim.cli.scenarios import app, check, schema
from sim.experiments.explore import SAMPLERS
from sim.experiments.gsa import METHODS as GSA_METHODS
from sim.experiments.robustness import DEFAULT_TARGET
from sim.i18n import LANGUAGES, _
from sim.reporting.kinds import named
from sim.results.metrics import KPIS


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of every command and flag; each command's handler is set on it.

    Its help and its usage errors are in the current language: build it once that is known.
    """
    speak_argparse()
    parser = argparse.ArgumentParser(
        prog="umkm-sim",
        description=_(
            "Simulate home kitchens supplying an export buyer's quota through a "
            "cooperative warehouse, and estimate how often the quota is missed."
        ),
        epilog=_(
            "Exit status: 0 done; 1 failed; 2 bad input (nothing run); 3 answered no (a target "
            "not met, no candidate or setting chosen; its files are still written); "
            "130 interrupted."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"umkm-sim {__version__}",
        help=_("show program's version number and exit"),
    )
    _language_option(parser, inherited=False)
    subparsers = parser.add_subparsers(title=_("commands"), required=True, metavar="COMMAND")

    command = partial(_command, subparsers)

    run_cmd = command("run", experiment)
    experiment_options(run_cmd, precision=True)

    compare_cmd = command("compare", experiment)
    experiment_options(compare_cmd, precision=True)
    select_options(compare_cmd)

    sweep_cmd = command("sweep", experiment)
    experiment_options(sweep_cmd, precision=True)
    sweep_cmd.add_argument(
        "--sweep",
        dest="levers",
        action="append",
        default=[],
        metavar="PATH=VALUES",
        help=_(
            "a lever: PATH=V1,V2,... (values), PATH=LOW..HIGH/STEP (a grid range) or "
            "PATH=LOW..HIGH (with --samples); repeatable; replaces the scenario's sweep section"
        ),
    )
    sweep_cmd.add_argument(
        "--samples",
        type=flags.positive,
        metavar="N",
        help=_("Latin hypercube of N points over ranges"),
    )

    _target_options(command("target", experiment))
    cheapest_options(command("cheapest", experiment))
    optimize_options(command("optimize", experiment))

    sens_cmd = command("sensitivity", experiment)
    experiment_options(sens_cmd, precision=False)
    sens_cmd.add_argument(
        "--lever",
        dest="levers",
        action="append",
        default=[],
        metavar="PATH",
        help=_("a lever to move (repeatable); default: every quantitative lever of the scenario"),
    )
    sens_cmd.add_argument(
        "--change",
        type=flags.finite,
        default=0.2,
        metavar="X",
        help=_("move each by -X and +X (0.2: 20%%)"),
    )
    sens_cmd.add_argument("--metric", choices=KPIS, default="quota_miss_rate")

    _explore_options(command("explore", experiment))
    _discover_options(command("discover", discover))
    _gsa_options(command("gsa", experiment))
    _fit_options(command("fit", fit))
    _app_options(
        command(
            "app",
            app,
            _("serve the what-if web app on this computer"),
            _(
                "Serve the what-if web app on 127.0.0.1 (only this computer can reach it), "
                "until Ctrl-C. Opens SCENARIO; in the browser a person moves the levers, runs, "
                "reads the answers and downloads the variant and the report, in English or "
                "Bahasa Indonesia."
            ),
        )
    )

    report_cmd = command(
        "report",
        report,
        _("turn an output folder into report.html"),
        _("Write a self-contained report.html into an output folder (images embedded)."),
    )
    report_cmd.add_argument(
        "folder", metavar="DIR", type=Path, help=_("a run's or experiment's --out")
    )
    report_cmd.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help=_(
            "write the report to FILE (default: DIR/report.html), e.g. DIR/report.id.html "
            "beside the English one"
        ),
    )

    check_cmd = command(
        "check",
        check,
        _("validate scenario files"),
        _("Validate scenario files without running them; report every problem found."),
    )
    check_cmd.add_argument(
        "scenarios", metavar="SCENARIO", nargs="+", help=_("scenario YAML files")
    )

    command(
        "schema",
        schema,
        _("print the scenario JSON Schema"),
        _("Print the JSON Schema of scenario files (point an editor's YAML support at it)."),
    )
    return parser


def _target_options(target_cmd: argparse.ArgumentParser) -> None:
    experiment_options(target_cmd, precision=True)
    target_cmd.add_argument(
        "--lever", required=True, metavar="PATH", help=_("dotted path to a number")
    )
    target_cmd.add_argument(
        "--metric",
        choices=KPIS,
        default="quota_miss_rate",
        help=_("the KPI that --at-most or --at-least bounds (default: quota_miss_rate)"),
    )
    target_cmd.add_argument("--buyer", metavar="B", help=_("only this buyer's shipment lines"))
    target_cmd.add_argument("--product", metavar="P", help=_("only this product's lines"))
    bound = target_cmd.add_mutually_exclusive_group(required=True)
    bound.add_argument(
        "--at-most", type=flags.finite, metavar="X", help=_("the metric must be <= X")
    )
    bound.add_argument(
        "--at-least", type=flags.finite, metavar="X", help=_("the metric must be >= X")
    )
    target_cmd.add_argument(
        "--low", type=flags.finite, help=_("lower bound (default: current / 4)")
    )
    target_cmd.add_argument(
        "--high", type=flags.finite, help=_("upper bound (default: current x 4)")
    )
    target_cmd.add_argument(
        "--resolution",
        type=flags.positive_float,
        metavar="STEP",
        help=_(
            "for a lever with decimal values: the bisection stops when the answer is known to "
            "within STEP (default: (high - low) / 1000); a whole-number lever steps by 1"
        ),
    )
    target_cmd.add_argument(
        "--conservative", action="store_true", help=_("the whole 95%% CI must meet the target")
    )


def _explore_options(explore_cmd: argparse.ArgumentParser) -> None:
    experiment_options(explore_cmd, precision=False)
    explore_cmd.add_argument(
        "--futures", type=flags.positive, default=100, metavar="N", help=_("futures to draw (100)")
    )
    explore_cmd.add_argument(
        "--sampler",
        choices=SAMPLERS,
        default="lhs",
        help=_("Latin hypercube, Sobol or Monte Carlo"),
    )
    explore_cmd.add_argument(
        "--target",
        default=DEFAULT_TARGET,
        metavar="KPI<=X",
        help=_("what counts as acceptable in a future (default: {target})").format(
            target=DEFAULT_TARGET
        ),
    )
    explore_cmd.add_argument("--buyer", metavar="B", help=_("the target is this buyer's KPI"))


def _command(
    subparsers: Any,
    name: str,
    handler: Callable[[argparse.Namespace], int],
    summary: str | None = None,
    description: str | None = None,
) -> Any:
    """Add a command, with the option every command has (``--lang``).

    A command that gives a kind of result is described by its registry entry
    (``sim.reporting.kinds``); the others say it here. A command that may answer no says its
    exit status in its epilog.
    """
    if summary is None:
        kind = named(name)
        summary = kind.summary() if kind.summary else name
        description = kind.description() if kind.description else None
    may_say_no = ANSWERED_NO.get(name)
    epilog = may_say_no.said() if may_say_no else None
    cmd = subparsers.add_parser(name, help=summary, description=description, epilog=epilog)
    cmd.set_defaults(handler=handler, command=name)
    _language_option(cmd, inherited=True)
    return cmd


def _language_option(parser: argparse.ArgumentParser, *, inherited: bool) -> None:
    """``--lang``, before the command (``umkm-sim --lang id run ...``) or after it.

    A command's own ``--lang`` sets nothing unless given (``SUPPRESS``): argparse copies a
    command's defaults over the values read before it, which would undo ``--lang id run``.
    """
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS if inherited else None,
        help=_(
            "language of tables, reports and figures (en, id: Bahasa Indonesia); "
            "default: the locale's, else English"
        ),
    )


def _gsa_options(gsa_cmd: argparse.ArgumentParser) -> None:
    experiment_options(gsa_cmd, precision=False)
    gsa_cmd.add_argument("--method", choices=GSA_METHODS, default="sobol", help=_("(sobol)"))
    gsa_cmd.add_argument(
        "--n",
        type=flags.positive,
        default=64,
        metavar="N",
        help=_("base samples, a power of two (Sobol), or trajectories (Morris); default 64"),
    )
    gsa_cmd.add_argument("--kpi", choices=KPIS, default="quota_miss_rate")
    gsa_cmd.add_argument("--buyer", metavar="B", help=_("this buyer's lines only"))


def _app_options(app_cmd: argparse.ArgumentParser) -> None:
    app_cmd.add_argument(
        "scenario",
        nargs="?",
        default="scenarios/balikpapan.yaml",
        metavar="SCENARIO",
        help=_("the scenario it opens (default: scenarios/balikpapan.yaml)"),
    )
    app_cmd.add_argument("--port", type=flags.positive, metavar="P", help=_("default: a free one"))


def _fit_options(fit_cmd: argparse.ArgumentParser) -> None:
    fit_cmd.add_argument(
        "records",
        nargs="?",
        metavar="RECORDS.csv",
        help=_("one row per kitchen and day it delivered (kitchen, date, packs)"),
    )
    for column, default in (("kitchen", "kitchen"), ("date", "date"), ("packs", "packs")):
        fit_cmd.add_argument(
            f"--{column}-column",
            default=default,
            metavar="NAME",
            help=_("default: {column}").format(column=default),
        )
    fit_cmd.add_argument("--product", metavar="P", help=_("only this product's rows"))
    fit_cmd.add_argument("--product-column", default="product", metavar="NAME")
    fit_cmd.add_argument(
        "--zero-days",
        choices=("omitted", "recorded"),
        default="omitted",
        help=_(
            "a day a kitchen worked but made 0 packs: omitted (the default) if it has no row, "
            "so a missing row is an absence or such a day; recorded if it has a row with 0 "
            "packs, so a missing row is an absence"
        ),
    )
    fit_cmd.add_argument(
        "--transit", metavar="SHIPMENTS.csv", type=Path, help=_("fit transit_days to shipments")
    )
    fit_cmd.add_argument("--departure-column", default="departed", metavar="NAME")
    fit_cmd.add_argument("--arrival-column", default="arrived", metavar="NAME")
    fit_cmd.add_argument(
        "--out", type=Path, metavar="DIR", help=_("write the fragment, tables and figures there")
    )
    fit_cmd.add_argument("--overwrite", action="store_true", help=_("replace an existing --out"))
    fit_cmd.add_argument("--json", action="store_true", help=_("print the result as JSON"))


def _discover_options(discover_cmd: argparse.ArgumentParser) -> None:
    discover_cmd.add_argument("folder", metavar="DIR", type=Path, help=_("an explore --out folder"))
    discover_cmd.add_argument(
        "--where",
        required=True,
        metavar="KPI>X",
        help=_("what counts as failing, e.g. 'quota_miss_rate>0.1'"),
    )
    discover_cmd.add_argument("--policy", default="baseline", help=_("whose failures (baseline)"))
    discover_cmd.add_argument("--buyer", metavar="B", help=_("the KPI of this buyer only"))
    discover_cmd.add_argument("--box", type=flags.non_negative, help=_("a box of the trajectory"))
    discover_cmd.add_argument(
        "--threshold", type=flags.finite, default=0.8, help=_("density at which PRIM stops (0.8)")
    )
    discover_cmd.add_argument(
        "--cart", action="store_true", help=_("also print a classification tree's rules (CART)")
    )
    discover_cmd.add_argument("--json", action="store_true", help=_("print the result as JSON"))
