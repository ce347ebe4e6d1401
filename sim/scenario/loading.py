"""Read scenario files: safe YAML with line numbers, overrides applied, then validated.

Every problem is reported as ``file:line: key.path: what was expected, got what`` so a user can
go straight to it. Nothing in a file is executed: only ``yaml.SafeLoader`` is used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path as FilePath
from typing import Any

import pydantic

from sim.i18n import _
from sim.scenario.designs import Sweep
from sim.scenario.messages import Lines, ScenarioError, locate
from sim.scenario.overrides import Blame, apply_overrides, expand, set_flag
from sim.scenario.schema import Scenario
from sim.scenario.yamlio import read_yaml


def load_scenario(path: str | FilePath, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Load, override and validate a scenario file.

    Args:
        path: The YAML file.
        overrides: ``{"kitchens.peyek-makers.count": 12, ...}``: dotted paths (list items by
            their ``name``) to values, applied before validation.

    Raises:
        ScenarioError: The file is missing, not YAML, or not a valid scenario.
    """
    source = str(path)
    try:
        text = FilePath(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([_("{source}: no such file").format(source=source)]) from None
    except IsADirectoryError:
        problem = _("{source}: is a directory, expected a scenario file").format(source=source)
        raise ScenarioError([problem]) from None
    except UnicodeDecodeError as exc:
        problem = _("{source}: not UTF-8 text ({reason})").format(source=source, reason=exc.reason)
        raise ScenarioError([problem]) from None
    except OSError as exc:
        problem = _("{source}: cannot read ({reason})").format(source=source, reason=exc.strerror)
        raise ScenarioError([problem]) from None
    return parse_scenario(text, source, overrides)


def parse_scenario(
    text: str, source: str = "<scenario>", overrides: Mapping[str, Any] | None = None
) -> Scenario:
    """Parse, override and validate scenario YAML held in a string."""
    data, lines = read_yaml(text, source)
    if not isinstance(data, dict):
        problem = (
            _("{source}:1: a scenario must be a mapping of keys, got empty")
            if data is None
            else _("{source}:1: a scenario must be a mapping of keys, got a {kind}")
        )
        raise ScenarioError([problem.format(source=source, kind=type(data).__name__)])
    return _validate(data, source, lines, overrides or {})


def derive(
    scenario: Scenario, overrides: Mapping[str, Any], blame: Blame | None = None
) -> Scenario:
    """Return a new scenario: ``scenario`` with dotted-path ``overrides`` applied and validated.

    Args:
        scenario: The scenario to start from; it is not changed.
        overrides: Dotted path -> value, as ``--set`` takes them.
        blame: Where a problem with an override is reported: (path, value) -> a prefix such
            as ``"--set kitchens.k.count=-1"`` (the default).
    """
    data = scenario.model_dump(mode="python", exclude_none=True)
    derived = _validate(
        data, scenario.source or "<scenario>", {}, overrides, blame, check_policies=False
    )
    derived._source = scenario.source  # noqa: SLF001 (provenance carries over)
    return derived


def _validate(
    data: dict[str, Any],
    source: str,
    lines: Lines,
    overrides: Mapping[str, Any],
    blame: Blame | None = None,
    *,
    check_policies: bool = True,
) -> Scenario:
    # ``data`` is the caller's fresh copy (read from YAML, or dumped from a scenario): the
    # overrides are applied to it in place.
    overridden = apply_overrides(data, overrides, blame or set_flag)
    try:
        scenario = Scenario.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ScenarioError(
            locate(err, data, source, lines, overridden) for err in exc.errors()
        ) from None
    scenario._source = source  # noqa: SLF001 (provenance, not part of the scenario's value)
    if check_policies:
        uncertain, unknown = _paths_problems(scenario, "uncertainties", source, lines)
        chosen, levers = _paths_problems(scenario, "levers", source, lines)
        problems = [
            *_policy_problems(scenario, source, lines),
            *uncertain,
            *chosen,
            *_chosen_and_unknown(levers, unknown, source, lines),
            *_sweep_problems(scenario, source, lines),
            *([] if overrides else _label_problems(scenario, source, lines)),
        ]
        if problems:
            raise ScenarioError(problems)
    return scenario


def _label_problems(scenario: Scenario, source: str, lines: Lines) -> list[str]:
    """A label must name something of the file: a typo would silently say nothing.

    Checked on the file as written: ``--set shocks=[]`` may remove what a label names.
    """
    named = {
        *scenario.products,
        *(g.name for g in scenario.kitchens),
        *(b.name for b in scenario.buyers),
        *(shock.name for shock in scenario.shocks),
        *scenario.policies,
    }
    said = _("{name} names no product, kitchen group, buyer, shock or policy of the scenario")
    found = []
    for language, labels in scenario.labels.items():
        for name in (n for n in labels if n not in named):
            line = lines.get(("labels", language, name))
            at = f"{source}:{line}" if line else source
            found.append(f"{at}: labels.{language}.{name}: {said.format(name=repr(name))}")
    return found


def _policy_problems(scenario: Scenario, source: str, lines: Lines) -> list[str]:
    """Every policy must turn the scenario into a valid one: report each that does not."""
    found = []
    for name, overrides in scenario.policies.items():

        def blame(path: str, _value: Any, name: str = name) -> str:
            line = lines.get(("policies", name, path), lines.get(("policies", name)))
            return f"{source}:{line}: policies.{name}" if line else f"{source}: policies.{name}"

        try:
            derive(scenario, overrides, blame)
        except ScenarioError as exc:
            found.extend(exc.problems)
    return found


def _paths_problems(
    scenario: Scenario, section: str, source: str, lines: Lines
) -> tuple[list[str], dict[str, list[str]]]:
    """Every path of ``uncertainties:`` or ``levers:`` must exist and matter.

    Each end of its range must make a valid scenario that differs: in what is simulated, or (a
    lever) in what it costs.

    Returns:
        The problems, and each entry's paths (its ``*`` steps expanded) where they exist.
    """
    found, paths = [], {}
    for dotted, entry in getattr(scenario, section).items():
        where = _where(source, lines, section, dotted)

        def blame(_path: str, _value: Any, where: str = where) -> str:
            return where

        try:
            paths[dotted] = expand(scenario, dotted, where)
            costs = section == "levers"
            check_varies(scenario, paths[dotted], entry.extremes(), where, blame, costs=costs)
        except ScenarioError as exc:
            found.extend(exc.problems)
    return found, paths


def _where(source: str, lines: Lines, section: str, dotted: str) -> str:
    line = lines.get((section, dotted))
    return f"{source}:{line}: {section}.{dotted}" if line else f"{source}: {section}"


def _chosen_and_unknown(
    levers: dict[str, list[str]], unknown: dict[str, list[str]], source: str, lines: Lines
) -> list[str]:
    """A value is chosen or not known, not both: else a search would choose the weather."""
    uncertain = {p for paths in unknown.values() for p in paths}
    found = []
    for dotted, paths in levers.items():
        both = sorted(set(paths) & uncertain)
        if both:
            where = _where(source, lines, "levers", dotted)
            said = _("{where}: {path} is also in uncertainties: a value is chosen or not known")
            found.append(said.format(where=where, path=both[0]))
    return found


def _sweep_problems(scenario: Scenario, source: str, lines: Lines) -> list[str]:
    """Every lever of the sweep must exist, and move what is simulated (or what it costs)."""
    if scenario.sweep is None:
        return []

    def where(dotted: str) -> str:
        line = lines.get(("sweep", "levers", dotted))
        return f"{source}:{line}: sweep.levers.{dotted}" if line else f"{source}: sweep.levers"

    return lever_problems(scenario, scenario.sweep, where)


def lever_problems(scenario: Scenario, sweep: Sweep, where: Callable[[str], str]) -> list[str]:
    """What is wrong with each lever of a sweep, said where ``where(path)`` says it was given."""
    found = []
    for dotted, lever in sweep.levers.items():
        said = where(dotted)

        def blame(_path: str, _value: Any, said: str = said) -> str:
            return said

        values = lever if isinstance(lever, list) else [lever.low, lever.high]
        try:
            check_varies(scenario, [dotted], values, said, blame, costs=True)
        except ScenarioError as exc:
            found.extend(exc.problems)
    return found


def check_varies(
    scenario: Scenario,
    paths: list[str],
    values: list[Any],
    where: str,
    blame: Blame,
    *,
    costs: bool = False,
) -> None:
    """Refuse what an experiment would vary in vain, and values that make no valid scenario.

    In vain: a path that matches nothing, or values that change nothing simulated (the seed,
    the name, a policy, the sections listing what experiments vary); with ``costs``, what a
    candidate costs counts too (a sweep's points are ``cheapest``'s candidates).

    Raises:
        ScenarioError: Naming ``where``.
    """
    if not paths:
        raise ScenarioError([_("{where}: matches nothing in the scenario").format(where=where)])
    made = [derive(scenario, dict.fromkeys(paths, value), blame) for value in values]

    def compared(s: Scenario) -> str:
        cost = s.costs.model_dump_json() if costs and s.costs is not None else ""
        return s.digest() + cost

    if len({compared(s) for s in [scenario, *made]}) == 1:
        problem = _(
            "{where}: changes nothing that is simulated (a scenario's seed, replications, name, "
            "policies and the sections of its experiments are not varied this way)"
        )
        raise ScenarioError([problem.format(where=where)])
