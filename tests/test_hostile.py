"""Hostile input: a correct answer, or exit 2 and one clear line; never a traceback or a hang.

Whatever a user (or a script gone wrong) gives, nothing blows up memory or loses a result.

The cases of the hardening campaign are replayed one by one; Hypothesis then generates more of
their kinds. Every command runs in a subprocess under a 2 GB address-space limit and a 20 s
timeout. ``UMKM_FUZZ_EXAMPLES`` sets the examples per fuzz test (``./dev fuzz`` runs many).
"""

from __future__ import annotations

import io
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.cli import main
from sim.engine.replication import PRODUCT_FIELDS, simulate
from sim.engine.shipments import LINE_FIELDS
from sim.experiments.store import _load

from conftest import ROOT
from strategies import QUESTIONS, hostile_argv, hostile_question_argv, hostile_yaml

EXAMPLES = int(os.environ.get("UMKM_FUZZ_EXAMPLES", "40"))
SECONDS, MEMORY = 20, 2 * 1024**3
POISSON = ROOT / "scenarios" / "teaching-poisson.yaml"
BALIKPAPAN = yaml.safe_load((ROOT / "scenarios" / "balikpapan.yaml").read_text(encoding="utf-8"))
fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def hostile(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run the command under the limits; assert it ends well: exit 0 or 3, or 2 with one line."""
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=SECONDS + 10,
        preexec_fn=_limits,
    )
    took = time.monotonic() - start
    assert took < SECONDS, f"took {took:.0f} s: {args}"
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    # 3: answered no (a target not met, nothing chosen), its output written as for a yes.
    assert done.returncode in (0, 2, 3), (done.returncode, done.stderr[-2000:])
    if done.returncode == 2:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert lines, "exit 2 without a word"
        assert all(len(line) < 400 for line in lines), lines  # nothing echoed whole
        assert not any("\x1b" in line for line in lines)  # no terminal escapes
    return done


SHOCK = (
    "{{name: s, per_year: {per_year}, duration_days: {{distribution: constant, value: 9}}, "
    "multiplier: {multiplier}}}"
)
BOMB = "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}' if i else 'x'] * 9)}]\n" for i in range(9))
ANCHORS = "x-bomb:\n" + "".join(f"  {line}\n" for line in BOMB.splitlines())
CAMPAIGN = {
    # wrong answers with exit 0
    "output near 1e18": [
        "--set",
        "kitchens.four-kitchens.daily_output={distribution: constant, value: 1e18}",
    ],
    "two shocks of one name": [
        "--set",
        "shocks=[{}, {}]".format(  # noqa: UP032 (two long parts)
            SHOCK.format(per_year=9, multiplier=0), SHOCK.format(per_year=0, multiplier=1)
        ),
    ],
    # hangs and unbounded memory
    "bomb via --set": ["--set", "description=" + "&a [" + ",".join(["x"] * 10) + "]"],
    "replications 1e12": ["--replications", str(10**12)],
    "workers 2000": ["--workers", "2000"],
    # tracebacks
    "set impossible date": ["--set", "start_date=2027-02-30"],
    "year 9999": ["--set", "start_date=9999-12-01"],
    "quota 1e30": ["--set", "buyers.weekly-buyer.quota.peyek=" + "1" + "0" * 30],
    "multiplier 1e18": [
        "--set",
        f"shocks=[{SHOCK.format(per_year=1, multiplier='1e18')}]",
    ],
    "cv 1e-300": [
        "--set",
        "kitchens.four-kitchens.daily_output={distribution: gamma, mean: 20, cv: 1e-300}",
    ],
    "per_year 1e18": [
        "--set",
        f"shocks=[{SHOCK.format(per_year='1e18', multiplier=0)}]",
    ],
    "fund 1e308": [
        "--set",
        "finance={fund: 1e308, purchase_price: {peyek: 1}}",
        "--set",
        "buyers.weekly-buyer.price={peyek: 1}",
    ],
    "precision inf": ["--precision", "inf"],
    "precision with max 1": ["--precision", "0.01", "--max-replications", "1"],
    "seed 2**63": ["--seed", str(2**63)],
    "seed 2**63 - 1": ["--seed", str(2**63 - 1)],
    "malformed dask": ["--dask", "not an address"],
    "set an empty step": ["--set", "kitchens..count=1"],
}
FILES = {
    "alias bomb in a name": ANCHORS + "name: *a8\n",
    "alias bomb in a list": ANCHORS + "kitchens: *a8\n",
    "deep nesting": "name: [" + "[" * 600 + "]" * 600 + "]\n",
    "list as key": "? [a, b]\n: 1\n",
    "integer of 5000 digits": "name: x\nhorizon_days: " + "9" * 5000 + "\n",
    "1e9 read as a number": "",  # filled below, from the teaching scenario
    "terminal escapes in a name": 'name: "\\e[31mred"\n',
    "a 1 MB name": "name: " + "k" * 1_000_000 + "\n",
    "not a mapping": "- 1\n- 2\n",
    "a tab": "name:\tx\n",
}


@pytest.mark.parametrize("case", CAMPAIGN)
def test_a_case_of_the_campaign_ends_well(case, tmp_path):
    """Each flag the campaign found harmful now runs correctly or exits 2 in one line."""
    done = hostile("run", POISSON, "--replications", "3", "--out", tmp_path / "o", *CAMPAIGN[case])
    if done.returncode == 0:  # then no count is negative or wrapped
        summary = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
        for totals in summary["products"].values():
            for stat in totals.values():
                assert 0 <= stat["mean"] < 2**62
                assert stat["ci95"][0] is None or stat["ci95"][0] <= stat["ci95"][1]


@pytest.mark.parametrize("case", FILES)
def test_a_hostile_file_is_refused_in_one_line(case, tmp_path):
    """Bombs, deep nesting, odd keys, huge numbers, escapes: exit 2, file and line named."""
    text = FILES[case] or POISSON.read_text(encoding="utf-8") + (
        "shocks: [{name: s, per_year: 1e9, duration_days: {distribution: constant, value: 1}, "
        "multiplier: 0}]\n"
    )
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    done = hostile("check", path)
    assert done.returncode == 2
    assert done.stderr.startswith(f"{path}")


def test_an_alias_bomb_where_any_value_goes_is_refused_before_it_grows(tmp_path):
    """Sweep levers take any list: a bomb there once passed check, then hung writing the run."""
    path = tmp_path / "s.yaml"
    lever = "sweep:\n  levers:\n    kitchens.four-kitchens.count: *a8\n"
    path.write_text(ANCHORS + POISSON.read_text(encoding="utf-8") + lever, encoding="utf-8")
    done = hostile("run", path, "--replications", "1", "--out", tmp_path / "o")
    assert done.returncode == 2
    assert "counting aliases where used" in done.stderr


def test_per_year_1e9_is_read_as_a_number(tmp_path):
    """YAML 1.1 reads 1e9 as text; we read it as the number it is, and say what is wrong."""
    path = tmp_path / "s.yaml"
    path.write_text(
        POISSON.read_text(encoding="utf-8")
        + "shocks: [{name: s, per_year: 1e9, duration_days: {distribution: constant, value: 1},"
        " multiplier: 0}]\n",
        encoding="utf-8",
    )
    assert "shocks[s].per_year: must be <= 36500, got 1000000000" in hostile("check", path).stderr


@given(text=hostile_yaml(BALIKPAPAN))
@fuzz
def test_a_hostile_scenario_is_refused_or_simulated_correctly(text):
    """A hostile value anywhere in the richest scenario: a ScenarioError, or a sound run.

    A sound run: the books balance (``simulate`` raises AccountingError if not), no count is
    negative, no line ships more than it owed. Runs too large to simulate in a test are only
    validated.
    """
    start = time.monotonic()
    try:
        scenario = sim.parse_scenario(text, "fuzz.yaml")
    except sim.ScenarioError as exc:
        problems = exc.problems
    else:
        problems = []
    assert time.monotonic() - start < SECONDS
    assert all(len(p) < 400 and p.isprintable() for p in problems)
    if problems:
        return
    kitchen_days = sum(g.count for g in scenario.kitchens) * scenario.horizon_days
    if kitchen_days > 2_000_000:
        return
    outcome = simulate(scenario, 1, 0)
    assert (outcome.products >= 0).all()
    assert (outcome.stock >= 0).all()
    lines = dict(zip(LINE_FIELDS, outcome.lines.T, strict=True))
    if len(outcome.lines):
        assert (lines["shipped"] >= 0).all()
        assert (lines["shipped"] <= lines["quota"]).all()
    made = outcome.products[:, PRODUCT_FIELDS.index("made")]
    assert (made < 2**62).all()


@given(data=st.data())
@settings(max_examples=max(EXAMPLES // 4, 5), deadline=None)
def test_a_hostile_command_line_ends_well(data, tmp_path_factory):
    """Flags with hostile values, in any mix: exit 0, or 2 in one line, within the limits."""
    out = tmp_path_factory.mktemp("fuzz") / "o"
    argv = data.draw(hostile_argv(str(POISSON), str(out)))
    hostile(*argv, "--replications", "2") if "--replications" not in argv and argv[
        0
    ] != "check" else hostile(*argv)


# --- result folders ----------------------------------------------------------------------------


def run_into(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """A small run of the teaching scenario into ``out``."""
    return hostile("run", POISSON, "--replications", "3", "--workers", "1", "--out", out, *extra)


def test_resume_into_another_experiment_is_refused_naming_both(tmp_path):
    """A finished run of seed 1 is never replaced by --resume with seed 2 (or another scenario)."""
    out = tmp_path / "o"
    assert run_into(out, "--seed", "1").returncode == 0
    before = (out / "summary.json").read_bytes()
    done = run_into(out, "--seed", "2", "--resume")
    assert done.returncode == 2
    assert "with seed 1" in done.stderr
    assert "with seed 2" in done.stderr
    assert (out / "summary.json").read_bytes() == before


def test_a_failed_overwrite_loses_nothing(tmp_path, monkeypatch, capsys):
    """--overwrite keeps the old results until the new ones are whole: a failure puts them back."""
    out = tmp_path / "o"
    assert run_into(out).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(*_args, **_kwargs):
        raise RuntimeError("the new run failed")

    monkeypatch.setattr("sim.experiments.runner.run", broken)
    with pytest.raises(RuntimeError):
        main(
            [
                "run",
                str(POISSON),
                "--replications",
                "2",
                "--workers",
                "1",
                "--out",
                str(out),
                "--overwrite",
            ]
        )
    capsys.readouterr()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not (tmp_path / ".o.previous").exists()


def test_a_full_disk_is_one_line_and_loses_nothing(tmp_path, monkeypatch, capsys):
    """No space left while writing the results: exit 2 naming the file; the old results stay."""
    out = tmp_path / "o"
    assert run_into(out).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pandas.DataFrame.to_csv", full)
    argv = ["run", str(POISSON), "--replications", "2", "--workers", "1", "--out", str(out)]
    assert main([*argv, "--overwrite"]) == 2
    assert "shipments.csv: cannot write it (No space left on device)" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_an_interrupted_final_write_is_marked_and_replaceable(tmp_path):
    """A kill mid-write leaves INCOMPLETE and a temp file: report says so; --overwrite works."""
    out = tmp_path / "o"
    assert run_into(out).returncode == 0
    (out / "INCOMPLETE").write_text("killed\n", encoding="utf-8")
    (out / f".summary.{'0' * 32}.json").write_text("{", encoding="utf-8")
    done = hostile("report", out)
    assert done.returncode == 2
    assert "incomplete" in done.stderr
    assert run_into(out, "--overwrite").returncode == 0
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []
    assert not (out / "INCOMPLETE").exists()


def test_an_overwrite_never_follows_a_link_or_deletes_foreign_files(tmp_path):
    """A symbolic link, or a folder with files umkm-sim did not write, is refused untouched."""
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work", encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(mine)
    for target in (mine, link):
        done = run_into(target, "--overwrite")
        assert done.returncode == 2
    assert (mine / "thesis.tex").read_text(encoding="utf-8") == "years of work"


@pytest.mark.parametrize(
    "damage",
    [
        "garbage",
        "empty",
        "wrong shape",
        "wrong dtype",
        "negative",
        "nan cash",
        "other table",
        "cut short",
    ],
)
def test_a_damaged_store_is_refused_naming_the_file(tmp_path, damage):
    """Store rows are untrusted input: each is checked before it is used."""
    out = tmp_path / "o"
    assert run_into(out).returncode == 0
    (out / "INCOMPLETE").write_text("", encoding="utf-8")
    db = sqlite3.connect(out / "runs.sqlite")
    with db:
        if damage == "other table":
            db.execute("DROP TABLE runs")
            db.execute("CREATE TABLE runs (x INTEGER)")
        else:
            blob = {
                "garbage": b"\x00garbage",
                "empty": b"",
                "wrong shape": _npy(np.zeros((2, 3), dtype=np.int64)),
                "wrong dtype": _npy(np.zeros((1, len(PRODUCT_FIELDS)), dtype=np.float64)),
                "negative": _npy(np.full((1, len(PRODUCT_FIELDS)), -5, dtype=np.int64)),
                "nan cash": None,
                "cut short": zlib.compress(_npy(np.zeros((1, len(PRODUCT_FIELDS)))))[:-9],
            }.get(damage)
            column = "products" if blob is not None else "unpaid_days"
            db.execute(f"UPDATE runs SET {column} = ?", (blob if blob is not None else -3,))  # noqa: S608
    db.close()
    done = run_into(out, "--resume")
    assert done.returncode == 2
    assert "runs.sqlite" in done.stderr


def test_a_stored_blob_may_not_inflate_without_bound():
    """300 KB of zlib that would inflate to 300 MB is refused before it is inflated whole."""
    squeeze, chunk = zlib.compressobj(9), bytes(1 << 20)
    bomb = b"".join(squeeze.compress(chunk) for __ in range(300)) + squeeze.flush()
    with pytest.raises(ValueError, match="an array of more than"):
        _load(bomb)


def test_damaged_result_json_is_refused_by_report(tmp_path):
    """Report names the damaged file instead of a traceback."""
    out = tmp_path / "o"
    assert run_into(out).returncode == 0
    (out / "summary.json").write_text('{"scenario": ', encoding="utf-8")
    done = hostile("report", out)
    assert done.returncode == 2
    assert "summary.json" in done.stderr


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def questions(tmp_path_factory) -> tuple[Path, Path, Path]:
    """A scenario with every section, an exploration of it, and records to fit."""
    folder = tmp_path_factory.mktemp("questions")
    scenario = folder / "questions.yaml"
    scenario.write_text(QUESTIONS, encoding="utf-8")
    explored = folder / "explored"
    done = hostile("explore", scenario, "--futures", "8", "--replications", "2", "--out", explored)
    assert done.returncode == 0, done.stderr
    records = folder / "records.csv"
    rows = [f"K{k},2025-01-{d:02d},{(7 * k + 3 * d) % 30}" for k in range(5) for d in range(1, 29)]
    records.write_text("kitchen,date,packs\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return scenario, explored, records


@given(data=st.data())
@settings(max_examples=max(EXAMPLES // 4, 5), deadline=None)
def test_a_hostile_question_ends_well(data, tmp_path_factory, questions):
    """Every question with hostile flag values: exit 0, or 2 in one line, within the limits.

    explore, discover, gsa, cheapest, compare --select, fit and report; never a traceback.
    """
    scenario, explored, records = questions
    out = tmp_path_factory.mktemp("fuzz") / "o"
    hostile(*data.draw(hostile_question_argv(str(scenario), str(out), str(explored), str(records))))
