"""MkDocs hook: the command and scenario references, generated from the code at build time.

The command reference is every command's ``--help``; the scenario reference is the scenario's
JSON Schema (``umkm-sim schema``) as tables; the glossary is ``sim/locale/glossary.yaml``, the
terms the Indonesian catalogue is checked against. None is a file in the repository, so none
can drift from what the tool does.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
from typing import Any

import yaml
from mkdocs.structure.files import File, Files

from sim.cli.parser import build_parser
from sim.i18n import LOCALES, set_language
from sim.scenario.schema import Scenario


def on_files(files: Files, config: Any) -> Files:
    """Add the generated pages."""
    for path, content in (
        ("reference/commands.md", commands()),
        ("reference/scenario.md", scenario_reference()),
        ("reference/glossary.md", glossary()),
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


GLOSSARY_INTRO = """\
# Glossary: English and Bahasa Indonesia

Every domain and statistical term umkm-sim says, in both languages, generated from
`sim/locale/glossary.yaml` when this site is built. The same file is what the tests hold the
Indonesian catalogue to (`tests/test_glossary.py`): a message that uses a rejected rendering, or
whose English says a term and whose Indonesian does not say the glossary's word for it, fails.

The words are chosen for the two readers of the tool's answers: an officer of the trade office
(Dinas Perdagangan), who reads reports and decides on programmes, and a cooperative manager, who
runs the warehouse and pays the kitchens. So:

- **the words they already use**: *kuota*, *setoran*, *stok penyangga*, *dana bergulir*,
  *tuas kebijakan* (as Bank Indonesia and the ministries say it), *pos kiriman* (a line of a bill
  of lading), rather than a word-for-word rendering of the statistics;
- **no abbreviation that means something else in an office**: never *SK 95%*, which an official
  reads as *Surat Keputusan*; a 95% confidence interval is a *kisaran 95%*;
- **what a number means, not a metaphor**: *selisih dari kebijakan terbaik*, not *penyesalan*
  (regret); *belum dibayar*, not *tak terbayar*; *kekurangan tidak diganti*, not *kekurangan
  hangus*;
- **one word per concept**, everywhere: the command line, the reports, the figures and the app;
- **what the user writes stays as written**: scenario keys, flags, file names and the names of
  policies (`baseline`, `buffer-stock`) are not translated.
"""


def glossary() -> str:
    """The glossary page: each section of ``sim/locale/glossary.yaml`` as a table."""
    data = yaml.safe_load((LOCALES / "glossary.yaml").read_text(encoding="utf-8"))
    titles = {"domain": "The kitchens, the cooperative and the buyers", "statistics": "Statistics"}
    parts = [GLOSSARY_INTRO]
    for section, entries in data.items():
        parts += [f"## {titles.get(section, section)}", ""]
        parts += ["| English | Bahasa Indonesia | rejected | why |", "|---|---|---|---|"]
        for entry in entries:
            rejected = ", ".join(f"*{r}*" for r in entry.get("rejected", []))
            why = " ".join(str(entry["note"]).split())
            cells = [entry["en"], f"**{entry['id']}**", rejected, why]
            parts.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        parts.append("")
    return "\n".join(parts)
