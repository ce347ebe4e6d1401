"""Bahasa Indonesia: every marked string translated, numbers formatted the Indonesian way."""

from __future__ import annotations

import base64
import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from sim import i18n
from sim.i18n import LOCALES, number, percent, rupiah, speaking

from conftest import ROOT, cli

PLACEHOLDER = re.compile(r"\{([^}]*)\}")  # the name and its format spec


def marked() -> set[str]:
    """Every string marked for translation in the package (``_("...")``), as Babel finds it."""
    found = extract_from_dir(
        str(ROOT / "sim"), keywords={"_": None, "Message": None}, comment_tags=()
    )
    return {message for _, _, message, *_ in found}


def catalogue() -> dict[str, str]:
    """The Indonesian catalogue: msgid -> msgstr."""
    with (LOCALES / "id" / "LC_MESSAGES" / "umkm-sim.po").open("rb") as f:
        return {m.id: m.string for m in read_po(f) if m.id and not m.fuzzy}


def test_every_user_visible_string_has_its_indonesian_translation():
    """A string marked in the code but missing (or empty) in the catalogue fails here."""
    strings, translated = marked(), catalogue()
    assert len(strings) > 90
    missing = sorted(s for s in strings if not translated.get(s))
    assert missing == [], f"add to sim/locale/id/LC_MESSAGES/umkm-sim.po: {missing}"


