"""Output folders: never lost, never mixed; one owner of the rules (``sim.reporting.folders``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.reporting.folders import INCOMPLETE, Folder, OutputError, previous

from conftest import ROOT, cli

POISSON = ROOT / "scenarios" / "teaching-poisson.yaml"


def complete_folder(out, text="old"):
    """A finished results folder holding one file of ours."""
    with Folder.prepare(out) as folder:
        (folder.path / "summary.json").write_text(text)
        folder.complete()


def test_a_refused_resume_leaves_a_finished_folder_as_it_was(tmp_path):
    """--resume of another experiment is refused before anything in the folder changes."""
    out = tmp_path / "o"
    args = ("run", POISSON, "--replications", "3", "--workers", "1", "--out", out)
    assert cli(*args, "--seed", "1").returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.name != "runs.sqlite-shm"}
    refused = cli(*args, "--seed", "2", "--resume")
    assert refused.returncode == 2
    assert "with seed 1" in refused.stderr
    assert "with seed 2" in refused.stderr
    assert not (out / INCOMPLETE).exists()
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.name != "runs.sqlite-shm"}
    assert after.keys() == before.keys()
    assert after["summary.json"] == before["summary.json"]
    assert cli("report", out).returncode == 0


def test_resuming_a_compare_folder_with_select_is_another_experiment(tmp_path):
    """The claim holds the command's flags: --select best is not the plain comparison."""
    out = tmp_path / "o"
    args = ("compare", ROOT / "scenarios" / "balikpapan.yaml", "--replications", "2")
    args += ("--workers", "1", "--set", "horizon_days=28", "--out", out)
    assert cli(*args).returncode == 0
    refused = cli(*args, "--select", "best", "--resume")
    assert refused.returncode == 2
    assert "--select best" in refused.stderr
    assert not (out / "selection.json").exists()
    assert not (out / INCOMPLETE).exists()


def killed_while_replacing(out):
    """An --overwrite into ``out`` that is killed before its results are whole."""
    with Folder.prepare(out, overwrite=True):
        assert (previous(out) / "summary.json").read_text() == "old"
        raise KeyboardInterrupt


def test_a_killed_overwrite_keeps_the_last_complete_result_through_a_second(tmp_path):
    """Killed twice while replacing a folder: the old complete result is never deleted first."""
    out = tmp_path / "o"
    complete_folder(out)
    for _attempt in range(2):  # each attempt dies before its results are whole
        with pytest.raises(KeyboardInterrupt):
            killed_while_replacing(out)
        assert (previous(out) / "summary.json").read_text() == "old"
        assert (out / INCOMPLETE).exists()
    with Folder.prepare(out, overwrite=True) as folder:
        (folder.path / "summary.json").write_text("new")
        folder.complete()
    assert (out / "summary.json").read_text() == "new"
    assert not previous(out).exists()


def test_without_overwrite_a_killed_replacement_is_named_not_moved(tmp_path):
    """The new folder never came to be: the refusal says where the old one is, and moves nothing."""
    out = tmp_path / "o"
    complete_folder(out)
    out.rename(previous(out))
    with pytest.raises(OutputError, match="left the last complete result"), Folder.prepare(out):
        pass
    assert not out.exists()
    assert (previous(out) / "summary.json").read_text() == "old"


def test_folders_that_cannot_be_ours_are_refused_before_anything_changes(tmp_path, monkeypatch):
    """The current folder, /, a backup's or lock's name; a resume of nothing makes no parents."""
    monkeypatch.chdir(tmp_path)
    for name in (".", "/", "..", ".o.previous", ".o.lock"):
        out = tmp_path / name if name.startswith(".o") else Path(name)
        refused = pytest.raises(OutputError, match=r"current folder|backup or lock")
        with refused, Folder.prepare(out, overwrite=True):
            pass
    refused = pytest.raises(OutputError, match="nothing to resume")
    with refused, Folder.prepare(tmp_path / "a" / "b", resume=True):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_overwriting_an_unfinished_folder_keeps_no_backup_of_it(tmp_path):
    """An incomplete folder is no result: --overwrite deletes it, and a failure leaves nothing."""
    out = tmp_path / "o"
    with pytest.raises(KeyboardInterrupt), Folder.prepare(out):
        raise KeyboardInterrupt
    assert (out / INCOMPLETE).exists()
    with pytest.raises(RuntimeError), Folder.prepare(out, overwrite=True):  # noqa: PT012
        assert not previous(out).exists()
        raise RuntimeError
    assert not out.exists()
    assert not previous(out).exists()


def test_a_second_writer_is_refused_not_merged(tmp_path):
    """While one command writes a folder, another writing the same folder is refused."""
    out = tmp_path / "o"
    with Folder.prepare(out) as first:
        with pytest.raises(OutputError, match="being written by another"), Folder.prepare(out):
            pass
        with pytest.raises(OutputError, match="being written by another"), Folder.existing(out):
            pass
        first.complete()
    assert not out.with_name(f".{out.name}.lock").exists()
    with Folder.existing(out):  # free again
        pass


def test_a_failed_new_run_puts_back_what_overwrite_moved_aside(tmp_path):
    """A failure (not an interruption) while replacing restores the old folder."""
    out = tmp_path / "o"
    complete_folder(out)
    with pytest.raises(RuntimeError), Folder.prepare(out, overwrite=True):
        raise RuntimeError
    assert (out / "summary.json").read_text() == "old"
    assert not previous(out).exists()


def test_an_experiment_is_what_changes_its_answer_zero_included():
    """--seed 0 is a seed; --delta without --select and a cap without --precision are not."""
    from sim.cli.parser import build_parser  # noqa: PLC0415
    from sim.cli.session import canonical, identity  # noqa: PLC0415
    from sim.scenario.loading import load_scenario  # noqa: PLC0415

    parser = build_parser()
    scenario = load_scenario(POISSON)

    def asked(*argv):
        args = parser.parse_args(["compare", str(POISSON), *argv])
        return identity(args, scenario)["flags"], canonical(parser, args)

    flags, line = asked("--seed", "0", "--delta", "0.5", "--max-replications", "900")
    assert flags["seed"] == 0
    assert "--seed" in line
    assert "--delta" not in line
    assert "--max-replications" not in line
    assert asked("--seed", "0") == (flags, line)
    flags, line = asked("--select", "best", "--delta", "0.5")
    assert flags["delta"] == 0.5
    assert "--delta" in line
    assert "delta" not in asked("--select", "subset", "--delta", "0.5")[0]
