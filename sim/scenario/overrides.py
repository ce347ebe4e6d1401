"""Dotted-path overrides (``kitchens.peyek-makers.count=12``): how variants are made.

List items are found by their ``name``. These functions edit plain data; validation is the
loader's.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from sim.i18n import _
from sim.scenario.fields import Path
from sim.scenario.limits import MAX_SHOWN
from sim.scenario.messages import ScenarioError, join, printable, show
from sim.scenario.schema import Scenario
from sim.scenario.yamlio import read_yaml

Blame = Callable[[str, Any], str]


def set_flag(path: str, value: Any) -> str:
    """Blame a command-line override: ``--set PATH=VALUE``."""
    return f"--set {printable(path[:MAX_SHOWN])}={show(value)}"


def parse_assignment(text: str) -> tuple[str, Any]:
    """Split a ``PATH=VALUE`` command-line assignment; the value is read as YAML.

    Raises:
        ScenarioError: There is no ``=``, or the value is not valid YAML.
    """
    path, sep, raw = text.partition("=")
    if not sep or not path.strip():
        problem = _("--set {text}: expected PATH=VALUE, e.g. kitchens.NAME.count=12")
        raise ScenarioError([problem.format(text=text)])
    value, __ = read_yaml(raw, f"--set {show(text)}")
    return path.strip(), value


def apply_overrides(
    data: dict[str, Any], overrides: Mapping[str, Any], blame: Blame
) -> dict[Path, str]:
    """Set each dotted path in ``data`` (in place); return resolved path -> who to blame."""
    resolved: dict[Path, str] = {}
    for dotted, value in overrides.items():
        given = blame(dotted, value)
        path = resolve(data, dotted, given)
        target: Any = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = copy.deepcopy(value)
        resolved[path] = given
    return resolved


def read_value(scenario: Scenario, dotted: str) -> Any:
    """Return the value at a dotted path (list items by name), e.g. a lever's current value.

    Raises:
        ScenarioError: The path does not lead to a value.
    """
    data = scenario.model_dump(mode="python")
    node: Any = data
    for step in resolve(data, dotted, dotted, create=False):
        node = node[step]
    return node


def resolve(data: dict[str, Any], dotted: str, given: str, *, create: bool = True) -> Path:
    """Turn ``kitchens.peyek-makers.count`` into ``("kitchens", 0, "count")``.

    Missing mappings on the way are created (unless ``create`` is false), so an optional
    section can be set.
    """
    steps = dotted.split(".")
    if any(not step for step in steps):
        raise ScenarioError([_("{given}: empty step in the path").format(given=given)])
    path: list[str | int] = []
    node: Any = data
    for depth, step in enumerate(steps):
        last = depth == len(steps) - 1
        if isinstance(node, list):
            index = _find_item(node, step)
            if index is None:
                names = [i.get("name") for i in node if isinstance(i, dict)]
                where = ".".join(map(str, path))
                problem = _("{given}: no item named {step} in {where} (names: {names})")
                raise ScenarioError(
                    [problem.format(given=given, step=show(step), where=where, names=join(names))]
                )
            path.append(index)
            node = node[index]
        elif isinstance(node, dict):
            if step not in node and not create:
                problem = _("{given}: no {step} here (keys: {keys})")
                raise ScenarioError([problem.format(given=given, step=show(step), keys=join(node))])
            path.append(step)
            if step not in node and not last:
                node[step] = {}
            node = node.get(step)
        else:
            where = ".".join(steps[:depth])
            where = printable(where[:MAX_SHOWN])
            problem = _("{given}: {where} is a single value, it has no {step}")
            raise ScenarioError([problem.format(given=given, where=where, step=show(step))])
    return tuple(path)


def _find_item(items: list[Any], step: str) -> int | None:
    for i, item in enumerate(items):
        if isinstance(item, dict) and item.get("name") == step:
            return i
    if step.isdigit() and int(step) < len(items):
        return int(step)
    return None


def expand(scenario: Scenario, dotted: str, given: str) -> list[str]:
    """Return the paths a path with ``*`` steps stands for: every list item, by name.

    ``kitchens.*.absence.fraction`` -> ``kitchens.peyek-makers.absence.fraction``, ... A path
    without ``*`` stands for itself.

    Raises:
        ScenarioError: A ``*`` where there is no list (or mapping) to go through.
    """
    if "*" not in dotted.split("."):
        return [dotted]
    data = scenario.model_dump(mode="python")
    found: list[str] = []
    pending: list[tuple[list[str], Any, list[str]]] = [([], data, dotted.split("."))]
    while pending:
        done, node, rest = pending.pop()
        if not rest:
            found.append(".".join(done))
            continue
        step, rest = rest[0], rest[1:]
        if step != "*":
            child = node.get(step) if isinstance(node, dict) else None
            pending.append(([*done, step], child, rest))
        elif isinstance(node, list):
            names = [
                str(i.get("name", n)) if isinstance(i, dict) else str(n) for n, i in enumerate(node)
            ]
            pending += [([*done, name], item, rest) for name, item in zip(names, node, strict=True)]
        elif isinstance(node, dict):
            pending += [([*done, str(key)], value, rest) for key, value in node.items()]
        else:
            where = printable(".".join(done)[:MAX_SHOWN]) or _("the scenario")
            problem = _("{given}: * needs a list or mapping at {where}")
            raise ScenarioError([problem.format(given=given, where=where)])
    return sorted(found)
