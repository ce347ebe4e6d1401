"""A fit of days in transit: the candidates, and the ``transit_days`` line to paste."""

from __future__ import annotations

from typing import Any

from sim._version import __version__
from sim.i18n import _, significant
from sim.inputs.transit import TransitFit
from sim.reporting.html_parts import paragraph
from sim.reporting.kind import Kind, csv_file, figure, json_file, text_file
from sim.reporting.kinds.fit import candidates, candidates_table, flow, parameters


def transit_fragment(transit: TransitFit) -> str:
    """The ``transit_days`` line for a buyer, with the fit it came from."""
    x = transit.fit.counts
    header = _(
        "# Fitted by umkm-sim {version} from {source}: {shipments} shipments, {shortest} to "
        "{longest} days (mean {mean})."
    ).format(
        version=__version__,
        source=transit.source,
        shipments=len(x),
        shortest=x.min(),
        longest=x.max(),
        mean=significant(x.mean()),
    )
    return "\n".join(
        [
            header,
            _("# Paste under the buyer whose shipments these were."),
            f"transit_days: {flow(transit.fit.chosen.spec())}",
            "",
        ]
    )


def transit_text(transit: TransitFit) -> str:
    """The candidates for the days in transit, and the line to paste."""
    return "\n".join([candidates(transit.fit), "", transit_fragment(transit)])


def transit_section(document: dict[str, Any]) -> list[str]:
    """The report's section of a transit fit: the distribution chosen, the candidates."""
    chosen = _("Days in transit, from {n} shipments: {distribution} ({parameters}).").format(
        n=document["shipments"],
        distribution=document["chosen"]["distribution"],
        parameters=parameters(document["chosen"]),
    )
    return [paragraph([chosen]), candidates_table(document)]


KIND: Kind = Kind(
    name="transit",
    result=TransitFit,
    document="transit.json",
    files={
        "transit.yaml": lambda t: text_file(transit_fragment(t)),
        "transit.json": lambda t: json_file(KIND.published(t)),
        "transit-candidates.csv": lambda t: csv_file(t.table),
        "transit.png": lambda t: figure("fit_plots", "plot_transit", t.fit),
    },
    text=transit_text,
    section=transit_section,
    captions={
        "transit.png": lambda: _(
            "When the hanging bars end near zero, the fitted distribution says the days in "
            "transit well."
        )
    },
    question=lambda: _(
        "How many days do shipments take to reach the buyer, by the records of their departures "
        "and arrivals?"
    ),
    heading=lambda: _("What the records say:"),
)
