"""The flags of the questions that decide, each command's own beside those all share.

Which policy is best (``compare --select``), the cheapest that surely meets a constraint
(``cheapest``), the levers' cheapest sure setting or their trade-offs (``optimize``).
"""

from __future__ import annotations

import argparse

from sim.cli import flags
from sim.cli.experiment_options import experiment_options
from sim.experiments.cheapest import CANDIDATES
from sim.experiments.search import EVALUATIONS, FIRST, MOST
from sim.experiments.select import PROCEDURES
from sim.i18n import _
from sim.results.metrics import KPIS


def select_options(compare_cmd: argparse.ArgumentParser) -> None:
    """Ranking and selection among the policies, on ``compare``."""
    compare_cmd.add_argument(
        "--select",
        choices=PROCEDURES,
        help=_(
            "ranking and selection: the best policy with a guarantee (Kim-Nelson KN, adding "
            "replications where needed), or a subset sure to hold the best"
        ),
    )
    compare_cmd.add_argument(
        "--delta",
        type=flags.positive_float,
        default=0.01,
        metavar="D",
        help=_("--select best: the smallest difference that matters (0.01: 1 point of a rate)"),
    )
    compare_cmd.add_argument(
        "--alpha",
        type=flags.positive_float,
        default=0.05,
        metavar="A",
        help=_("--select: one minus the confidence (0.05)"),
    )
    compare_cmd.add_argument(
        "--kpi", choices=KPIS, default="quota_miss_rate", help=_("--select: on")
    )
    compare_cmd.add_argument("--buyer", metavar="B", help=_("--select: this buyer's lines only"))
    compare_cmd.add_argument("--product", metavar="P", help=_("--select: this product's only"))


def cheapest_options(cheap_cmd: argparse.ArgumentParser) -> None:
    """The constraint, its confidence and the candidates of ``cheapest``."""
    experiment_options(cheap_cmd, precision=False)
    cheap_cmd.add_argument(
        "--where",
        default="quota_miss_rate<=0.05",
        metavar="KPI<=X",
        help=_("the constraint (default: quota_miss_rate<=0.05)"),
    )
    cheap_cmd.add_argument("--buyer", metavar="B", help=_("the constraint on this buyer's lines"))
    cheap_cmd.add_argument(
        "--confidence",
        type=flags.positive_float,
        default=0.95,
        help=_("how sure, one-sided (0.95)"),
    )
    cheap_cmd.add_argument(
        "--candidates",
        choices=CANDIDATES,
        default="policies",
        help=_("the baseline and the policies, or the points of the sweep: design"),
    )


def optimize_options(optimize_cmd: argparse.ArgumentParser) -> None:
    """The question (``--where`` or ``--objectives``) and the budget of ``optimize``."""
    experiment_options(
        optimize_cmd,
        precision=False,
        replications=_("each setting's first (default: {first})").format(first=FIRST),
    )
    optimize_cmd.add_argument(
        "--where",
        metavar="KPI<=X",
        help=_("the cheapest setting of the levers that meets this constraint, surely"),
    )
    optimize_cmd.add_argument(
        "--objectives",
        metavar="KPI,cost",
        help=_("instead: the trade-offs between these (two or more KPIs, or cost)"),
    )
    optimize_cmd.add_argument("--buyer", metavar="B", help=_("the KPIs of this buyer's lines only"))
    optimize_cmd.add_argument(
        "--confidence",
        type=flags.positive_float,
        default=0.95,
        help=_("how sure the chosen setting meets --where, one-sided (0.95)"),
    )
    optimize_cmd.add_argument(
        "--evaluations",
        type=flags.positive,
        default=EVALUATIONS,
        metavar="N",
        help=_(
            "distinct settings the sampler measures, then up to half as many next to the "
            "cheapest that meet --where (default: {n})"
        ).format(n=EVALUATIONS),
    )
    optimize_cmd.add_argument(
        "--max-replications",
        type=flags.max_replications,
        default=MOST,
        metavar="N",
        help=_("no setting gets more (default: {most})").format(most=MOST),
    )
