"""YAML in and out: safe, bounded reading with the line of every key, and compact writing.

Nothing in a file is executed (only ``yaml.SafeLoader``), and nothing is built past the bounds
of ``sim.scenario.limits``: size, nesting depth, and values after aliases are expanded.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from sim.i18n import _, number
from sim.scenario.fields import Path
from sim.scenario.limits import MAX_DEPTH, MAX_DIGITS, MAX_FILE_BYTES, MAX_VALUES
from sim.scenario.messages import Lines, ScenarioError
from sim.scenario.schema import Scenario


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


# libyaml, where the PyYAML wheel has it, reads ten times faster than pure Python: a file of a
# hundred thousand kitchen groups is checked in seconds.
_Base = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """The safe loader, with three exceptions for the schema's sake.

    An impossible date or an integer of thousands of digits stays text for the schema to report,
    and ``1e9`` is a number (YAML 1.1 would read it as text for want of a dot).
    """

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        # Python refuses to read integers of over 4,300 digits: keep such text for the schema
        # to report, as it does any value that is not a number it accepts.
        if len(node.value) > MAX_DIGITS:
            return self.construct_scalar(node)
        return super().construct_yaml_int(node)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # 2027-13-01 looks like a date to YAML but is none
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


class _TooBigError(Exception):
    """A document past one of the bounds of ``sim.scenario.limits``."""

    def __init__(self, mark: Any, what: str) -> None:
        super().__init__(what)
        self.line = mark.line + 1 if mark is not None else 1
        self.what = what


def read_yaml(text: str, source: str) -> tuple[Any, Lines]:
    """Read YAML safely and within bounds; return the data and the line of every key and item.

    Raises:
        ScenarioError: Not YAML; too large, too deep, or expanding to too many values through
            aliases; a key that is not a plain value; a duplicate key.
    """
    if len(text) > MAX_FILE_BYTES:
        problem = _("{source}: {count} characters; a scenario may have at most {most}")
        raise ScenarioError(
            [problem.format(source=source, count=number(len(text)), most=number(MAX_FILE_BYTES))]
        )
    try:
        return _read_yaml(text, source)
    except _TooBigError as exc:
        problem = _("{source}:{line}: too large to read: {what}")
        raise ScenarioError([problem.format(source=source, line=exc.line, what=exc.what)]) from None


def _scan(text: str) -> bool:
    """Refuse nesting past ``MAX_DEPTH`` and values past ``MAX_VALUES``, before composing.

    Composing is recursive (in Python or in C): a document a thousand levels deep must never
    reach it. Return whether the document uses aliases (only then can it grow past its size).
    """
    depth, aliases = 0, False
    for values, event in enumerate(yaml.parse(text, Loader=_Base), 1):
        if values > MAX_VALUES:  # a plain file too large to build, refused before it is built
            what = _("more than {most} values").format(most=number(MAX_VALUES))
            raise _TooBigError(event.start_mark, what)
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                what = _("nested deeper than {depth} levels").format(depth=MAX_DEPTH)
                raise _TooBigError(event.start_mark, what)
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases = True
    return aliases


def _read_yaml(text: str, source: str) -> tuple[Any, Lines]:
    loader = None
    try:
        aliases = _scan(text)
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            return None, {}
        if aliases:
            _count_values(node)
        lines: Lines = {}
        _check_and_index(node, (), lines, source, set())
        return loader.construct_document(node), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or exc.context or _("cannot be read")  # PyYAML's words: English
        problem = _("{source}:{line}: YAML syntax error: {what}")
        raise ScenarioError([problem.format(source=source, line=line, what=what)]) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        what = (
            _("character #x{code}").format(code=f"{exc.character:04x}")
            if isinstance(exc.character, int)
            else _("character #x{code}").format(code=f"{ord(text[exc.position]):04x}")
            if exc.position < len(text)
            else _("a character")
        )
        problem = _("{source}:{line}: YAML syntax error: {what} is not allowed")
        raise ScenarioError([problem.format(source=source, line=line, what=what)]) from None
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
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                problem = _("{source}:{line}: a key must be a plain name, not a list or mapping")
                raise ScenarioError([problem.format(source=source, line=line)])
            key = key_node.value
            if key in first_line:
                problem = _("{source}:{line}: duplicate key {key} (first at line {first})")
                raise ScenarioError(
                    [problem.format(source=source, line=line, key=repr(key), first=first_line[key])]
                )
            first_line[key] = line
            lines[(*path, key)] = line
            _check_and_index(value_node, (*path, key), lines, source, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = item.start_mark.line + 1
            _check_and_index(item, (*path, i), lines, source, seen)


def _count_values(root: yaml.Node) -> None:
    """Refuse a document whose aliases expand it past ``MAX_VALUES`` values (a YAML bomb).

    Counts each node once per place it appears, without expanding anything: a node's count is
    1 + its children's, worked out once per node (children first, without recursion).
    """
    counts: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in counts and not children_done:
            continue
        children = _children(node)
        if not children_done:
            counts[id(node)] = -1  # in progress: meeting it again below means a cycle
            stack.append((node, True))
            for child in children:
                if counts.get(id(child)) == -1:
                    what = _("an alias refers to a value that holds it")
                    raise _TooBigError(child.start_mark, what)
                if id(child) not in counts:
                    stack.append((child, False))
            continue
        counts[id(node)] = 1 + sum(counts[id(c)] for c in children)
        if counts[id(node)] > MAX_VALUES:
            what = _("more than {most} values, counting aliases where used")
            raise _TooBigError(node.start_mark, what.format(most=number(MAX_VALUES)))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []
