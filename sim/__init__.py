"""umkm-sim: can a crowd of home kitchens hold an export buyer's quota?

A discrete-event (SimPy) model of home kitchens making snacks with erratic output, a cooperative
warehouse pooling it, and scheduled export shipments; it measures how often quotas are missed,
and compares policies, sweeps levers and answers inverse questions with common random numbers.
"""

from sim._version import __version__
from sim.compare import Comparison, compare
from sim.executors import Dask, LocalProcesses, Serial
from sim.experiment import run
from sim.loading import ScenarioError, derive, load_scenario, parse_scenario
from sim.precision import Precision
from sim.results import Results
from sim.scenario import Scenario
from sim.store import RunStore
from sim.sweep import SweepResult, sweep
from sim.target import Goal, TargetResult, target

__all__ = [
    "Comparison",
    "Dask",
    "Goal",
    "LocalProcesses",
    "Precision",
    "Results",
    "RunStore",
    "Scenario",
    "ScenarioError",
    "Serial",
    "SweepResult",
    "TargetResult",
    "__version__",
    "compare",
    "derive",
    "load_scenario",
    "parse_scenario",
    "run",
    "sweep",
    "target",
]
