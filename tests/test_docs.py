"""The documentation site builds, strict: no warning, no broken link, references generated."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT

pytest.importorskip("mkdocs", reason="the docs extra: pip install 'umkm-sim[docs]'")


def test_the_site_builds_strict_with_the_references_generated(tmp_path):
    """``mkdocs build --strict``; the command and scenario references hold today's names."""
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=os.environ | {"NO_MKDOCS_2_WARNING": "1"},
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "WARNING" not in done.stderr, done.stderr[-3000:]
    commands = (tmp_path / "reference" / "commands" / "index.html").read_text()
    assert "umkm-sim optimize" in commands
    assert "--evaluations" in commands
    scenario = (tmp_path / "reference" / "scenario" / "index.html").read_text()
    assert "levers" in scenario
    assert "uncertainties" in scenario
    api = (tmp_path / "reference" / "api" / "index.html").read_text()
    assert "Search the levers" in api  # sim.optimize's docstring
    glossary = (tmp_path / "reference" / "glossary" / "index.html").read_text()
    assert "pos kiriman" in glossary  # sim/locale/glossary.yaml, as a table
    assert "<em>pengungkit</em>" in glossary  # a rejected rendering
