"""The project carries its own domain notes, docs/domain.md, and cites only them.

Scenario comments, the README and the code name the facts they rest on by section ("domain
notes §8"; in scenario comments "domain §8"). Every section so named must be a heading of
docs/domain.md, and no file may point to notes outside the repository, which no user has.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

NOTES = ROOT / "docs" / "domain.md"
OUTSIDE = ".." + "/shared"  # in two parts, so that this file does not contain it
SECTION = r"§\d+[a-z]?(?:\.\d+)?"  # §0, §3a, §7b, §9.8, §10
HEADING = re.compile(rf"^#{{1,6}}\s+({SECTION})(?=\s|$)", re.MULTILINE)
CITATION = re.compile(
    rf"\bdomain(?:\.md| notes)? ?({SECTION}(?:(?:,| and| or)\s*{SECTION})*)", re.IGNORECASE
)


def headings(text: str) -> set[str]:
    """The section numbers (``"3a"``, ``"9.8"``) of a Markdown text's ``§`` headings."""
    return {match.lstrip("§") for match in HEADING.findall(text)}


def citations(text: str) -> set[str]:
    """The section numbers a text cites as "domain §X", "domain notes §X, §Y" or "domain.md §X"."""
    return {
        number.lstrip("§")
        for chain in CITATION.findall(text)
        for number in re.findall(SECTION, chain)
    }


def tracked_texts() -> dict[str, str]:
    """Every file git tracks in the repository that reads as text (binary files left out)."""
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: no list of tracked files")
    listed = subprocess.run(
        [git, "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    texts = {}
    for name in filter(None, listed.split("\0")):
        path = ROOT / name
        if name.startswith(".venv/") or not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue
        try:
            texts[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return texts


def cited_files() -> list[Path]:
    """The files whose domain citations are checked: the scenarios, README and documentation."""
    pages = [p for p in sorted((ROOT / "docs").glob("*.md")) if p.name != "domain.md"]
    return [*sorted((ROOT / "scenarios").glob("*.yaml")), ROOT / "README.md", *pages]


def test_the_notes_number_their_sections_as_they_are_cited():
    """docs/domain.md has the sections the project cites, down to sub-sections like §9.8."""
    found = headings(NOTES.read_text(encoding="utf-8"))
    assert {"0", "1", "3a", "3f", "7b", "8", "9", "9.8", "10"} <= found


def test_no_tracked_file_points_outside_the_repository():
    """No tracked text file names notes outside the repository (as the old shared notes were)."""
    texts = tracked_texts()
    assert "README.md" in texts
    offenders = [name for name, text in texts.items() if OUTSIDE in text]
    assert not offenders, f"{OUTSIDE} is outside the repository; cite docs/domain.md: {offenders}"


@pytest.mark.parametrize("path", cited_files(), ids=lambda p: p.name)
def test_every_domain_citation_names_a_section_of_the_notes(path):
    """Each "domain §X" in a scenario, the README or a page is a heading of docs/domain.md."""
    sections = headings(NOTES.read_text(encoding="utf-8"))
    missing = citations(path.read_text(encoding="utf-8")) - sections
    assert not missing, f"{path.name} cites sections docs/domain.md lacks: {sorted(missing)}"


def test_the_default_scenario_and_the_documentation_do_cite_the_notes():
    """The check above has something to check: the citations are found where they are made."""
    assert {"3a", "3d", "8", "9.8"} <= citations(
        (ROOT / "scenarios" / "balikpapan.yaml").read_text(encoding="utf-8")
    )
    documentation = " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))
    assert {"7b", "8"} <= citations(documentation)


def test_a_citation_of_a_missing_section_would_be_caught():
    """The parsing finds every number of a citation, so a wrong one cannot slip through."""
    notes = "# Notes\n\n## §3 Causes\n\n### §3a Crab\n\n### §9.8 Cash\n\n§4 in prose\n"
    assert headings(notes) == {"3", "3a", "9.8"}
    text = (
        "x: 1   # crab (domain §3a, §8)\n"
        "# fund (Domain §9.8: 30 days) and [domain notes §12](docs/domain.md)\n"
        "see docs/domain.md §3 and §7b.\n"
    )
    assert citations(text) == {"3a", "8", "9.8", "12", "3", "7b"}
    assert citations(text) - headings(notes) == {"8", "12", "7b"}
