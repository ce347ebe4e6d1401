"""MkDocs hook: the command and scenario references, generated from the code at build time.

The command reference is every command's ``--help``; the scenario reference is the scenario's
JSON Schema (``umkm-sim schema``) as tables. Neither is a file in the repository, so neither
can drift from what the tool does.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
from typing import Any

from mkdocs.structure.files import File, Files

from sim.cli.parser import build_parser
from sim.i18n import set_language
from sim.scenario.schema import Scenario


def on_files(files: Files, config: Any) -> Files:
    """Add the two generated pages."""
    for path, content in (
        ("reference/commands.md", commands()),
        ("reference/scenario.md", scenario_reference()),
    ):
        files.append(File.generated(config, path, content=content))
    return files


def commands() -> str:
    """Every command's help, as ``umkm-sim COMMAND --help`` prints it (in English)."""
    set_language("en")
    os.environ["COLUMNS"] = "100"  # argparse wraps to the terminal's width
    parser = build_parser()
    parts = [
        "# Commands",
        "",
        (
            "Every command and flag, as `umkm-sim COMMAND --help` prints it (generated from the "
            "parser when this site is built). Exit status: 0 answered, 1 failed, 2 bad input "
            "(one line per problem, nothing written), 3 answered *no* (a target not met, nothing "
            "surely meets a constraint), 130 interrupted (finished runs are kept: `--resume`)."
        ),
        "",
        "```text",
        _help(parser),
        "```",
    ]
    subcommands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001
    for name, sub in subcommands.choices.items():
        parts += ["", f"## `umkm-sim {name}`", "", "```text", _help(sub), "```"]
    return "\n".join(parts) + "\n"


def _help(parser: Any) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        parser.print_help()
    return out.getvalue().rstrip()


def scenario_reference() -> str:
    """The scenario file's every key, section by section, from its JSON Schema."""
    schema = Scenario.model_json_schema()
    parts = [
        "# Scenario reference",
        "",
        (
            "Every key of a scenario file, generated from its JSON Schema when this site is built "
            "(`umkm-sim schema` prints the schema itself, for editors). Worked examples and the "
            "mechanisms are in [Scenario files](../scenarios.md)."
        ),
        "",
        "## The top level",
        "",
        *_table(schema),
    ]
    for name, definition in sorted(schema.get("$defs", {}).items()):
        if "properties" in definition:
            parts += ["", f"## {name}", "", definition.get("description", "").strip(), ""]
            parts += _table(definition)
    return "\n".join(parts) + "\n"


def _table(definition: dict[str, Any]) -> list[str]:
    required = set(definition.get("required", []))
    rows = ["| key | type | default | what it is |", "|---|---|---|---|"]
    for key, spec in definition["properties"].items():
        default = "required" if key in required else ""
        if "default" in spec:
            default = f"`{spec['default']!r}`"
        what = " ".join(str(spec.get("description", "")).split())
        cells = [f"`{key}`", _type(spec), default, what]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return rows


def _type(spec: dict[str, Any]) -> str:
    """A schema type in a few words: links to the sections of other models."""
    if "$ref" in spec:
        name = spec["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    for key in ("anyOf", "oneOf"):
        if key in spec:
            return " or ".join(dict.fromkeys(_type(s) for s in spec[key]))
    if "enum" in spec:
        return " or ".join(f"`{v}`" for v in spec["enum"])
    kind = spec.get("type", "any")
    if kind == "array":
        return f"list of {_type(spec.get('items', {}))}"
    if kind == "object" and isinstance(spec.get("additionalProperties"), dict):
        return f"mapping to {_type(spec['additionalProperties'])}"
    return str(kind)
