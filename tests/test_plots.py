"""Figures: every one has a title and labelled axes, and reads in black and white."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

import sim
from sim.experiments.discover import discover
from sim.experiments.sensitivity import sensitivity
from sim.i18n import speaking
from sim.inputs import fit_records, read_deliveries
from sim.reporting.kinds import run as run_kind
from sim.reporting.plots import (
    plot_box,
    plot_convergence,
    plot_forest,
    plot_futures,
    plot_gsa,
    plot_profiles,
    plot_rootogram,
    plot_sweep,
    plot_tornado,
    plot_tradeoff,
)

from conftest import ROOT


@pytest.fixture(scope="module")
def balikpapan() -> sim.Scenario:
    """The default scenario: every mechanism, so every run figure."""
    return sim.load_scenario(ROOT / "scenarios" / "balikpapan.yaml")


def figures(scenario: sim.Scenario) -> dict[str, Figure]:
    """Every figure the package draws, on small runs of the scenario."""
    results = sim.run(scenario, replications=4, workers=1)
    drawn = {
        name: getattr(sim.plots, f"plot_{name.removesuffix('.png')}")(results)
        for name in run_kind.figures(results)
    }
    comparison = sim.compare(scenario, replications=3, workers=1)
    drawn["forest.png"] = plot_forest(comparison)
    drawn["sweep-grid.png"] = plot_sweep(sim.sweep(scenario, replications=2, workers=1))
    one = {"kitchens.cake-makers.count": [4, 6]}
    drawn["sweep-curve.png"] = plot_sweep(sim.sweep(scenario, one, replications=2, workers=1))
    levers = ["finance.fund", "kitchens.cake-makers.count"]
    drawn["tornado.png"] = plot_tornado(sensitivity(scenario, levers, replications=2, workers=1))
    explored = sim.explore(scenario, 30, replications=2, workers=1)
    drawn["futures.png"] = plot_futures(explored)
    futures, failed = explored.futures, explored.values("quota_miss_rate").mean(axis=2)[0] > 0.25
    where = sim.Criterion.parse("quota_miss_rate>0.25")
    found = discover(futures, failed, where, "baseline")
    drawn["tradeoff.png"] = plot_tradeoff(found)
    drawn["box.png"] = plot_box(found)
    cube = pd.DataFrame(np.random.default_rng(3).random((300, 4)), columns=list("abcd"))
    corner = (cube.a > 0.5).to_numpy() & (cube.b < 0.5).to_numpy() & (cube.c > 0.4).to_numpy()
    drawn["box-pairs.png"] = plot_box(discover(cube, corner, where, "constructed"))
    records = read_deliveries(ROOT / "data" / "examples" / "kitchen-records.csv")
    fit = fit_records(records, "example")
    drawn["counts.png"] = plot_rootogram(fit.output)
    drawn["profiles.png"] = plot_profiles(fit)
    sobol = sim.gsa(scenario, "sobol", 4, replications=2, workers=1)
    drawn["gsa.png"] = plot_gsa(sobol)
    drawn["convergence.png"] = plot_convergence(sobol)
    drawn["gsa-morris.png"] = plot_gsa(sim.gsa(scenario, "morris", 4, replications=2, workers=1))
    return drawn


def test_every_figure_is_titled_labelled_and_grey(balikpapan, tmp_path):
    """A title; every data axis labelled; only greys (R = G = B) in lines, fills and markers."""
    drawn = figures(balikpapan)
    assert set(drawn) >= {
        "stock.png",
        "miss_rates.png",
        "shortfall.png",
        "survival.png",
        "cash.png",
    }
    for name, fig in drawn.items():
        titles = [fig.get_suptitle()] + [ax.get_title(loc="left") for ax in fig.axes]
        assert any(titles), name
        for ax in fig.axes:
            if ax.get_label() == "<colorbar>":
                continue
            siblings = ax.get_shared_x_axes().get_siblings(ax)  # sharex: the bottom one labels
            assert any(a.get_xlabel() for a in siblings), f"{name}: an axis without an x label"
            assert ax.get_ylabel() or ax.get_yticklabels(), f"{name}: an axis without a y label"
            for artist in [*ax.lines, *ax.patches, *ax.collections]:
                for colour in _colours(artist):
                    r, g, b, _ = colour
                    assert abs(r - g) < 1e-6, f"{name}: colour {colour}"
                    assert abs(g - b) < 1e-6, f"{name}: colour {colour}"
        fig.savefig(tmp_path / name)
        assert (tmp_path / name).stat().st_size > 5000
        assert _cut_off(fig) == [], name


def test_every_figure_in_indonesian_keeps_its_titles_inside(balikpapan):
    """Indonesian runs longer than English: no title may run off the figure's edge."""
    with speaking("id"):
        drawn = figures(balikpapan)
    cut = {name: _cut_off(fig) for name, fig in drawn.items()}
    assert {name: titles for name, titles in cut.items() if titles} == {}


def _cut_off(fig: Figure) -> list[str]:
    """The titles that reach past the figure's left or right edge once drawn."""
    fig.draw_without_rendering()
    width = fig.bbox.width
    # No public getter for these Text objects: suptitle, and each axes' three title places.
    titles = [fig._suptitle] + [  # noqa: SLF001
        getattr(ax, place) for ax in fig.axes for place in ("title", "_left_title", "_right_title")
    ]
    return [
        t.get_text()
        for t in titles
        if t is not None and t.get_text()
        for box in [t.get_window_extent()]
        if box.x0 < -1 or box.x1 > width + 1
    ]


def _colours(artist) -> list[tuple[float, ...]]:
    found = []
    for getter in ("get_color", "get_facecolor", "get_edgecolor", "get_markerfacecolor"):
        value = getattr(artist, getter, lambda: None)()
        if value is None or (isinstance(value, str) and value == "none"):
            continue
        try:
            found.append(to_rgba(value))
        except ValueError:
            found.extend(to_rgba(v) for v in value)
    return [c for c in found if c[3] > 0]
