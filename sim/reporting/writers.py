"""Result folders: each kind of result as the files it writes, every file whole or not at all.

Figures are drawn only when their file is written (matplotlib is imported then, not before).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import singledispatch
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.experiments.cheapest import Cheapest
from sim.experiments.compare import Comparison
from sim.experiments.discover import Discovery
from sim.experiments.explore import Exploration
from sim.experiments.gsa import GlobalSensitivity
from sim.experiments.select import Selection
from sim.experiments.sensitivity import Sensitivity
from sim.experiments.sweep import SweepResult
from sim.experiments.target import TargetResult
from sim.inputs.fit import OutputFit, TransitFit
from sim.reporting.folders import complete, prepare, write_atomic
from sim.results.tables import Results
from sim.scenario.yamlio import to_yaml

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Writer = Callable[[Path], object]
"""Writes one file at the (temporary) path it is given."""


def write(result: Any, out_dir: str | Path, *, overwrite: bool = False) -> Path:
    """Write a result's files (tables, summary, figures, scenario) into a new folder.

    ``result`` is what ``sim.run``, ``sim.compare``, ``sim.sweep``, ``sim.target`` or
    ``sim.sensitivity`` returned; the files are those ``--out`` writes.

    Raises:
        OutputError: ``out_dir`` exists and ``overwrite`` is false.
    """
    out = prepare(Path(out_dir), overwrite=overwrite)
    write_files(result, out)
    complete(out)  # whole: a report can be made from it
    return out


def write_files(result: Any, out: Path) -> None:
    """Write a result's files into an existing folder, each whole or not at all."""
    for name, write_file in files(result).items():
        write_atomic(out / name, write_file)


@singledispatch
def files(result: Any) -> dict[str, Writer]:
    """Return a result's files: name -> how to write it."""
    raise TypeError(f"no files are defined for {type(result).__name__}")


@files.register
def _(results: Results) -> dict[str, Writer]:
    from sim.reporting.plots import run_figures  # noqa: PLC0415 (matplotlib is slow to import)

    written = {
        "summary.json": _text(results.to_json() + "\n"),
        "shipments.csv": _csv(results.shipments),
        "scenario.yaml": _text(results.scenario_yaml()),
    }
    return written | {name: _figure(draw) for name, draw in run_figures(results).items()}


@files.register
def _(comparison: Comparison) -> dict[str, Writer]:
    from sim.reporting.plots import plot_forest  # noqa: PLC0415 (matplotlib is slow to import)

    return {
        "comparison.json": _json(comparison.summary),
        "forest.png": _figure(lambda: plot_forest(comparison)),
        "comparison.csv": _csv(comparison.table),
        "shipments.csv": _csv(comparison.shipments()),
        "scenario.yaml": _text(to_yaml(comparison.scenario)),
    }


@files.register
def _(result: SweepResult) -> dict[str, Writer]:
    from sim.reporting.plots import plot_sweep  # noqa: PLC0415 (matplotlib is slow to import)

    return {
        "sweep.csv": _csv(result.table),
        "sweep.json": _json(result.summary),
        "sweep.png": _figure(lambda: plot_sweep(result)),
        "scenario.yaml": _text(to_yaml(result.scenario)),
    }


@files.register
def _(exploration: Exploration) -> dict[str, Writer]:
    from sim.reporting.futures_plots import plot_futures  # noqa: PLC0415 (slow to import)

    return {
        "experiments.csv": _csv(exploration.table),
        "robustness.csv": _csv(exploration.ranked),
        "experiments.json": _json(exploration.summary),
        "futures.png": _figure(lambda: plot_futures(exploration)),
        "scenario.yaml": _text(to_yaml(exploration.scenario)),
    }


@files.register
def _(discovery: Discovery) -> dict[str, Writer]:
    from sim.reporting.futures_plots import plot_box, plot_tradeoff  # noqa: PLC0415 (slow to import)

    return {
        "discovery.json": _json(discovery.as_dict()),
        "tradeoff.png": _figure(lambda: plot_tradeoff(discovery)),
        "box.png": _figure(lambda: plot_box(discovery)),
    }


@files.register
def _(result: GlobalSensitivity) -> dict[str, Writer]:
    from sim.reporting.gsa_plots import plot_convergence, plot_gsa  # noqa: PLC0415

    return {
        "gsa.json": _json(result.as_dict()),
        "gsa.csv": _csv(result.table),
        "gsa-points.csv": _csv(result.points),
        "gsa.png": _figure(lambda: plot_gsa(result)),
        "convergence.png": _figure(lambda: plot_convergence(result)),
        "scenario.yaml": _text(to_yaml(result.scenario)),
    }


@files.register
def _(fit: OutputFit) -> dict[str, Writer]:
    from sim.inputs.fragment import as_dict, fragment  # noqa: PLC0415
    from sim.reporting.fit_plots import plot_profiles, plot_rootogram  # noqa: PLC0415

    return {
        "fragment.yaml": _text(fragment(fit)),
        "fit.json": _json(as_dict(fit)),
        "candidates.csv": _csv(fit.output.table()),
        "counts.png": _figure(lambda: plot_rootogram(fit.output)),
        "profiles.png": _figure(lambda: plot_profiles(fit)),
    }


@files.register
def _(transit: TransitFit) -> dict[str, Writer]:
    from sim.inputs.fragment import transit_fragment  # noqa: PLC0415
    from sim.reporting.fit_plots import plot_rootogram  # noqa: PLC0415

    return {
        "transit.yaml": _text(transit_fragment(transit.source, transit.fit)),
        "transit-candidates.csv": _csv(transit.fit.table()),
        "transit.png": _figure(lambda: plot_rootogram(transit.fit, transit=True)),
    }


@files.register
def _(answer: Cheapest) -> dict[str, Writer]:
    return {
        "cheapest.json": _json(answer.as_dict()),
        "cheapest.csv": _csv(answer.table),
        "scenario.yaml": _text(to_yaml(answer.scenario)),
    }


@files.register
def _(selection: Selection) -> dict[str, Writer]:
    return {
        "selection.json": _json(selection.as_dict()),
        "selection.csv": _csv(selection.table),
        "scenario.yaml": _text(to_yaml(selection.scenario)),
    }


@files.register
def _(answer: TargetResult) -> dict[str, Writer]:
    return {
        "target.json": _json(answer.summary),
        "target.csv": _csv(answer.table),
        "scenario.yaml": _text(to_yaml(answer.scenario)),
    }


@files.register
def _(result: Sensitivity) -> dict[str, Writer]:
    from sim.reporting.plots import plot_tornado  # noqa: PLC0415 (matplotlib is slow to import)

    return {
        "sensitivity.csv": _csv(result.table),
        "sensitivity.json": _json(result.summary),
        "tornado.png": _figure(lambda: plot_tornado(result)),
        "scenario.yaml": _text(to_yaml(result.comparison.scenario)),
    }


def _text(text: str) -> Writer:
    return lambda tmp: tmp.write_text(text, encoding="utf-8")


def _json(document: dict[str, Any]) -> Writer:
    return _text(json.dumps(document, indent=2) + "\n")


def _csv(table: pd.DataFrame) -> Writer:
    return lambda tmp: table.to_csv(tmp, index=False)


def _figure(draw: Callable[[], Figure]) -> Writer:
    return lambda tmp: draw().savefig(tmp, dpi=120)
