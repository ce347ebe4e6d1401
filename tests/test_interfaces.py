"""The command line as users expect it (issue #24, item 5).

--lang anywhere, --workers capped at the cores, exit status 3 for an answer of no, ``report
--out``, discover's tables and what it wrote, and target's help.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim import i18n
from sim.cli import main
from sim.cli.parser import build_parser
from sim.cli.session import EXIT_BAD_INPUT, EXIT_NOT_MET
from sim.experiments.executors import Serial
from sim.experiments.robustness import Criterion
from sim.i18n import speaking

from conftest import cli

TINY = """\
name: tiny
horizon_days: 28
products: {p: {}}
kitchens:
  - {name: k, count: 1, product: p, daily_output: {distribution: constant, value: 10}}
buyers:
  - {name: b, every_days: 7, quota: {p: 70}}
costs: {kitchen_per_year: {k: 1000000}}
policies:
  two: {kitchens.k.count: 2}
levers:
  kitchens.k.count: {low: 1, high: 3}
"""
"""One kitchen of exactly 10 packs a day against 70 a week: never a miss, whatever the count."""

SHORT = TINY.replace("quota: {p: 70}", "quota: {p: 700}")
"""The same owing 700 a week: missed every week, even by 3 kitchens (210 a week)."""

QUIET = ["--replications", "2", "--workers", "1", "--quiet"]


@pytest.fixture(autouse=True)
def same_language_after() -> Iterator[None]:
    """A test that runs the command in this process leaves the language as it found it."""
    with speaking(i18n.current()):
        yield


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """TINY in a file."""
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    return path


@pytest.fixture
def short(tmp_path: Path) -> Path:
    """SHORT in a file."""
    path = tmp_path / "short.yaml"
    path.write_text(SHORT, encoding="utf-8")
    return path


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as done:
        main(list(argv))
    assert done.value.code == 0
    return capsys.readouterr().out


# --- --lang anywhere ---------------------------------------------------------------------------


def test_lang_before_the_command_is_accepted_and_the_top_level_help_shows_it(capsys):
    """``umkm-sim --lang id --help`` is the top-level help in Indonesian; it lists --lang."""
    english = _help(capsys, "--help")
    assert "--lang {en,id}" in english
    indonesian = _help(capsys, "--lang", "id", "--help")
    assert indonesian.startswith("penggunaan: umkm-sim")
    assert "--lang {en,id}" in indonesian
    assert "bahasa tabel" in indonesian
    run_help = _help(capsys, "--lang=id", "run", "--help")
    assert run_help.startswith("penggunaan: umkm-sim run")


def test_lang_before_the_command_is_the_language_it_speaks(tmp_path, capsys):
    """Before the command or after it, --lang is heard; the last one given counts."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(TINY.replace("horizon_days: 28", "horizon_days: -1"), encoding="utf-8")
    for argv, said in (
        (["--lang", "id", "check", str(bad)], "horizon_days: harus >= 1"),
        (["check", str(bad), "--lang", "id"], "horizon_days: harus >= 1"),
        (["--lang", "id", "check", str(bad), "--lang", "en"], "horizon_days: must be >= 1"),
        (["--lang", "en", "check", str(bad), "--lang", "id"], "horizon_days: harus >= 1"),
    ):
        assert main(argv) == EXIT_BAD_INPUT
        assert said in capsys.readouterr().err, argv


def test_every_command_keeps_its_own_lang(capsys):
    """Each command's --help, asked with --lang id after it, is in Indonesian."""
    parser = build_parser()
    commands = next(
        a
        for a in parser._actions  # noqa: SLF001
        if isinstance(a, argparse._SubParsersAction)  # noqa: SLF001
    )
    for name in commands.choices:
        said = _help(capsys, name, "--help", "--lang", "id")
        assert said.startswith(f"penggunaan: umkm-sim {name}"), name


# --- --workers above the cores -----------------------------------------------------------------


