"""The flags every experiment command shares: the scenario, replications, where and how to run."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.cli import flags
from sim.experiments.executors import ENGINES
from sim.i18n import _


def experiment_options(
    cmd: argparse.ArgumentParser, *, precision: bool, replications: str | None = None
) -> None:
    """Add them to ``cmd``; with ``precision``, also ``--precision`` and ``--max-replications``.

    ``replications`` says what ``--replications`` is, where a command reads it its own way.
    """
    cmd.add_argument("scenario", metavar="SCENARIO", help=_("scenario YAML file"))
    cmd.add_argument(
        "--replications",
        type=flags.replications,
        metavar="N",
        help=replications
        or _("per variant (with --precision: to start with); default: the scenario's"),
    )
    cmd.add_argument("--seed", type=flags.seed, metavar="S", help=_("default: the scenario's"))
    cmd.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help=_(
            "override a scenario value by dotted path, list items by name "
            "(e.g. kitchens.peyek-makers.count=12); repeatable"
        ),
    )
    cmd.add_argument(
        "--workers",
        type=flags.workers,
        metavar="N",
        help=_("local worker processes (default: all cores; more are capped at that)"),
    )
    cmd.add_argument(
        "--dask",
        metavar="ADDRESS",
        help=_(
            "run on a Dask cluster: a scheduler address (tcp://host:8786), or 'local' to "
            "start one here (needs pip install 'umkm-sim[dask]')"
        ),
    )
    cmd.add_argument("--out", metavar="DIR", type=Path, help=_("write result files into DIR"))
    folder = cmd.add_mutually_exclusive_group()
    folder.add_argument("--overwrite", action="store_true", help=_("replace DIR if it exists"))
    folder.add_argument(
        "--resume",
        action="store_true",
        help=_("finish an interrupted run in DIR, reusing its runs"),
    )
    cmd.add_argument(
        "--parquet",
        action="store_true",
        help=_("with --out: each table also as Parquet (needs pyarrow)"),
    )
    cmd.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    cmd.add_argument(
        "--report", action="store_true", help=_("also write DIR/report.html (needs --out)")
    )
    cmd.add_argument("--quiet", action="store_true", help=_("no progress bar"))
    cmd.add_argument(
        "--engine",
        choices=ENGINES,
        default="batched",
        help=_(
            "batched (default): replications side by side in numpy; reference: one at a "
            "time, the oracle it is tested against. The results are equal"
        ),
    )
    cmd.add_argument(
        "--batch-size",
        type=flags.replications,
        metavar="N",
        help=_(
            "replications the batched engine simulates side by side (default: as many as "
            "fit 256 MiB); it never changes a result"
        ),
    )
    if precision:
        cmd.add_argument(
            "--precision",
            type=flags.positive_float,
            metavar="H",
            help=_(
                "add replications until the 95%% CI half-width of the quota miss rate (for "
                "target: of its metric, at each value) is <= H"
            ),
        )
        cmd.add_argument(
            "--max-replications",
            type=flags.max_replications,
            default=5000,
            metavar="N",
            help=_("cap for --precision (default: 5000)"),
        )
