"""The scenario as data: the schema, YAML loading, overrides, distributions and calendar days.

Imports nothing else from ``sim``, and neither SimPy, pandas nor matplotlib: a scenario can be
read, checked and varied without the machinery that runs it.
"""

from sim.scenario.loading import derive, load_scenario, parse_scenario
from sim.scenario.messages import ScenarioError
from sim.scenario.schema import Scenario
from sim.scenario.yamlio import to_yaml

__all__ = ["Scenario", "ScenarioError", "derive", "load_scenario", "parse_scenario", "to_yaml"]