def test_workers_above_the_cores_are_capped_with_a_note(tiny, monkeypatch, capsys):
    """--workers 64 on a 1-core machine runs on 1, says so in one line, answers the same."""
    monkeypatch.setattr("sim.experiments.executors.available_cores", lambda: 1)
    plain = ["run", str(tiny), "--replications", "2", "--quiet"]
    assert main([*plain, "--workers", "1"]) == 0
    one = capsys.readouterr()
    assert one.err == ""
    assert main([*plain, "--workers", "64"]) == 0
    capped = capsys.readouterr()
    assert capped.err == "--workers 64 capped at 1, the cores of this machine\n"
    assert capped.out == one.out
    assert main([*plain, "--workers", "64", "--lang", "id"]) == 0
    assert "--workers 64 diturunkan menjadi" in capsys.readouterr().err


# --- exit status 3 -----------------------------------------------------------------------------


def test_a_target_not_met_exits_3_and_still_writes_its_files(short, tiny, tmp_path):
    """NOT MET: printed and written as before; only the exit status says no. Met: 0."""
    ask = ["target", "--lever", "kitchens.k.count", "--at-most", "0.05", "--low", "1"]
    out = tmp_path / "out"
    done = cli(ask[0], short, *ask[1:], "--high", "3", *QUIET, "--out", out)
    assert done.returncode == EXIT_NOT_MET == 3, done.stderr
    assert "NOT MET" in done.stdout
    assert (out / "target.json").is_file()
    assert f"wrote {out}/" in done.stdout
    met = cli(ask[0], tiny, *ask[1:], "--high", "3", *QUIET)
    assert met.returncode == 0, met.stderr


def test_nothing_chosen_exits_3(short, tiny):
    """The cheapest and optimize --where with no candidate or setting chosen: 3; one chosen: 0."""
    for command in (["cheapest"], ["optimize", "--evaluations", "3"]):
        said_no = cli(command[0], short, *command[1:], "--where", "quota_miss_rate<=0.05", *QUIET)
        assert said_no.returncode == EXIT_NOT_MET, (command, said_no.stderr)
        assert "No " in said_no.stdout
    chosen = cli("cheapest", tiny, "--where", "quota_miss_rate<=0.9", *QUIET)
    assert chosen.returncode == 0, chosen.stderr


def test_the_exit_status_is_said_in_the_help(capsys):
    """The top-level help lists every exit status; each command that may answer no says 3."""
    top = " ".join(_help(capsys, "--help").split())
    assert "3 answered no" in top
    assert "130 interrupted" in top
    for command, what in (
        ("target", "the target is not met"),
        ("cheapest", "no candidate is chosen"),
        ("optimize", "no setting is chosen"),
    ):
        said = " ".join(_help(capsys, command, "--help").split())
        assert f"Exit status 3: {what}" in said.replace("--where was given and ", ""), command
    assert "Exit status 3" not in _help(capsys, "run", "--help")


# --- target --help -----------------------------------------------------------------------------


def test_target_help_explains_metric_and_resolution(capsys):
    """Every flag of target says what it is."""
    said = " ".join(_help(capsys, "target", "--help").split())
    assert "the KPI that --at-most or --at-least bounds" in said
    assert "the bisection stops when the answer is known to within STEP" in said


# --- report --out ------------------------------------------------------------------------------


