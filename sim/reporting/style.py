"""The figures' one style: prints well in black and white, says what produced it.

Series are told apart by grey level, line style and marker, never by colour alone; every figure
has a footnote of its provenance.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, PercentFormatter, ScalarFormatter

from sim._version import __version__
from sim.i18n import current

STYLE: dict[str, Any] = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "0.9",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": "small",
    "figure.titlesize": 11,
}


LINES = ("-", "--", ":", "-.")


MARKERS = ("v", "s", "^", "D", "o", "P")


P = ParamSpec("P")


def styled(plot: Callable[P, Figure]) -> Callable[P, Figure]:
    """Draw the figure in the house style (it only applies while artists are made)."""

    @wraps(plot)
    def draw(*args: P.args, **kwargs: P.kwargs) -> Figure:
        with mpl.rc_context(STYLE):  # type: ignore[arg-type]
            fig = plot(*args, **kwargs)
        if current() != "en":
            for axis in (a for ax in fig.get_axes() for a in (ax.xaxis, ax.yaxis)):
                if isinstance(axis.get_major_formatter(), ScalarFormatter | PercentFormatter):
                    axis.set_major_formatter(_Localised(axis.get_major_formatter()))
        return fig

    return draw


class _Localised(Formatter):
    """Write a tick's number with the current language's marks: ``0,5`` and ``1.000`` in Indonesian.

    It wraps matplotlib's own formatter, which still chooses the ticks and their digits; only
    the decimal and grouping marks are swapped (matplotlib's ``axes.formatter.use_locale`` would
    need the operating system to have the locale installed).
    """

    _SWAP = str.maketrans({".": ",", ",": "."})

    def __init__(self, inner: Formatter) -> None:
        self.inner = inner

    def set_axis(self, axis: Any) -> None:
        super().set_axis(axis)
        self.inner.set_axis(axis)

    def set_locs(self, locs: Any) -> None:
        self.inner.set_locs(locs)

    def __call__(self, x: float, pos: int | None = None) -> str:
        return str(self.inner(x, pos)).translate(self._SWAP)

    def get_offset(self) -> str:
        return self.inner.get_offset().translate(self._SWAP)


def footnote(fig: Figure, what: str) -> None:
    """Say under the figure what produced it, and the version: one line, legible when printed."""
    # Constrained layout ignores free text: keep a strip of 0.3 inch at the bottom for it. One
    # text, not two at either end, so that a long provenance cannot run into the version.
    strip = 0.3 / fig.get_figheight()
    fig.get_layout_engine().set(rect=(0, strip, 1, 1 - strip))  # type: ignore[union-attr,call-arg]
    said = f"{what} · umkm-sim {__version__}"
    fig.text(0.01, 0.01, said, ha="left", va="bottom", fontsize="small", color="0.35", wrap=True)
