"""The umkm-sim command as a user runs it: outputs, and bad input answered with exit status 2."""

from __future__ import annotations

import builtins
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
    """Run --out DIR writes the summary, its flat tables, the scenario and the figures."""
    path = write_yaml(TINY)
    out = tmp_path / "out"
    done = cli("run", path, "--replications", "6", "--workers", "2", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "miss rate" in done.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "estimates.csv",
        "kpis.csv",
        "miss_rates.png",
        "products.csv",
        "runs.sqlite",
        "scenario.yaml",
        "shipments.csv",
        "shortfall.png",
        "stock.png",
        "summary.json",
    ]
    shipments = pd.read_csv(out / "shipments.csv")
    assert {"replication", "buyer", "product", "day", "quota", "shipped", "missed"} <= set(
        shipments.columns
    )
    kpis = pd.read_csv(out / "kpis.csv")
    assert len(kpis) == 6 * len(kpis.groupby(["buyer", "product"]))  # a row per replication
    estimates = pd.read_csv(out / "estimates.csv")
    assert list(estimates.columns) == ["buyer", "product", "kpi", "mean", "ci_lo", "ci_hi"]
    assert set(pd.read_csv(out / "products.csv").replication) == set(range(6))
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
    (
        ["run", "{scenario}", "--set", "kitchens.k.count=-2"],
        "--set kitchens.k.count=-2: kitchens[k].count: must be >= 0",
    ),
    (["run", "{bad}"], ":5: kitchens[k].count: must be >= 0, got -3"),
    (["run", "{scenario}", "--out", "{existing}"], "already exists (use --resume"),
    (["frobnicate"], "invalid choice"),
    (["compare", "{scenario}"], "no policies: section to compare"),
    (["sweep", "{scenario}"], "no levers to sweep"),
    (["sweep", "{scenario}", "--sweep", "kitchens.k.count"], "expected PATH=V1,V2"),
    (["sweep", "{scenario}", "--sweep", "kitchens.k.count=1..x"], "must be numbers"),
    (["sweep", "{scenario}", "--sweep", "kitchens.k.count=1..4"], "needs a step for a grid"),
    (
        ["sweep", "{scenario}", "--sweep", "kitchens.k.count=-1,2"],
        "--sweep kitchens.k.count: kitchens[k].count: must be >= 0, got -1",
    ),
    (
        ["target", "{scenario}", "--lever", "kitchens.k.count"],
        "one of the arguments --at-most --at-least is required",
    ),
    (["target", "{scenario}", "--lever", "name", "--at-most", "0.1"], "must lead to a number"),
    (
        ["target", "{scenario}", "--lever", "kitchens.k.count", "--at-most", "0.1", "--buyer", "x"],
        "unknown buyer 'x'",
    ),
    (
        [
            "target",
            "{scenario}",
            "--lever",
            "kitchens.k.count",
            "--at-most",
            "0.1",
            "--low",
            "9",
            "--high",
            "2",
        ],
        "need low < high",
    ),
    (["run", "{scenario}", "--resume"], "--resume needs --out DIR"),
    (["run", "{scenario}", "--out", "{existing}", "--resume"], "nothing to resume"),
    (["run", "{scenario}", "--precision", "0"], "--precision: must be > 0"),
]


def run_main(args: list[str], capsys) -> tuple[int, str, str]:
    """Run the command in this process; return (exit status, stdout, stderr)."""
    try:
        status = main(args)
    except SystemExit as exc:  # argparse's own usage errors
        status = exc.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def bad_input_files(tmp_path, write_yaml, monkeypatch):
    """Files for the bad-input cases; the working folder is a fresh one."""
    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "keep.txt").write_text("mine")
    monkeypatch.chdir(tmp_path)
    return {
        "scenario": write_yaml(TINY),
        "bad": write_yaml(TINY.replace("count: 3", "count: -3"), "bad.yaml"),
        "existing": existing,
    }


@pytest.mark.parametrize(("args", "expected"), BAD_RUNS, ids=[e for _, e in BAD_RUNS])
def test_bad_input_exits_2_with_a_clear_message_and_writes_nothing(
    args, expected, tmp_path, bad_input_files, capsys
):
    """Every bad input: one clear message on stderr, exit status 2, nothing written."""
    status, out, err = run_main([a.format(**bad_input_files) for a in args], capsys)
    assert status == 2
    assert expected in err
    assert out == ""
    assert [p.name for p in bad_input_files["existing"].iterdir()] == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "existing", "scenario.yaml"]


