"""umkm-sim: can a crowd of home kitchens hold an export buyer's quota?

A discrete-event (SimPy) model of home kitchens making snacks with erratic output, a cooperative
warehouse pooling it, and scheduled export shipments; it measures how often quotas are missed.
"""

from sim._version import __version__
from sim.experiment import run
from sim.loading import ScenarioError, derive, load_scenario, parse_scenario
from sim.results import Results
from sim.scenario import Scenario

__all__ = [
    "Results",
    "Scenario",
    "ScenarioError",
    "__version__",
    "derive",
    "load_scenario",
    "parse_scenario",
    "run",
]
