"""Under ``--lang id`` no English sentence is left: each command's output is scanned for it.

The catalogue check (``test_i18n``) fails on a marked string without its translation; this one
fails on a string nobody marked, and on a rendering the glossary rejects ("SK 95%", "pengungkit":
``test_glossary``) wherever it comes from. It looks for English function words ("the", "of",
"with" ...), which no Indonesian sentence uses, after removing what stays as the user wrote it:
key paths, flags, file names and quoted values.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from test_glossary import rejected_in

import sim

from conftest import ROOT, cli

ENGLISH = {
    "the", "of", "and", "with", "is", "are", "was", "each", "every", "which", "what", "how",
    "from", "than", "their", "its", "this", "that", "for", "by", "not", "to", "in", "at", "on",
    "or", "be", "an", "into", "only", "when", "where", "there", "more", "less", "must",
}  # fmt: skip
AS_WRITTEN = re.compile(
    r"'[^']*'"  # a quoted value
    r"|\{[^}]*\}"  # a YAML flow mapping
    r"|--[\w-]+"  # a flag
    r"|[\w*/~]+(?:[./_:-][\w*/~]+)+"  # a key path, a file or a name with its separators
)
BALIKPAPAN = ROOT / "scenarios" / "balikpapan.yaml"
RECORDS = ROOT / "data" / "examples" / "kitchen-records.csv"


def english_in(text: str) -> list[str]:
    """The lines of ``text`` that still hold English words, with those words."""
    text = re.sub(r"<style.*?</style>|data:image/png;base64,[\w+/=]+", " ", text, flags=re.DOTALL)
    text = html.unescape(re.sub(r"<[^>]+>", "\n", text))
    found = []
    for line in text.splitlines():
        words = set(re.findall(r"[A-Za-z]+", AS_WRITTEN.sub(" ", line))) & ENGLISH
        if words:
            found.append(f"{sorted(words)}: {line.strip()}")
    return found


def test_the_scanner_finds_english_and_passes_indonesian():
    """It must be able to fail: an English sentence is caught, its Indonesian one is not."""
    assert english_in("Replication noise is 30% of the variance across points.")
    assert english_in("<p>The figures are in English</p>") == [
        "['are', 'in']: The figures are in English"
    ]
    assert not english_in("Variasi acak antarreplikasi: 30% dari ragam antartitik.")
    assert not english_in("x.yaml:2: kitchens[a].count: harus bilangan bulat, isinya 'the'")


QUIET = ["--quiet", "--workers", "1", "--lang", "id"]
COMMANDS = {
    "run": ["run", BALIKPAPAN, "--replications", "3", *QUIET, "--out", "{out}", "--report"],
    "compare": ["compare", BALIKPAPAN, "--replications", "3", *QUIET, "--out", "{out}", "--report"],
    "select": ["compare", BALIKPAPAN, "--replications", "4", "--select", "subset", *QUIET],
    "cheapest": ["cheapest", BALIKPAPAN, "--replications", "4", *QUIET],
    "fit": ["fit", RECORDS, "--lang", "id"],
    "transit": ["fit", "--transit", ROOT / "data" / "examples" / "shipments.csv", "--lang", "id"],
    "help": ["run", "--help", "--lang", "id"],
    "usage": ["run", BALIKPAPAN, "--resume", "--lang", "id"],
    "bad flag": ["run", BALIKPAPAN, "--replicatoins", "3", "--lang", "id"],
    "bad set": ["run", BALIKPAPAN, "--set", "kitchens.nobody.count=3", "--lang", "id"],
}


@pytest.mark.parametrize("name", COMMANDS)
def test_a_command_in_indonesian_prints_no_english(tmp_path, name):
    """Its standard output and errors, and the report it writes, hold no English sentence.

    Nor a rendering the glossary rejects.
    """
    args = [str(a).replace("{out}", str(tmp_path / "out")) for a in COMMANDS[name]]
    done = cli(*args)
    assert "Traceback" not in done.stderr
    assert english_in(done.stdout + done.stderr) == []
    assert rejected_in(done.stdout + done.stderr) == []
    for page in Path(tmp_path).rglob("report.html"):
        text = page.read_text(encoding="utf-8")
        assert english_in(text) == []
        assert rejected_in(re.sub(r"data:image/png;base64,[\w+/=]+", " ", text)) == []


@pytest.mark.parametrize("command", ["run", "compare"])
def test_names_are_said_by_their_indonesian_labels(tmp_path, command):
    """A product, group, buyer, shock or policy with an ``id`` label is never said as written.

    (Key paths such as ``kitchens.peyek-makers.count`` stay as written: they are what one types.)
    """
    labelled = sim.load_scenario(BALIKPAPAN).labels["id"]
    out = tmp_path / "out"
    args = [command, BALIKPAPAN, "--replications", "3", *QUIET, "--out", out, "--report"]
    done = cli(*map(str, args))
    assert done.returncode == 0, done.stderr
    page = html.unescape(re.sub(r"<[^>]+>", "\n", (out / "report.html").read_text("utf-8")))
    for text in (done.stdout, page):
        bare = re.sub(r"[\w*/~-]+(?:\.[\w*/~-]+)+", " ", text)  # key paths and files stay
        said_as_written = {n for n in labelled if re.search(rf"(?<![\w.-]){n}(?![\w.-])", bare)}
        assert said_as_written == set()
        assert any(label in text for label in labelled.values())
