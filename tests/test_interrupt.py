"""Nothing lost, nothing repeated: interrupt an experiment any way, --resume finishes it.

Each test starts a real `umkm-sim compare --out DIR` process, waits until some runs are in the
store, interrupts it (Ctrl-C, a killed worker, a killed process), resumes it, and checks that the
final tables are byte-identical to those of an uninterrupted run with the same seed.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import sim

from conftest import ROOT, cli

ARGS = [
    "compare",
    str(ROOT / "scenarios" / "balikpapan.yaml"),
    "--replications",
    "50",
    "--seed",
    "3",
    "--workers",
    "2",
    "--quiet",
]


# The baseline and every policy of the scenario, 50 replications each.
TOTAL = 50 * (1 + len(sim.load_scenario(ROOT / "scenarios" / "balikpapan.yaml").policies))


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> Path:
    """The reference: the same experiment, run straight through."""
    out = tmp_path_factory.mktemp("reference") / "out"
    done = cli(*ARGS, "--out", out)
    assert done.returncode == 0, done.stderr
    return out


def stored_runs(out: Path) -> int:
    """Runs in the store so far (0 before it exists)."""
    try:
        with sqlite3.connect(f"file:{out / 'runs.sqlite'}?mode=ro", uri=True) as db:
            return db.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    except sqlite3.Error:
        return 0


def start_and_wait(out: Path) -> subprocess.Popen[str]:
    """Start the experiment in its own process group; return once some runs are stored."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", *ARGS, "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while stored_runs(out) == 0:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return proc


def worker_pids(pid: int) -> list[int]:
    """The child processes of ``pid`` (the pool's workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children]


def resume_and_compare(out: Path, reference: Path) -> None:
    """Finish with --resume; the tables must equal the uninterrupted run's, byte for byte."""
    before = stored_runs(out)
    assert 0 < before < TOTAL
    done = cli(*ARGS, "--out", out, "--resume")
    assert done.returncode == 0, done.stderr
    assert stored_runs(out) == TOTAL
    for name in ("comparison.csv", "shipments.csv", "comparison.json"):
        ours = (out / name).read_text().replace(str(out), "")
        theirs = (reference / name).read_text().replace(str(reference), "")
        assert ours == theirs, name


def test_ctrl_c_keeps_finished_runs_and_resume_finishes(tmp_path, uninterrupted):
    """Ctrl-C (SIGINT to the whole process group): exit 130, a clear message, then resume."""
    out = tmp_path / "out"
    proc = start_and_wait(out)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "interrupted" in stderr
    assert "--resume" in stderr
    assert "Traceback" not in stderr
    assert not (out / "comparison.csv").exists()
    resume_and_compare(out, uninterrupted)


def test_a_killed_worker_keeps_finished_runs_and_resume_finishes(tmp_path, uninterrupted):
    """A worker killed with SIGKILL: the experiment stops, saying so; resume finishes it."""
    out = tmp_path / "out"
    proc = start_and_wait(out)
    os.kill(worker_pids(proc.pid)[0], signal.SIGKILL)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "a worker died" in stderr
    assert "Traceback" not in stderr
    resume_and_compare(out, uninterrupted)


def test_a_killed_process_keeps_finished_runs_and_resume_finishes(tmp_path, uninterrupted):
    """The whole process group killed with SIGKILL mid-run: the store survives; resume."""
    out = tmp_path / "out"
    proc = start_and_wait(out)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    resume_and_compare(out, uninterrupted)


def test_an_existing_folder_is_never_replaced_unasked(tmp_path):
    """Without --resume or --overwrite, an existing output folder is refused (exit 2)."""
    out = tmp_path / "out"
    out.mkdir()
    done = cli(*ARGS, "--out", out)
    assert done.returncode == 2
    assert "already exists (use --resume" in done.stderr
