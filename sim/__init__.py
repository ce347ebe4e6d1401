"""umkm-sim: can a crowd of home kitchens hold an export buyer's quota?

A discrete-event (SimPy) model of home kitchens making snacks with erratic output, a cooperative
warehouse pooling it, and scheduled export shipments; it measures how often quotas are missed,
and compares policies, sweeps levers and answers inverse questions with common random numbers.

The layers, lowest first (each imports only those below it; ``lint-imports`` checks it):
``scenario`` (the data) < ``engine`` (the simulation) < ``results`` (tables and KPIs) <
``experiments`` (many replications) < ``reporting`` (text, figures, files) < ``cli``.
``sim.plots`` is ``sim.reporting.plots``, imported (with matplotlib) on first use.
"""

from types import ModuleType

from sim._version import __version__
from sim.experiments import (
    Cheapest,
    Comparison,
    Criterion,
    Dask,
    Execution,
    Exploration,
    GlobalSensitivity,
    Goal,
    LocalProcesses,
    RunStore,
    Selection,
    Sensitivity,
    Serial,
    SweepResult,
    TargetResult,
    cheapest,
    compare,
    explore,
    gsa,
    run,
    select,
    sensitivity,
    sweep,
    target,
)
from sim.i18n import set_language, speaking
from sim.reporting import write
from sim.results import Precision, Results
from sim.scenario import Scenario, ScenarioError, derive, load_scenario, parse_scenario

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
    "Precision",
    "Results",
    "RunStore",
    "Scenario",
    "ScenarioError",
    "Selection",
    "Sensitivity",
    "Serial",
    "SweepResult",
    "TargetResult",
    "__version__",
    "cheapest",
    "compare",
    "derive",
    "explore",
    "gsa",
    "load_scenario",
    "parse_scenario",
    "plots",
    "run",
    "select",
    "sensitivity",
    "set_language",
    "speaking",
    "sweep",
    "target",
    "write",
]


def __getattr__(name: str) -> ModuleType:
    """Import ``sim.plots`` (and so matplotlib) only when it is first used."""
    if name == "plots":
        from sim.reporting import plots  # noqa: PLC0415 (matplotlib is slow to import)

        return plots
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
