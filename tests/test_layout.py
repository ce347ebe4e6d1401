"""The tree explains the model: short modules, and every sub-package says what it may import."""

from __future__ import annotations

import ast
import importlib

import pytest

from conftest import ROOT

LAYERS = ["scenario", "engine", "results", "experiments", "inputs", "reporting", "app", "cli"]
MAX_LINES = 400


@pytest.mark.parametrize("path", sorted((ROOT / "sim").rglob("*.py")), ids=lambda p: p.name)
def test_a_long_module_says_why_at_its_top(path):
    """Past ~400 lines a module is usually two concepts: split it, or say why it stays whole."""
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    if lines > MAX_LINES:
        docstring = ast.get_docstring(ast.parse(text)) or ""
        assert "stays whole" in docstring, f"{path} has {lines} lines and no reason at its top"


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_says_what_it_may_import(layer):
    """Each sub-package's docstring names what it may import, and its __all__ is explicit.

    ``sim.experiments`` exports nothing itself (its names are ``sim``'s, imported on first use).
    """
    package = importlib.import_module(f"sim.{layer}")
    assert package.__doc__
    assert "import" in package.__doc__.lower()
    assert isinstance(package.__all__, list)
    if layer not in ("cli", "experiments"):
        assert package.__all__
