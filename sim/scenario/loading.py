"""Read scenario files: safe YAML with line numbers, overrides applied, then validated.

Every problem is reported as ``file:line: key.path: what was expected, got what`` so a user can
go straight to it. Nothing in a file is executed: only ``yaml.SafeLoader`` is used.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path as FilePath
from typing import Any

import pydantic
import yaml

from sim.scenario.fields import Path
from sim.scenario.messages import Lines, ScenarioError, locate
from sim.scenario.overrides import Blame, apply_overrides, set_flag
from sim.scenario.schema import Scenario


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
        raise ScenarioError([f"{source}: no such file"]) from None
    except IsADirectoryError:
        raise ScenarioError([f"{source}: is a directory, expected a scenario file"]) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError([f"{source}: not UTF-8 text ({exc.reason})"]) from None
    except OSError as exc:
        raise ScenarioError([f"{source}: cannot read ({exc.strerror})"]) from None
    return parse_scenario(text, source, overrides)


def parse_scenario(
    text: str, source: str = "<scenario>", overrides: Mapping[str, Any] | None = None
) -> Scenario:
    """Parse, override and validate scenario YAML held in a string."""
    data, lines = _read_yaml(text, source)
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise ScenarioError([f"{source}:1: a scenario must be a mapping of keys, got {kind}"])
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


def to_yaml(scenario: Scenario) -> str:
    """Return the scenario as YAML that loads back to an equal scenario."""
    return yaml.dump(
        scenario.model_dump(mode="python", exclude_none=True),
        Dumper=_CompactDumper,
        sort_keys=False,
        allow_unicode=True,
    )


class _CompactDumper(yaml.SafeDumper):
    """Write short lists of plain values on one line: ``working_days: [mon, tue]``."""

    def represent_list(self, data: list[Any]) -> yaml.Node:  # type: ignore[override]
        flow = all(isinstance(v, str | int | float) for v in data)
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_CompactDumper.add_representer(list, _CompactDumper.represent_list)


# --- YAML with line numbers ----------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """The safe loader, except that an impossible date stays text for the schema to report."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # 2027-13-01 looks like a date to YAML but is none
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def _read_yaml(text: str, source: str) -> tuple[Any, Lines]:
    loader = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: Lines = {}
        _check_and_index(node, (), lines, source, set())
        return loader.construct_document(node), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or exc.context or "cannot be read"
        raise ScenarioError([f"{source}:{line}: YAML syntax error: {what}"]) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise ScenarioError(
            [f"{source}:{line}: YAML syntax error: character #x{exc.character:04x} is not allowed"]
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


def _check_and_index(
    node: yaml.Node, path: Path, lines: Lines, source: str, seen: set[int]
) -> None:
    """Record the line of every key and list item; reject duplicate keys."""
    if id(node) in seen:  # an alias: already indexed, and never walk a YAML bomb twice
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in first_line:
                raise ScenarioError(
                    [f"{source}:{line}: duplicate key {key!r} (first at line {first_line[key]})"]
                )
            first_line[key] = line
            lines[(*path, key)] = line
            _check_and_index(value_node, (*path, key), lines, source, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = item.start_mark.line + 1
            _check_and_index(item, (*path, i), lines, source, seen)


# --- validation ----------------------------------------------------------


def _validate(
    data: dict[str, Any],
    source: str,
    lines: Lines,
    overrides: Mapping[str, Any],
    blame: Blame | None = None,
    *,
    check_policies: bool = True,
) -> Scenario:
    data = copy.deepcopy(data)
    overridden = apply_overrides(data, overrides, blame or set_flag)
    try:
        scenario = Scenario.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ScenarioError(
            locate(err, data, source, lines, overridden) for err in exc.errors()
        ) from None
    scenario._source = source  # noqa: SLF001 (provenance, not part of the scenario's value)
    if check_policies:
        _check_policies(scenario, source, lines)
    return scenario


def _check_policies(scenario: Scenario, source: str, lines: Lines) -> None:
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
    if found:
        raise ScenarioError(found)


# pydantic error type -> what to say; ``{got}`` is the offending value as written.
