"""The umkm-sim command as a user runs it: outputs, and bad input answered with exit status 2."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
import yaml

from sim.cli import main

from conftest import ROOT, cli

TINY = """\
name: tiny
horizon_days: 28
products: {p: {shelf_life_days: 10}}
kitchens:
  - {name: k, count: 3, product: p, daily_output: {distribution: poisson, mean: 10}}
buyers:
  - {name: b, every_days: 7, quota: {p: 200}}
"""


def test_run_prints_a_readable_summary_and_writes_every_output(tmp_path, write_yaml):
    """Run --out DIR writes summary.json, shipments.csv, scenario.yaml and stock.png."""
    path = write_yaml(TINY)
    out = tmp_path / "out"
    done = cli("run", path, "--replications", "6", "--workers", "2", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "miss rate" in done.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "scenario.yaml",
        "shipments.csv",
        "stock.png",
        "summary.json",
    ]
    shipments = pd.read_csv(out / "shipments.csv")
    assert {"replication", "buyer", "product", "day", "quota", "shipped", "missed"} <= set(
        shipments.columns
    )
    assert len(shipments) == 6 * 4
    assert (out / "stock.png").read_bytes().startswith(b"\x89PNG")


def test_json_summary_has_the_contracted_shape(write_yaml):
    """--json prints one document: provenance, headline KPIs, per buyer and per product."""
    done = cli("run", write_yaml(TINY), "--replications", "4", "--seed", "7", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["scenario"] == "tiny"
    assert (summary["seed"], summary["replications"], summary["horizon_days"]) == (7, 4, 28)
    assert summary["version"]
    for kpi in ("quota_miss_rate", "fill_rate"):
        assert set(summary[kpi]) == {"mean", "ci95"}
    assert set(summary["buyers"]["b"]["products"]["p"]) >= {"quota_miss_rate", "fill_rate"}
    assert set(summary["products"]["p"]) >= {
        "made",
        "shipped",
        "spoiled",
        "overflow",
        "on_hand_end",
    }


def test_resolved_scenario_reproduces_the_run(tmp_path, write_yaml):
    """Running the written scenario.yaml again gives the same summary (seed included)."""
    first = tmp_path / "first"
    args = ("--replications", "3", "--seed", "5", "--set", "kitchens.k.count=4")
    assert cli("run", write_yaml(TINY), *args, "--out", first).returncode == 0
    again = cli("run", first / "scenario.yaml", "--replications", "3", "--json")
    summary = json.loads((first / "summary.json").read_text())
    repeated = json.loads(again.stdout)
    for key in ("quota_miss_rate", "fill_rate", "products", "buyers", "seed", "scenario_sha256"):
        assert repeated[key] == summary[key]


def test_set_overrides_change_the_run(write_yaml):
    """--set by dotted path, list items by name, changes what is simulated."""
    path = write_yaml(TINY)
    base = json.loads(cli("run", path, "--replications", "3", "--json").stdout)
    more = json.loads(
        cli("run", path, "--replications", "3", "--json", "--set", "kitchens.k.count=6").stdout
    )
    assert more["products"]["p"]["made"]["mean"] > 1.5 * base["products"]["p"]["made"]["mean"]


def test_check_validates_several_files(write_yaml):
    """Check reports ok per good file and every problem of a bad one, with exit status 2."""
    good = write_yaml(TINY, "good.yaml")
    bad = write_yaml(TINY.replace("count: 3", "count: -3"), "bad.yaml")
    assert cli("check", good).returncode == 0
    done = cli("check", good, bad)
    assert done.returncode == 2
    assert f"{good}: ok" in done.stdout
    assert f"{bad}:5: kitchens[k].count: must be >= 0, got -3" in done.stderr


def test_schema_is_a_json_schema_that_accepts_every_shipped_scenario():
    """The printed JSON Schema is valid and accepts the scenarios in scenarios/."""
    done = cli("schema")
    schema = json.loads(done.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        data = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
        jsonschema.validate(data, schema)


def test_python_m_sim_and_the_console_script_are_the_same_command():
    """`umkm-sim` is installed next to the interpreter and answers like `python -m sim`."""
    script = shutil.which("umkm-sim", path=str(Path(sys.executable).parent))
    assert script is not None
    assert (
        cli("--version").stdout
        == __import__("subprocess")
        .run([script, "--version"], capture_output=True, text=True, check=True)
        .stdout
    )


BAD_RUNS = [
    (["run", "missing.yaml"], "missing.yaml: no such file"),
    (["run", "{scenario}", "--replications", "0"], "--replications: must be >= 1, got 0"),
    (["run", "{scenario}", "--workers", "two"], "--workers: must be a whole number"),
    (["run", "{scenario}", "--seed", "-1"], "must be >= 0"),
    (["run", "{scenario}", "--set", "kitchens.k.count"], "expected PATH=VALUE"),
    (["run", "{scenario}", "--set", "kitchens.x.count=2"], "no item named 'x' in kitchens"),
    (["run", "{scenario}", "--set", "kitchens.k.count=-2"], "(--set kitchens.k.count=-2)"),
    (["run", "{bad}"], ":5: kitchens[k].count: must be >= 0, got -3"),
    (["run", "{scenario}", "--out", "{existing}"], "already exists (use --overwrite"),
    (["frobnicate"], "invalid choice"),
]


@pytest.mark.parametrize(("args", "expected"), BAD_RUNS, ids=[e for _, e in BAD_RUNS])
def test_bad_input_exits_2_with_a_clear_message_and_no_traceback(
    args, expected, tmp_path, write_yaml
):
    """Every bad input: one clear message on stderr, exit status 2, no traceback."""
    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "keep.txt").write_text("mine")
    names = {
        "scenario": write_yaml(TINY),
        "bad": write_yaml(TINY.replace("count: 3", "count: -3"), "bad.yaml"),
        "existing": existing,
    }
    done = cli(*[a.format(**names) for a in args], cwd=tmp_path)
    assert done.returncode == 2
    assert expected in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert [p.name for p in existing.iterdir()] == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) <= ["bad.yaml", "existing", "scenario.yaml"]


def test_overwrite_replaces_an_existing_output_folder(tmp_path, write_yaml):
    """--overwrite replaces the folder whole: no stale files remain."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.txt").write_text("old")
    assert (
        main(
            ["run", str(write_yaml(TINY)), "--replications", "2", "--out", str(out), "--overwrite"]
        )
        == 0
    )
    assert not (out / "stale.txt").exists()
    assert (out / "summary.json").exists()
