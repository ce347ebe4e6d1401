"""Input modelling: a cooperative's own records turned into a scenario's numbers.

Reads delivery and shipment records, fits the engine's distributions and absence chain to them
with confidence intervals, and writes a YAML fragment to paste into a scenario. Beside
``sim.experiments`` in the layers: imports ``sim.scenario`` (and SciPy, pandas), never the
engine or the experiments.
"""

from sim.inputs.fit import OutputFit, fit_records
from sim.inputs.records import Columns, RecordsError, read_deliveries, read_transits
from sim.inputs.transit import TransitFit, fit_transits

__all__ = [
    "Columns",
    "OutputFit",
    "RecordsError",
    "TransitFit",
    "fit_records",
    "fit_transits",
    "read_deliveries",
    "read_transits",
]
