"""The worked examples of the README and the documentation are run, and must print what is shown.

Each ```text block that starts with ``$ umkm-sim ...`` is a command and what it prints: the
command is run from a copy of the repository's scenarios and data, and every line shown must be
printed, in order; a line ``...`` stands for any number of lines. So an example cannot drift
from the tool. They run in one test, in page order: ``discover`` reads what ``explore`` wrote.
"""

from __future__ import annotations

import re
import shlex
import shutil

from conftest import ROOT, cli

BLOCK = re.compile(r"```text\n(\$ umkm-sim .*?)```", re.DOTALL)


PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def examples() -> list[tuple[str, str, list[str]]]:
    """Each example of the README and the documentation: its page, command and lines shown.

    An example shown on two pages alike is run once.
    """
    found: dict[tuple[str, tuple[str, ...]], str] = {}
    for page in PAGES:
        for block in BLOCK.findall(page.read_text(encoding="utf-8")):
            lines = block.rstrip("\n").split("\n")
            command = lines.pop(0)[2:]
            while command.endswith("\\"):
                command = command[:-1] + lines.pop(0).strip()
            found.setdefault((command, tuple(lines)), page.name)
    return [(page, command, list(lines)) for (command, lines), page in found.items()]


def shown_in_order(shown: list[str], printed: list[str]) -> str | None:
    """Whether every shown line is printed, in order (``...``: any lines); the first missing."""
    at = 0
    loose = False
    for line in shown:
        if line.strip() == "...":
            loose = True
            continue
        while at < len(printed) and printed[at].rstrip() != line.rstrip():
            if not loose:
                return line
            at += 1
        if at == len(printed):
            return line
        at += 1
        loose = False
    return None


def test_every_worked_example_prints_what_it_shows(tmp_path):
    """Run each as shown, in page order, in one folder (a page may read what another wrote).

    Every example runs even after one fails: the failures are said together.
    """
    for name in ("scenarios", "data"):
        shutil.copytree(ROOT / name, tmp_path / name)
    drifted = []
    for page, command, lines in examples():
        if "scenarios/x.yaml" in command:  # a made-up broken file, shown for its messages
            continue
        done = cli(*shlex.split(command)[1:], cwd=tmp_path)
        if done.returncode not in (0, 3):
            drifted.append(f"{page}: {command}\n  exit {done.returncode}: {done.stderr[-500:]}")
            continue
        missing = shown_in_order(lines, done.stdout.splitlines())
        if missing is not None:
            drifted.append(f"{page}: {command}\n  shows a line it does not print: {missing}")
    assert drifted == [], "\n".join(drifted)


def test_the_matcher_finds_a_line_that_is_not_printed():
    """The comparison itself: order, gaps only at ``...``, a changed line caught."""
    printed = ["a", "b", "c", "d"]
    assert shown_in_order(["a", "...", "d"], printed) is None
    assert shown_in_order(["a", "b"], printed) is None
    assert shown_in_order(["a", "c"], printed) == "c"
    assert shown_in_order(["a", "...", "x"], printed) == "x"
    assert shown_in_order(["b", "a"], printed) == "b"
