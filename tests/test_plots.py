"""Figures: every one has a title and labelled axes, and reads in black and white."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.text import Text

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


SMALLEST_POINTS = 7.0
"""No text under 7 pt: about 12 pixels high at the 120 dpi figures are saved at."""


def test_every_figure_reads_well(balikpapan, tmp_path):
    """Every figure, in English and in Indonesian (which runs longer), drawn once and checked.

    A title and labelled axes, in greys only; no title off the figure's edge; no text under
    7 pt; no two texts overlapping once drawn; no legend over data. (One test: drawing them all
    is most of its time.)
    """
    drawn = figures(balikpapan)
    assert set(drawn) >= {
        "stock.png",
        "miss_rates.png",
        "shortfall.png",
        "survival.png",
        "cash.png",
    }
    with speaking("id"):
        drawn |= {f"id/{name}": fig for name, fig in figures(balikpapan).items()}
    problems = {}
    for name, fig in drawn.items():
        found = _unlabelled_or_coloured(fig)
        found += [f"title off the edge: {title!r}" for title in _cut_off(fig)]
        found += [
            f"{t.get_text()[:30]!r} at {t.get_fontsize():.1f} pt"
            for t in _texts(fig)
            if t.get_fontsize() < SMALLEST_POINTS
        ]
        found += [f"texts overlap: {pair}" for pair in _overlapping(fig)]
        found += [f"legend of axes {i} on data" for i in _legends_on_data(fig)]
        fig.savefig(tmp_path / name.replace("/", "-"))
        if (tmp_path / name.replace("/", "-")).stat().st_size < 5000:
            found.append("saved nearly empty")
        if found:
            problems[name] = found
    assert problems == {}


def _unlabelled_or_coloured(fig: Figure) -> list[str]:
    """No title, an axis without its label, or a colour that is not a grey (R = G = B)."""
    titles = [fig.get_suptitle()] + [ax.get_title(loc="left") for ax in fig.axes]
    found = [] if any(titles) else ["no title"]
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>":
            continue
        siblings = ax.get_shared_x_axes().get_siblings(ax)  # sharex: the bottom one labels
        if not any(a.get_xlabel() for a in siblings):
            found.append("an axis without an x label")
        if not (ax.get_ylabel() or ax.get_yticklabels()):
            found.append("an axis without a y label")
        for artist in [*ax.lines, *ax.patches, *ax.collections]:
            found += [
                f"colour {c}"
                for c in _colours(artist)
                if abs(c[0] - c[1]) > 1e-6 or abs(c[1] - c[2]) > 1e-6
            ]
    return found


def test_the_checks_can_fail():
    """No title, a colour, a tiny label, two texts on one spot, a legend over a line: caught."""
    fig = Figure(figsize=(4, 3))
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], color="black", label="line")
    ax.plot([0, 1], [1, 0], color="red")
    ax.legend(loc="center")
    ax.set_xlabel("tiny", fontsize=5)
    fig.text(0.5, 0.5, "one")
    fig.text(0.5, 0.5, "two")
    assert any(t.get_text() == "tiny" for t in _texts(fig) if t.get_fontsize() < SMALLEST_POINTS)
    assert ("one", "two") in _overlapping(fig)
    assert _legends_on_data(fig) == [0]
    said = _unlabelled_or_coloured(fig)
    assert "no title" in said
    assert any(problem.startswith("colour") for problem in said)


def _texts(fig: Figure) -> list[Text]:
    """The texts a reader sees: visible, not empty; of the tick labels, those in view."""
    fig.draw_without_rendering()
    labels, in_view = set(), []
    for ax in fig.axes:
        for axis, limits in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            low, high = sorted(limits)
            slack = 1e-9 * (high - low)
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                for label in (tick.label1, tick.label2):
                    labels.add(label)
                    # A label matplotlib made for a tick outside the view is kept, not drawn.
                    if tick.get_visible() and low - slack <= tick.get_loc() <= high + slack:
                        in_view.append(label)
    texts = [t for t in fig.findobj(Text) if t not in labels] + in_view
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def _overlapping(fig: Figure) -> list[tuple[str, str]]:
    texts = _texts(fig)
    boxes = [t.get_window_extent().padded(-1) for t in texts]  # a shared edge is no overlap
    return [
        (texts[i].get_text(), texts[j].get_text())
        for i in range(len(texts))
        for j in range(i + 1, len(texts))
        if boxes[i].overlaps(boxes[j])
    ]


def _legends_on_data(fig: Figure) -> list[int]:
    """The axes (by index) whose legend lies on something drawn in the axes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    engine = fig.get_layout_engine()
    fig.set_layout_engine("none")  # hiding a legend must not let the axes grow into its place
    try:
        return [i for i, ax in enumerate(fig.axes) if _legend_on_data(canvas, ax)]
    finally:
        fig.set_layout_engine(engine)


def _legend_on_data(canvas, ax) -> bool:
    legend = ax.get_legend()
    if legend is None or not legend.get_visible():
        return False
    box = legend.get_window_extent()
    legend.set_visible(False)
    canvas.draw()
    legend.set_visible(True)
    pixels = np.asarray(canvas.buffer_rgba())[:, :, :3]
    height = pixels.shape[0]
    inside = ax.bbox  # only what is drawn in the axes' own area counts as data
    x0, x1 = int(max(box.x0, inside.x0)), int(min(box.x1, inside.x1))
    y0, y1 = int(max(box.y0, inside.y0)), int(min(box.y1, inside.y1))
    under = pixels[height - y1 : height - y0, x0:x1]
    return bool((under < 0.8 * 255).any())  # grid lines (0.9 grey) are blank enough


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
