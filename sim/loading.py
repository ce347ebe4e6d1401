"""Read scenario files: safe YAML with line numbers, dotted-path overrides, located errors.

Every problem is reported as ``file:line: key.path: what was expected, got what`` so a user can
go straight to it. Nothing in a file is executed: only ``yaml.SafeLoader`` is used.
"""

from __future__ import annotations

import copy
import difflib
import typing
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path as FilePath
from typing import Any

import pydantic
import yaml

from sim.scenario import Path, Scenario

Lines = dict[Path, int]
Blame = Callable[[str, Any], str]


class ScenarioError(Exception):
    """A scenario that cannot be used; ``problems`` are user-facing, one per line."""

    def __init__(self, problems: Iterable[str]) -> None:
        """Collect the problems; the message is all of them, one per line."""
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


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


def set_flag(path: str, value: Any) -> str:
    """Blame a command-line override: ``--set PATH=VALUE``."""
    return f"--set {path}={_show(value)}"


def parse_assignment(text: str) -> tuple[str, Any]:
    """Split a ``PATH=VALUE`` command-line assignment; the value is read as YAML.

    Raises:
        ScenarioError: There is no ``=``, or the value is not valid YAML.
    """
    path, sep, raw = text.partition("=")
    if not sep or not path.strip():
        raise ScenarioError([f"--set {text}: expected PATH=VALUE, e.g. kitchens.NAME.count=12"])
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        raise ScenarioError([f"--set {text}: the value is not valid YAML"]) from None
    return path.strip(), value


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


# --- overrides ------------------------------------------------------------------------------


def _apply_overrides(
    data: dict[str, Any], overrides: Mapping[str, Any], blame: Blame
) -> dict[Path, str]:
    """Set each dotted path in ``data`` (in place); return resolved path -> who to blame."""
    resolved: dict[Path, str] = {}
    for dotted, value in overrides.items():
        given = blame(dotted, value)
        path = _resolve(data, dotted, given)
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
    for step in _resolve(data, dotted, dotted, create=False):
        node = node[step]
    return node


def _resolve(data: dict[str, Any], dotted: str, given: str, *, create: bool = True) -> Path:
    """Turn ``kitchens.peyek-makers.count`` into ``("kitchens", 0, "count")``.

    Missing mappings on the way are created (unless ``create`` is false), so an optional
    section can be set.
    """
    steps = dotted.split(".")
    if any(not step for step in steps):
        raise ScenarioError([f"{given}: empty step in the path"])
    path: list[str | int] = []
    node: Any = data
    for depth, step in enumerate(steps):
        last = depth == len(steps) - 1
        if isinstance(node, list):
            index = _find_item(node, step)
            if index is None:
                names = [i.get("name") for i in node if isinstance(i, dict)]
                where = ".".join(map(str, path))
                raise ScenarioError(
                    [f"{given}: no item named {step!r} in {where} (names: {_join(names)})"]
                )
            path.append(index)
            node = node[index]
        elif isinstance(node, dict):
            if step not in node and not create:
                known = ", ".join(map(str, node)) or "none"
                raise ScenarioError([f"{given}: no {step!r} here (keys: {known})"])
            path.append(step)
            if step not in node and not last:
                node[step] = {}
            node = node.get(step)
        else:
            where = ".".join(steps[:depth])
            raise ScenarioError([f"{given}: {where} is a single value, it has no {step!r}"])
    return tuple(path)


def _find_item(items: list[Any], step: str) -> int | None:
    for i, item in enumerate(items):
        if isinstance(item, dict) and item.get("name") == step:
            return i
    if step.isdigit() and int(step) < len(items):
        return int(step)
    return None


