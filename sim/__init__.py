"""umkm-sim: can a crowd of home kitchens hold an export buyer's quota?

A discrete-event (SimPy) model of home kitchens making snacks with erratic output, a cooperative
warehouse pooling it, and scheduled export shipments; it measures how often quotas are missed,
and compares policies, sweeps levers and answers inverse questions with common random numbers.

The layers, lowest first (each imports only those below it; ``lint-imports`` checks it):
``i18n`` (words and numbers) < ``scenario`` (the data) < ``engine`` (the simulation) <
``results`` (tables, KPIs, documents) < ``experiments`` (many replications) and ``inputs``
(records) < ``reporting`` (text, figures, files) < ``app`` < ``cli``.

Every public name is imported on first use (PEP 562), so ``import sim.engine`` (what a worker
runs) loads the simulation alone: no pandas, SciPy or matplotlib. ``sim.plots`` is
``sim.reporting.plots``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from sim._version import __version__

if TYPE_CHECKING:
    from sim.experiments.cheapest import Cheapest, cheapest
    from sim.experiments.compare import Comparison, compare
    from sim.experiments.executors import Dask, LocalProcesses, Serial
    from sim.experiments.explore import Exploration, explore
    from sim.experiments.gsa import GlobalSensitivity, gsa
    from sim.experiments.optimize import Optimization, optimize
    from sim.experiments.robustness import Criterion
    from sim.experiments.runner import Execution, run
    from sim.experiments.select import Selection, select
    from sim.experiments.sensitivity import Sensitivity, sensitivity
    from sim.experiments.store import RunStore
    from sim.experiments.sweep import SweepResult, sweep
    from sim.experiments.target import Goal, TargetResult, target
    from sim.i18n import set_language, speaking
    from sim.reporting import plots, say, write
    from sim.results.documents import Result
    from sim.results.precision import Precision
    from sim.results.tables import Results
    from sim.scenario.loading import derive, load_scenario, parse_scenario
    from sim.scenario.messages import ScenarioError
    from sim.scenario.schema import Scenario

_WHERE = {
    "Cheapest": "sim.experiments.cheapest",
    "cheapest": "sim.experiments.cheapest",
    "Comparison": "sim.experiments.compare",
    "compare": "sim.experiments.compare",
    "Dask": "sim.experiments.executors",
    "LocalProcesses": "sim.experiments.executors",
    "Serial": "sim.experiments.executors",
    "Exploration": "sim.experiments.explore",
    "explore": "sim.experiments.explore",
    "GlobalSensitivity": "sim.experiments.gsa",
    "gsa": "sim.experiments.gsa",
    "Optimization": "sim.experiments.optimize",
    "optimize": "sim.experiments.optimize",
    "Criterion": "sim.experiments.robustness",
    "Execution": "sim.experiments.runner",
    "run": "sim.experiments.runner",
    "Selection": "sim.experiments.select",
    "select": "sim.experiments.select",
    "Sensitivity": "sim.experiments.sensitivity",
    "sensitivity": "sim.experiments.sensitivity",
    "RunStore": "sim.experiments.store",
    "SweepResult": "sim.experiments.sweep",
    "sweep": "sim.experiments.sweep",
    "Goal": "sim.experiments.target",
    "TargetResult": "sim.experiments.target",
    "target": "sim.experiments.target",
    "set_language": "sim.i18n",
    "speaking": "sim.i18n",
    "say": "sim.reporting",
    "write": "sim.reporting",
    "Result": "sim.results.documents",
    "Precision": "sim.results.precision",
    "Results": "sim.results.tables",
    "derive": "sim.scenario.loading",
    "load_scenario": "sim.scenario.loading",
    "parse_scenario": "sim.scenario.loading",
    "ScenarioError": "sim.scenario.messages",
    "Scenario": "sim.scenario.schema",
}

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
    "Optimization",
    "Precision",
    "Result",
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
    "optimize",
    "parse_scenario",
    "plots",
    "run",
    "say",
    "select",
    "sensitivity",
    "set_language",
    "speaking",
    "sweep",
    "target",
    "write",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    if name == "plots":
        return import_module("sim.reporting.plots")
    if name not in _WHERE:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)


def __dir__() -> list[str]:
    """The public names, for tab completion in a notebook."""
    return __all__
