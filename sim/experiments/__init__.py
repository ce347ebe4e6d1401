"""Many replications of scenario variants, and the questions asked of them.

The runner, executors and run store; comparing policies, sweeping levers, finding a target,
one-at-a-time sensitivity, exploring uncertain futures, choosing with confidence.

Imports ``sim.results``, ``sim.engine`` and ``sim.scenario``; never ``sim.reporting``.
"""

from sim.experiments.cheapest import Cheapest, cheapest
from sim.experiments.compare import Comparison, compare
from sim.experiments.executors import Dask, LocalProcesses, Serial
from sim.experiments.explore import Exploration, explore
from sim.experiments.gsa import GlobalSensitivity, gsa
from sim.experiments.robustness import Criterion
from sim.experiments.runner import Execution, PreciseExecution, run
from sim.experiments.select import Selection, select
from sim.experiments.sensitivity import Sensitivity, sensitivity
from sim.experiments.store import RunStore
from sim.experiments.sweep import SweepResult, sweep
from sim.experiments.target import Goal, TargetResult, target

__all__ = [
    "Cheapest",
    "Comparison",
    "Criterion",
    "Dask",
    "Execution",
    "Exploration",
    "GlobalSensitivity",
    "Goal",
    "LocalProcesses",
    "PreciseExecution",
    "RunStore",
    "Selection",
    "Sensitivity",
    "Serial",
    "SweepResult",
    "TargetResult",
    "cheapest",
    "compare",
    "explore",
    "gsa",
    "run",
    "select",
    "sensitivity",
    "sweep",
    "target",
]
