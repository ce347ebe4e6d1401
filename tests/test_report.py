"""The report: one self-contained page that says the answers in sentences."""

from __future__ import annotations

import re

import pytest

from sim.cli import main
from sim.i18n import speaking
from sim.reporting.kinds import KINDS

from conftest import ROOT, cli

SCENARIO = ROOT / "scenarios" / "balikpapan.yaml"


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """Output folders of a run, a comparison, a sweep, a target and a sensitivity, reported."""
    base = tmp_path_factory.mktemp("reports")
    commands = {
        "run": ["run"],
        "compare": ["compare"],
        "sweep": ["sweep", "--sweep", "kitchens.cake-makers.count=4,6"],
        "target": [
            "target",
            "--lever",
            "kitchens.cake-makers.count",
            "--at-most",
            "0.3",
            "--buyer",
            "shanghai",
        ],
        "sensitivity": ["sensitivity", "--lever", "finance.fund"],
    }
    made = {}
    for kind, args in commands.items():
        out = base / kind
        done = cli(
            args[0], SCENARIO, *args[1:], "--replications", "3", "--out", out, "--report", "--quiet"
        )
        # With 3 replications the target is not met: exit status 3, its files still written.
        assert done.returncode == (3 if kind == "target" else 0), done.stderr
        made[kind] = out
    return made


@pytest.mark.parametrize("kind", ["run", "compare", "sweep", "target", "sensitivity"])
def test_report_is_self_contained_and_says_its_provenance(kind, folders):
    """Images embedded, nothing fetched from the network; scenario, seed and version named."""
    page = (folders[kind] / "report.html").read_text()
    assert "<h2>The question</h2>" in page
    assert "<h2>The scenario</h2>" in page
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)
    assert "<script" not in page
    for name in ("stock", "forest", "sweep", "tornado"):
        if (folders[kind] / f"{name}.png").exists():
            assert page.count('src="data:image/png;base64,') >= 1
    assert "balikpapan-baseline" in page
    assert "umkm-sim 0." in page
    assert "<td>seed</td><td>1</td>" in page


def test_run_report_answers_in_sentences_with_confidence_intervals(folders):
    """A non-specialist reads the answer: a buyer, a percentage, its CI."""
    page = (folders["run"] / "report.html").read_text()
    dash = "\N{EN DASH}"
    assert re.search(
        rf"The Zurich buyer&#x27;s quota is missed in \d+% \(95% CI \d+{dash}\d+%\)", page
    )
    assert page.count("<img") == 5  # stock, miss rates, shortfall, survival, cash


def test_compare_report_says_what_each_policy_changes(folders):
    """Each policy's effect on the miss rate, in points, with its CI."""
    page = (folders["compare"] / "report.html").read_text()
    assert re.search(
        r"Policy buffer-stock (lowers|raises) it by [\d.]+ percentage points \(95% CI", page
    )


def test_report_on_a_folder_without_results_is_a_clear_error(tmp_path, capsys):
    """Nothing to report: exit 2 and say why."""
    assert main(["report", str(tmp_path)]) == 2
    assert "no results to report" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "missing")]) == 2


def test_every_caption_says_what_to_see():
    """A caption is a sentence on how to read its figure, in each language, not a title again."""
    for language in ("en", "id"):
        with speaking(language):
            for kind in KINDS:
                for name, caption in kind.captions.items():
                    said = caption()
                    assert said.endswith("."), (language, kind.name, name, said)
                    assert len(said.split()) >= 12, (language, kind.name, name, said)