@pytest.mark.parametrize("index", [0, 7, 8], ids=["missing file", "bad value", "folder exists"])
def test_a_real_process_exits_2_without_a_traceback(index, bad_input_files, tmp_path):
    """The same, as a separate process: exit status 2 and no traceback on stderr."""
    args, expected = BAD_RUNS[index]
    done = cli(*[a.format(**bad_input_files) for a in args], cwd=tmp_path)
    assert done.returncode == 2
    assert expected in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_dask_is_a_clear_error_before_anything_is_written(
    tmp_path, write_yaml, monkeypatch, capsys
):
    """--dask without the optional extra: exit 2, how to install it, no folder made."""
    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name.startswith(("dask", "distributed")):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    out = tmp_path / "out"
    assert main(["run", str(write_yaml(TINY)), "--dask", "local", "--out", str(out)]) == 2
    assert "pip install 'umkm-sim[dask]'" in capsys.readouterr().err
    assert not out.exists()


def test_compare_sweep_and_target_write_their_files(tmp_path, write_yaml):
    """Each experiment writes its tables, JSON and (for a sweep) a plot."""
    path = write_yaml(TINY + "policies:\n  more: {kitchens.k.count: 5}\n")
    expected = {
        ("compare",): {"comparison.csv", "comparison.json", "shipments.csv"},
        ("sweep", "--sweep", "kitchens.k.count=1,3"): {"sweep.csv", "sweep.json", "sweep.png"},
        ("target", "--lever", "kitchens.k.count", "--at-most", "0.2"): {
            "target.csv",
            "target.json",
        },
    }
    for i, (args, files) in enumerate(expected.items()):
        out = tmp_path / f"out{i}"
        done = cli(args[0], path, *args[1:], "--replications", "3", "--out", out, "--workers", "1")
        assert done.returncode == 0, done.stderr
        assert files | {"runs.sqlite", "scenario.yaml"} <= {p.name for p in out.iterdir()}
        as_json = cli(args[0], path, *args[1:], "--replications", "3", "--json", "--workers", "1")
        assert json.loads(as_json.stdout)["kind"] == args[0]


def test_overwrite_replaces_an_existing_output_folder(tmp_path, write_yaml):
    """--overwrite replaces an output folder whole: no stale result files remain."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "comparison.csv").write_text("from an older experiment")
    args = ["run", str(write_yaml(TINY)), "--replications", "2", "--out", str(out)]
    assert main([*args, "--overwrite"]) == 0
    assert not (out / "comparison.csv").exists()
    assert (out / "summary.json").exists()


def test_overwrite_never_deletes_files_it_did_not_write(tmp_path, write_yaml, capsys):
    """A folder holding the user's own files is refused even with --overwrite."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.docx").write_text("months of work")
    args = ["run", str(write_yaml(TINY)), "--replications", "2", "--out", str(out)]
    assert main([*args, "--overwrite"]) == 2
    assert "holds files umkm-sim did not write (thesis.docx)" in capsys.readouterr().err
    assert (out / "thesis.docx").read_text() == "months of work"


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGHUP"])
def test_stopping_umkm_sim_app_stops_its_server(tmp_path, stop):
    """SIGTERM (a service manager's) or SIGHUP (a closed terminal): its server goes too."""
    pytest.importorskip("streamlit", reason="the app extra: pip install 'umkm-sim[app]'")
    import signal  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import time  # noqa: PLC0415
    import urllib.request  # noqa: PLC0415

    from sim.app import free_port  # noqa: PLC0415

    port = free_port()
    scenario = str(ROOT / "scenarios" / "balikpapan.yaml")
    app = subprocess.Popen(
        [sys.executable, "-m", "sim", "app", scenario, "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/_stcore/health"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                break
        except OSError:
            assert app.poll() is None, "the app did not start"
            assert time.monotonic() < deadline, "the app did not start in time"
            time.sleep(0.5)
    app.send_signal(getattr(signal, stop))
    app.wait(timeout=30)
    time.sleep(1)
    with pytest.raises(OSError, match="refused"):  # nothing serves on the port any more
        urllib.request.urlopen(url, timeout=2)
