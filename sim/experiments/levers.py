"""The space a search goes through: the scenario's ``levers:``, as Optuna's distributions.

A range of whole numbers is an integer distribution, a real range a float one, and a list of
values a choice among their positions (Optuna chooses among plain numbers and text only; a
lever's values may be mappings, as a stock by product is). A lever whose path has ``*`` steps
sets every path it stands for to the same value.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.experiments.runner import Variant
from sim.i18n import Message
from sim.scenario.loading import derive
from sim.scenario.messages import ScenarioError, show
from sim.scenario.overrides import expand
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    from optuna.distributions import BaseDistribution


@dataclass(frozen=True)
class Space:
    """The levers of a scenario, and the paths each sets.

    Attributes:
        scenario: The scenario whose ``levers:`` these are.
        paths: Each lever (as written) -> the paths it sets (its ``*`` steps expanded).
    """

    scenario: Scenario
    paths: Mapping[str, list[str]]

    @classmethod
    def of(cls, scenario: Scenario) -> Space:
        """The scenario's levers (checked when it was loaded).

        Raises:
            ScenarioError: It has none.
        """
        if not scenario.levers:
            said = Message(
                "no levers: section: nothing to choose (levers: PATH: {{low, high}} or "
                "{{values: [...]}})"
            )
            raise ScenarioError([said])
        paths = {p: expand(scenario, p, f"levers.{p}") for p in scenario.levers}
        return cls(scenario, paths)

    def distributions(self) -> dict[str, BaseDistribution]:
        """Each lever as Optuna samples it."""
        from optuna.distributions import (  # noqa: PLC0415 (an extra, imported when searching)
            CategoricalDistribution,
            FloatDistribution,
            IntDistribution,
        )

        found: dict[str, BaseDistribution] = {}
        for path, lever in self.scenario.levers.items():
            if lever.values is not None:
                found[path] = CategoricalDistribution(list(range(len(lever.values))))
            elif lever.integer:
                found[path] = IntDistribution(int(lever.low or 0), int(lever.high or 0))
            else:
                found[path] = FloatDistribution(float(lever.low or 0), float(lever.high or 0))
        return found

    def settings(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The lever values Optuna's parameters stand for (a choice's position -> its value)."""
        found = {}
        for path, lever in self.scenario.levers.items():
            value = params[path]
            found[path] = lever.values[value] if lever.values is not None else value
        return found

    def variant(self, name: str, settings: Mapping[str, Any]) -> Variant:
        """The scenario with the levers set so."""

        def blame(path: str, value: Any) -> str:
            return f"{name}: levers.{path}={show(value)}"

        overrides = {p: settings[lever] for lever, paths in self.paths.items() for p in paths}
        return Variant(name, derive(self.scenario, overrides, blame), dict(settings))

    def valid(self, settings: Iterable[Mapping[str, Any]]) -> list[Variant]:
        """The settings that make a valid scenario, as unnamed variants.

        Each lever's ends are checked when the scenario is loaded, but not every combination:
        an initial stock above a capacity that is a lever too. Such a setting is not searched.
        """
        found = []
        for s in settings:
            with contextlib.suppress(ScenarioError):
                found.append(self.variant("", s))
        return found

    def neighbours(self, settings: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The settings a step away: in one lever, or in two at once (one traded for another).

        A step is to the next listed value, a tenth of a range (at least 1 for whole numbers).
        """
        steps = {path: self._steps(path, settings[path]) for path in self.scenario.levers}
        found = [{**settings, p: v} for p, values in steps.items() for v in values]
        for p, q in itertools.combinations(steps, 2):
            found += [{**settings, p: v, q: w} for v in steps[p] for w in steps[q]]
        return found

    def _steps(self, path: str, value: Any) -> list[Any]:
        lever = self.scenario.levers[path]
        if lever.values is not None:
            at = next(k for k, v in enumerate(lever.values) if v == value)
            return [lever.values[k] for k in (at - 1, at + 1) if 0 <= k < len(lever.values)]
        low, high = float(lever.low or 0), float(lever.high or 0)
        step: float = (high - low) / 10
        if lever.integer:
            step, low, high = max(1, round(step)), int(low), int(high)
        return [v for v in (value - step, value + step) if low <= v <= high]

    def size(self) -> float:
        """How many distinct settings there are (``inf`` with a real range)."""
        count = 1.0
        for lever in self.scenario.levers.values():
            if lever.values is not None:
                count *= len(lever.values)
            elif lever.integer:
                count *= int(lever.high or 0) - int(lever.low or 0) + 1
            else:
                return math.inf
        return count


def key(settings: Mapping[str, Any]) -> str:
    """One setting's identity: the same levers at the same values are one candidate."""
    return json.dumps(settings, sort_keys=True, default=str)