# --- validation and error messages ----------------------------------------------------------


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
    overridden = _apply_overrides(data, overrides, blame or set_flag)
    try:
        scenario = Scenario.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ScenarioError(
            _locate(err, data, source, lines, overridden) for err in exc.errors()
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


def validation_problems(exc: pydantic.ValidationError, data: Any, prefix: str) -> list[str]:
    """Describe a pydantic error in our words: ``prefix: key.path: what was expected``."""
    found = []
    for err in exc.errors():
        _, shown = _raw_path(err["loc"], data)
        found.append(f"{prefix}: {shown + ': ' if shown else ''}{_describe(err, err['loc'])}")
    return found


def _locate(
    err: Any, data: dict[str, Any], source: str, lines: Lines, overridden: dict[Path, str]
) -> str:
    loc = err["ctx"]["path"] if err["type"] == "inconsistent" else err["loc"]
    raw_path, shown = _raw_path(loc, data)
    where = source
    for path, given in overridden.items():
        if raw_path[: len(path)] == path:
            where = given
            break
    else:
        line = _nearest_line(raw_path, lines)
        if line is not None:
            where = f"{source}:{line}"
    prefix = f"{where}: {shown}: " if shown else f"{where}: "
    return prefix + _describe(err, loc)


def _raw_path(loc: Iterable[str | int], data: Any) -> tuple[Path, str]:
    """Return the path into the raw data and its readable form, e.g. ``kitchens[a].count``.

    Steps that are not in the data (the tag pydantic adds for a discriminated union) are
    skipped; list items are shown by their ``name`` where they have one.
    """
    raw: list[str | int] = []
    shown = ""
    node = data
    for step in loc:
        if isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
            name = node.get("name") if isinstance(node, dict) else None
            shown += f"[{name}]" if isinstance(name, str) else f"[{step}]"
        elif isinstance(node, dict) and not (step == node.get("distribution") and step not in node):
            node = node.get(step)  # None for a missing key, which is then the last step
            shown += f".{step}" if shown else str(step)
        else:
            continue
        raw.append(step)
    return tuple(raw), shown


def _nearest_line(path: Path, lines: Lines) -> int | None:
    for depth in range(len(path), 0, -1):
        if path[:depth] in lines:
            return lines[path[:depth]]
    return 1 if lines else None


_BOUNDS = {
    "greater_than_equal": (">=", "ge"),
    "greater_than": (">", "gt"),
    "less_than_equal": ("<=", "le"),
    "less_than": ("<", "lt"),
}

# pydantic error type -> what to say; ``{got}`` is the offending value as written.
_MESSAGES = {
    "missing": "required key is missing",
    "union_tag_not_found": "needs a 'distribution' key (poisson, normal, gamma, ...)",
    "literal_error": "must be one of {expected}, {got}",
    "int_type": "must be a whole number, {got}",
    "int_from_float": "must be a whole number, {got}",
    "float_type": "must be a finite number, {got}",
    "finite_number": "must be a finite number, {got}",
    "string_type": "must be text, {got}",
    "bool_type": "must be true or false, {got}",
    "date_type": "must be a date like 2027-01-04, {got}",
    "dict_type": "must be a mapping of keys, {got}",
    "model_type": "must be a mapping of keys, {got}",
    "model_attributes_type": "must be a mapping of keys, {got}",
    "list_type": "must be a list, {got}",
    "string_pattern_mismatch": "names may hold only letters, digits, '-' and '_', {got}",
    "too_short": "must have at least {min_length} item(s), {got}",
    "too_long": "is too long (at most {max_length}), {got}",
    "string_too_long": "is too long (at most {max_length}), {got}",
}


def _describe(err: Any, loc: tuple[str | int, ...]) -> str:
    kind: str = err["type"]
    ctx: dict[str, Any] = err.get("ctx", {})
    got = f"got {_show(err.get('input'))}"
    if kind in _BOUNDS:
        op, bound = _BOUNDS[kind]
        return f"must be {op} {_show(ctx[bound])}, {got}"
    if kind == "extra_forbidden":
        return _unknown_key(loc)
    if kind == "union_tag_invalid":
        return f"unknown distribution {ctx['tag']!r} (expected one of: {ctx['expected_tags']})"
    if kind in {"inconsistent", "value_error", "assertion_error"}:
        return str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind in _MESSAGES:
        return _MESSAGES[kind].format(got=got, **ctx)
    return f"{err['msg']}, {got}"


def _unknown_key(loc: tuple[str | int, ...]) -> str:
    key = loc[-1]
    allowed = _allowed_keys(loc[:-1])
    if not allowed:
        return f"unknown key {key!r}"
    close = difflib.get_close_matches(str(key), allowed, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown key {key!r} ({hint}expected one of: {', '.join(allowed)})"


def _allowed_keys(loc: tuple[str | int, ...]) -> list[str]:
    """Return the keys the schema accepts at ``loc`` (following the discriminator tag)."""
    annotation: Any = Scenario
    for step in loc:
        annotation = _unwrap(annotation, step)
        if annotation is None:
            return []
    annotation = _unwrap(annotation, None)
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return [f.alias or name for name, f in annotation.model_fields.items()]
    return []


def _unwrap(annotation: Any, step: str | int | None) -> Any:  # noqa: PLR0911 (one per kind of type)
    """Follow one step of ``loc`` through a type: fields, list items, dict values, unions."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0], step)
    if origin in (typing.Union, type(int | str)):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        for member in members:  # a discriminated union: the step is the tag
            fields = getattr(member, "model_fields", {})
            tag = fields.get("distribution")
            if tag is not None and step in typing.get_args(tag.annotation):
                return member
        return _unwrap(members[0], step) if len(members) == 1 else None
    if step is None:
        return annotation
    if origin is list:
        return typing.get_args(annotation)[0]
    if origin is dict:
        return typing.get_args(annotation)[1]
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        field = annotation.model_fields.get(str(step))
        return field.annotation if field else None
    return None


def _show(value: Any, limit: int = 60) -> str:
    """Show a value the way the user wrote it, shortened if long."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _join(names: Iterable[Any]) -> str:
    return ", ".join(str(n) for n in names) or "none"
