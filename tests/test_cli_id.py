"""The command line in Bahasa Indonesia: its help, its usage errors and its messages.

Flags, commands, file names and values the user typed stay as written; only the prose is
translated. English stays as it was (the other CLI tests check its messages).
"""

from __future__ import annotations

import argparse
import ast
import inspect
import re
from collections.abc import Iterator

import pytest
from test_i18n import catalogue
from test_progress import Terminal

from sim import i18n
from sim.cli import main
from sim.cli.language import _argparse_words
from sim.cli.parser import build_parser
from sim.cli.questions import QUESTIONS
from sim.experiments.runner import Interrupted, Plan
from sim.i18n import speaking
from sim.reporting.progress import ProgressBar

from conftest import ROOT, cli

SCENARIO = ROOT / "scenarios" / "balikpapan.yaml"
INDONESIAN = {"LANG": "id_ID.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}
ENGLISH = {"LANG": "C.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}
PERCENT = re.compile(r"%\(\w+\)[sr]|%[sr%]")


@pytest.fixture(autouse=True)
def same_language_after() -> Iterator[None]:
    """A test that runs the command in this process leaves the language as it found it."""
    with speaking(i18n.current()):
        yield


def refused(done, *words: str) -> None:
    """Exit status 2, each of ``words`` on stderr, and no traceback."""
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in done.stderr, (word, done.stderr)


def test_a_usage_error_is_indonesian_and_keeps_the_flags():
    """--resume without --out: said in Indonesian, the flag names as typed."""
    done = cli("run", SCENARIO, "--resume", "--lang", "id")
    refused(done, "--resume memerlukan --out DIR", "simulasi yang terhenti")
    assert done.stderr.count("\n") == 1


def test_an_existing_output_folder_is_refused_in_indonesian(tmp_path):
    """The folder exists and neither --resume nor --overwrite was given."""
    out = tmp_path / "existing"
    out.mkdir()
    done = cli("run", SCENARIO, "--out", out, "--lang", "id")
    refused(done, f"{out} sudah ada", "pakai --resume", "--overwrite untuk mulai dari awal")
    assert list(out.iterdir()) == []


def test_argparse_says_its_own_errors_in_indonesian():
    """An unknown command, an unknown flag, a missing argument: argparse's words translated."""
    unknown = cli("frobnicate", "--lang", "id")
    refused(unknown, "penggunaan: umkm-sim", "kesalahan:", "pilihan tidak sah: 'frobnicate'")
    flag = cli("run", SCENARIO, "--bogus", "--lang", "id")
    refused(flag, "umkm-sim: kesalahan: argumen tidak dikenal: --bogus")
    missing = cli("target", SCENARIO, "--at-most", "0.1", "--lang=id")
    refused(missing, "umkm-sim target: kesalahan: argumen berikut wajib diberikan: --lever")
    typed = cli("run", SCENARIO, "--replications", "0", "--lan", "id")
    refused(typed, "argumen --replications: harus >= 1, isinya 0")


def test_help_of_run_is_indonesian():
    """Headings, argparse's own lines, the description and every flag's help; flags as written."""
    done = cli("run", "--help", "--lang", "id")
    assert done.returncode == 0, done.stderr
    for words in (
        "penggunaan: umkm-sim run",
        "Jalankan replikasi sebuah skenario",
        "argumen posisi:",
        "opsi:",
        "tampilkan pesan bantuan ini lalu keluar",
        "berkas YAML skenario",
        "selesaikan simulasi yang terhenti di DIR",
        "--replications N",
        "--max-replications N",
    ):
        assert words in done.stdout, words
    for english in ("usage:", "positional arguments", "show this help", "scenario YAML file"):
        assert english not in done.stdout


def test_the_locale_chooses_the_language_of_the_help():
    """LANG=id_ID.UTF-8 without --lang: Indonesian; --lang en still wins over the locale."""
    indonesian = cli("run", "--help", env=INDONESIAN)
    assert indonesian.returncode == 0, indonesian.stderr
    assert "penggunaan: umkm-sim run" in indonesian.stdout
    assert "berkas YAML skenario" in indonesian.stdout
    english = cli("run", "--help", "--lang", "en", env=INDONESIAN)
    assert "usage: umkm-sim run" in english.stdout
    assert "scenario YAML file" in english.stdout


def test_an_unknown_language_is_one_clear_line():
    """--lang xx: refused by argparse in the locale's language, exit 2, no traceback."""
    indonesian = cli("run", SCENARIO, "--lang", "xx", env=INDONESIAN)
    refused(indonesian, "argumen --lang: pilihan tidak sah: 'xx' (pilih dari 'en', 'id')")
    assert indonesian.stderr.splitlines()[-1].startswith("umkm-sim run: kesalahan: ")
    english = cli("run", SCENARIO, "--lang", "xx", env=ENGLISH)
    refused(english, "argument --lang: invalid choice: 'xx' (choose from 'en', 'id')")


def test_set_language_refuses_an_unknown_one_in_the_current_language():
    """The library's own check says the same, in the language spoken."""
    with pytest.raises(ValueError, match=r"^--lang: one of en, id, got 'xx'$"):
        i18n.set_language("xx")
    with speaking("id"), pytest.raises(ValueError, match=r"^--lang: salah satu dari en, id"):
        i18n.set_language("xx")


def test_an_interrupted_experiment_says_so_in_indonesian(tmp_path, monkeypatch, capsys):
    """What finished, what did not, and where it is kept for --resume."""

    def interrupted(**execution):  # noqa: ARG001 (what a question is asked with)
        raise Interrupted("interrupted", 3, 5)

    monkeypatch.setitem(QUESTIONS, "run", lambda args, scenario: interrupted)  # noqa: ARG005
    status = main(["run", str(SCENARIO), "--out", str(tmp_path / "out"), "--lang", "id"])
    assert status == 130
    said = capsys.readouterr().err
    assert said.startswith("dihentikan: 3 simulasi selesai, 5 belum; semuanya tersimpan di ")
    assert "runs.sqlite: jalankan perintah yang sama dengan --resume" in said


def test_the_progress_bar_speaks_indonesian():
    """Runs done, runs per second and time left; numbers the Indonesian way."""
    stream = Terminal()
    with speaking("id"):
        bar = ProgressBar(stream=stream)
        bar.expect(4000, Plan(1, 4000))
        bar.advance(1000)
        bar._drawn = 0  # noqa: SLF001 (allow an immediate redraw)
        bar.advance(1000)
        bar.close()
    text = stream.getvalue()
    assert "2000/4000 simulasi" in text
    assert "simulasi/detik" in text
    assert "sisa " in text


def test_every_command_is_described_in_both_languages():
    """Each command's one-line help and --help description exist, and differ in Indonesian."""

    def described() -> dict[str, tuple[str, str]]:
        parser = build_parser()
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001
        helps = {c.dest: c.help for c in commands._choices_actions}  # noqa: SLF001
        return {name: (helps[name], sub.description) for name, sub in commands.choices.items()}

    with speaking("en"):
        english = described()
    with speaking("id"):
        indonesian = described()
    assert set(english) == set(QUESTIONS) | {"discover", "fit", "app", "report", "check", "schema"}
    for name, (summary, description) in english.items():
        assert summary, name
        assert description, name
        assert indonesian[name][0] != summary, name
        assert indonesian[name][1] != description, name


def test_every_argparse_phrase_we_translate_is_one_argparse_says():
    """A Python whose argparse words a phrase differently would leave it in English: say so."""
    source = ast.parse(inspect.getsource(argparse))
    said = {
        node.args[0].value
        for node in ast.walk(source)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "_"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    ours = re.findall(r'^\s+"(.+?)": _\(', inspect.getsource(_argparse_words), re.MULTILINE)
    assert len(ours) > 15
    assert [p for p in ours if p.encode().decode("unicode_escape") not in said] == []


def test_translations_keep_every_percent_placeholder():
    """What argparse fills (``%(prog)s``, ``%s``) and a help's ``%%`` (a percent sign) are kept."""
    for english, indonesian in catalogue().items():
        assert sorted(PERCENT.findall(english)) == sorted(PERCENT.findall(indonesian)), english