def test_reports_in_two_languages_live_side_by_side(tiny, tmp_path, capsys):
    """`report DIR` writes DIR/report.html; --out FILE writes there, whole, and nothing else."""
    out = tmp_path / "run"
    assert main(["run", str(tiny), *QUIET, "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["report", str(out)]) == 0
    assert main(["report", str(out), "--lang", "id", "--out", str(out / "report.id.html")]) == 0
    said = capsys.readouterr().out.splitlines()
    assert said == [f"wrote {out / 'report.html'}", f"ditulis: {out / 'report.id.html'}"]
    assert '<html lang="en">' in (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="id">' in (out / "report.id.html").read_text(encoding="utf-8")
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no temporary left


def test_report_out_where_it_cannot_be_written_is_refused(tiny, tmp_path, capsys):
    """An --out in a folder that does not exist, or a folder itself: one line, exit 2."""
    out = tmp_path / "run"
    assert main(["run", str(tiny), *QUIET, "--out", str(out)]) == 0
    capsys.readouterr()
    nowhere = tmp_path / "nowhere" / "report.html"
    assert main(["report", str(out), "--out", str(nowhere)]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err == (
        f"--out {nowhere}: no folder {nowhere.parent} to write it in\n"
    )
    assert main(["report", str(out), "--out", str(tmp_path)]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err == f"--out {tmp_path}: a folder; give a file name\n"
    assert not (out / "report.html").exists()


# --- discover ----------------------------------------------------------------------------------


def test_discover_prints_readable_tables():
    """PRIM's trajectory and the box's stability as aligned columns, the chosen box marked."""
    pytest.importorskip("ema_workbench")
    from sim.experiments.discover import discover  # noqa: PLC0415 (needs the explore extra)

    rng = np.random.default_rng(3)
    futures = pd.DataFrame({"a": rng.uniform(0, 1, 200), "b": rng.uniform(0, 1, 200)})
    failed = (futures.a < 0.3).to_numpy() | (rng.uniform(0, 1, 200) < 0.1)
    found = discover(futures, failed, Criterion.parse("quota_miss_rate>0.1"), "p", seed=4)
    lines = sim.say(found).splitlines()
    start = lines.index("PRIM's peeling trajectory (pick another box with --box):") + 1
    trajectory = lines[start : start + 1 + len(found.trajectory)]
    assert trajectory[0].split() == [
        "box",
        "coverage",
        "density",
        "mass",
        "uncertainties",
        "restricted",
    ]
    chosen = [row for row in trajectory if row.endswith("  <- chosen")]
    assert len(chosen) == 1
    assert chosen[0].split()[0] == str(found.box)
    widths = {len(row.removesuffix("  <- chosen")) for row in trajectory}
    assert len(widths) == 1  # aligned
    assert all(
        re.fullmatch(r"\s+\d+(\s+\d+%){3}\s+\d+", row.removesuffix("  <- chosen"))
        for row in trajectory[1:]
    )
    start = next(i for i, line in enumerate(lines) if line.startswith("Resampling stability"))
    stability = lines[start + 1 :]
    assert stability[0].split() == ["uncertainty", "reproduce", "coverage", "reproduce", "density"]
    assert [row.split()[0] for row in stability[1:]] == list(found.stability.index)
    assert all(re.fullmatch(r"\s+\S+\s+\d+%\s+\d+%", row) for row in stability[1:])


def test_discover_says_what_it_wrote(tmp_path, capsys):
    """Like the experiment commands: ``wrote DIR/: file file ...`` after its answer."""
    pytest.importorskip("ema_workbench")
    from test_explore import two_lines  # noqa: PLC0415

    from sim.experiments.explore import explore  # noqa: PLC0415

    sim.write(
        explore(two_lines(), 100, "lhs", replications=1, seed=5, executor=Serial()), tmp_path / "e"
    )
    capsys.readouterr()
    assert main(["discover", str(tmp_path / "e"), "--where", "quota_miss_rate>0.75"]) == 0
    said = capsys.readouterr().out.splitlines()
    assert said[-1] == f"wrote {tmp_path / 'e'}/: discovery.json tradeoff.png box.png"
    assert "res_dim" not in "\n".join(said)


def test_parquet_writes_each_table_beside_its_csv_with_the_same_rows(tmp_path, write_yaml):
    """--parquet: NAME.parquet for every NAME.csv, the same table; its types kept."""
    pytest.importorskip("pyarrow", reason="Parquet needs pyarrow")
    out = tmp_path / "out"
    done = cli("run", write_yaml(TINY), "--replications", "3", "--out", out, "--parquet")
    assert done.returncode == 0, done.stderr
    tables = sorted(p.stem for p in out.glob("*.csv"))
    assert tables == sorted(p.stem for p in out.glob("*.parquet"))
    for name in tables:
        csv = pd.read_csv(out / f"{name}.csv")
        parquet = pd.read_parquet(out / f"{name}.parquet")
        assert list(parquet.columns) == list(csv.columns), name
        assert len(parquet) == len(csv), name


def test_parquet_is_refused_before_anything_runs_without_out_or_pyarrow(
    tmp_path, write_yaml, monkeypatch, capsys
):
    """Without --out, or without pyarrow: exit 2, one line saying what to do, no folder."""
    path = str(write_yaml(TINY))
    assert main(["run", path, "--parquet"]) == EXIT_BAD_INPUT
    assert "--parquet needs --out" in capsys.readouterr().err
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a)
    )
    out = tmp_path / "out"
    assert main(["run", path, "--parquet", "--out", str(out)]) == EXIT_BAD_INPUT
    assert "pip install pyarrow" in capsys.readouterr().err
    assert not out.exists()
