"""Shared helpers: small scenarios built in code, and running the command line."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import sim

ROOT = Path(__file__).resolve().parent.parent

BASE: dict[str, Any] = {
    "name": "tiny",
    "horizon_days": 21,
    "products": {"p": {}},
    "kitchens": [
        {
            "name": "k",
            "count": 1,
            "product": "p",
            "daily_output": {"distribution": "constant", "value": 10},
        }
    ],
    "buyers": [{"name": "b", "every_days": 7, "quota": {"p": 70}}],
}


def scenario(overrides: dict[str, Any] | None = None, **top: Any) -> sim.Scenario:
    """Return the tiny scenario with top-level keys replaced and dotted-path overrides."""
    data = copy.deepcopy(BASE) | top
    return sim.derive(sim.Scenario.model_validate(data), overrides or {})


def cli(
    *args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m sim ARGS`` as a user would; return the finished process.

    ``env``: variables to set (or, given as ``""``, to remove) in the process's environment.
    """
    environment = {k: v for k, v in (os.environ | (env or {})).items() if v != ""}
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        check=False,
        timeout=300,
    )


@pytest.fixture
def write_yaml(tmp_path: Path):
    """Write YAML text to a file in a temporary folder; return its path."""

    def write(text: str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