def test_no_string_is_marked_inside_an_f_string():
    """Babel cannot see ``_("...")`` inside an f-string: such a string would go untranslated."""
    hidden = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "sim").rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\{_\(", line)
    ]
    assert hidden == []


def test_translations_keep_every_placeholder():
    """``{buyer}`` in English is ``{buyer}`` in Indonesian: formatting never fails."""
    for english, indonesian in catalogue().items():
        assert sorted(PLACEHOLDER.findall(english)) == sorted(PLACEHOLDER.findall(indonesian)), (
            english
        )


def test_numbers_shares_and_rupiah_follow_the_language():
    """Grouping and decimal marks swap; the rupiah keeps its symbol."""
    with speaking("en"):
        assert (number(2_000_000_000), percent(0.241), rupiah(1_500)) == (
            "2,000,000,000",
            "24.1%",
            "Rp 1,500",
        )
    with speaking("id"):
        assert (number(2_000_000_000), percent(0.241), rupiah(1_500)) == (
            "2.000.000.000",
            "24,1%",
            "Rp 1.500",
        )


@pytest.mark.parametrize(
    ("environment", "expected"),
    [({"LANG": "id_ID.UTF-8"}, "id"), ({"LANG": "C.UTF-8"}, "en"), ({"LANGUAGE": "id:en"}, "id")],
)
def test_the_default_language_comes_from_the_locale(monkeypatch, environment, expected):
    """Indonesian when the environment asks for it, else English."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    assert i18n.default_language() == expected


def test_run_and_report_speak_indonesian(tmp_path):
    """The summary table and the report in Bahasa Indonesia, numbers the Indonesian way."""
    out = tmp_path / "run"
    args = ["run", ROOT / "scenarios" / "balikpapan.yaml", "--replications", "4", "--quiet"]
    done = cli(*args, "--lang", "id", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "replikasi" in done.stdout
    assert "tingkat gagal" in done.stdout
    assert re.search(r"\d+,\d% ± \d+,\d%", done.stdout)  # 24,1% ± 6,0%
    assert re.search(r"\d{1,3}\.\d{3} ± ", done.stdout)  # 546.884 ± ...
    assert "ditulis ke" in done.stdout
    report = cli("report", out, "--lang", "id")
    assert report.returncode == 0, report.stderr
    page = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="id">' in page
    assert "Sanggupkah dapur-dapur memenuhi kuota?" in page
    assert "Dua puluh dapur rumahan di Balikpapan" in page  # the scenario's own words in id
    assert "Rp 2.000.000.000" in page
    english = cli(*args)
    assert "replications" in english.stdout
    assert "replikasi" not in english.stdout


def test_compare_speaks_indonesian(tmp_path):
    """The comparison table, and its report section, in Bahasa Indonesia."""
    out = tmp_path / "compare"
    args = ["compare", ROOT / "scenarios" / "balikpapan.yaml", "--replications", "3"]
    done = cli(*args, "--quiet", "--workers", "1", "--lang", "id", "--out", out, "--report")
    assert done.returncode == 0, done.stderr
    assert "kebijakan dibandingkan kondisi sekarang" in done.stdout
    assert re.search(r"[+-]\d+,\d\d \[[+-]\d+,\d\d; [+-]\d+,\d\d\] poin", done.stdout)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Dalam kondisi sekarang" in page


def test_figure_ticks_use_the_languages_decimal_mark():
    """Matplotlib writes ``0.5``; in Indonesian the tick says ``0,5`` (``1.000``: a thousand)."""
    import sim  # noqa: PLC0415
    from sim.reporting.plots import plot_miss_rates, plot_stock  # noqa: PLC0415
    from sim.scenario.loading import load_scenario  # noqa: PLC0415

    results = sim.run(load_scenario(ROOT / "scenarios" / "teaching-poisson.yaml"), replications=4)

    def ticks(draw, language):
        with speaking(language):
            fig = draw(results)
            fig.canvas.draw()
        return [t.get_text() for ax in fig.get_axes() for t in ax.get_xticklabels()]

    english, indonesian = ticks(plot_miss_rates, "en"), ticks(plot_miss_rates, "id")
    assert any(re.fullmatch(r"\d+\.\d%", t) for t in english)
    assert [t.replace(".", ",") for t in english] == indonesian
    assert ticks(plot_stock, "en") == ticks(plot_stock, "id")  # whole days: nothing to swap


def test_a_report_speaks_its_readers_language_whatever_the_runs(tmp_path):
    """An English run reported in Indonesian: its stored sentences too, its figures redrawn."""
    cheap, run = tmp_path / "cheapest", tmp_path / "run"
    quiet = ["--quiet", "--workers", "1", "--replications", "5"]
    where = ["--where", "quota_miss_rate<=0.15"]
    done = cli("cheapest", ROOT / "scenarios" / "balikpapan.yaml", *quiet, *where, "--out", cheap)
    assert done.returncode == 3, done.stderr  # no candidate chosen: its files still written
    assert "candidate" in done.stdout
    done = cli("run", ROOT / "scenarios" / "teaching-poisson.yaml", *quiet, "--out", run)
    assert done.returncode == 0, done.stderr
    for folder in (cheap, run):
        assert cli("report", folder, "--lang", "id").returncode == 0
    page = (cheap / "report.html").read_text(encoding="utf-8")
    assert "Tidak ada kandidat yang memenuhi tingkat gagal kuota (semua pembeli) &lt;= 15%" in page
    assert "No candidate" not in page
    assert "ruled out" not in page
    # The run's figures are drawn again from its stored runs, in Indonesian.
    page = (run / "report.html").read_text(encoding="utf-8")
    english = base64.b64encode((run / "miss_rates.png").read_bytes()).decode("ascii")
    assert page.count("data:image/png") == len(list(run.glob("*.png")))
    assert english not in page
    assert "bahasa Inggris" not in page
    # Without the store they cannot be: the English ones are shown, and the report says so.
    (run / "runs.sqlite").unlink()
    assert cli("report", run, "--lang", "id").returncode == 0
    page = (run / "report.html").read_text(encoding="utf-8")
    assert english in page
    assert "Gambar ini dalam bahasa Inggris" in page
    assert cli("report", run, "--lang", "en").returncode == 0
    assert "language of the run" not in (run / "report.html").read_text(encoding="utf-8")


def test_numbers_round_as_python_does_and_nan_stays_nan():
    """Rounded from the exact binary value, as ``format`` rounds; NaN neither signed nor padded."""
    for value, decimals in [(0.225, 2), (2.675, 2), (0.125, 2), (2.5, 0), (1234.5678, 1)]:
        assert number(value, decimals, grouped=False) == f"{value:.{decimals}f}"
    with speaking("id"):
        assert number(float("nan"), 2) == "NaN"
        assert i18n.signed(float("nan"), 1) == "NaN"
        assert percent(float("nan")) == "NaN"
