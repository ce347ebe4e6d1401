"""Days in transit of a buyer's shipments, fitted as ``transit_days``.

The records give each shipment's departure and arrival (``sim.inputs.records.read_transits``);
the days between are counts, fitted as the kitchens' output is (``sim.inputs.counts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from sim.i18n import Message
from sim.inputs.counts import CountFit, check_fittable, fit_counts
from sim.results.documents import Documented, json_ready, records_provenance


@dataclass(frozen=True)
class TransitFit(Documented):
    """Days in transit of a buyer's shipments, and the distribution fitted to them."""

    source: str
    fit: CountFit
    kind: ClassVar[str] = "transit"

    @property
    def table(self) -> pd.DataFrame:
        """The candidate distributions, best first, with their goodness of fit."""
        return self.fit.table()

    def document(self) -> dict[str, Any]:
        """The fit as a JSON-ready document: the records' provenance, the candidates."""
        return json_ready(
            {
                "kind": self.kind,
                **records_provenance(self.source),
                "shipments": len(self.fit.counts),
                "chosen": self.fit.chosen.spec(),
                "candidates": self.table.to_dict("records"),
            }
        )


def fit_transits(days: np.ndarray, source: str) -> TransitFit:
    """Fit the candidates to days in transit (``transit_days`` of a buyer).

    Raises:
        RecordsError: Fewer than ten shipments, or all took the same days.
    """
    check_fittable(days, source, Message("shipments"))
    return TransitFit(source, fit_counts(days))
