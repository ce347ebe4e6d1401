"""Scenario and records problems in Bahasa Indonesia: the prose translated, never the place.

File, line and key path stay as the user wrote them; only the words around them change. The
English of the same problems is checked, word for word, in ``test_loading.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from test_loading import BAD, GOOD

import sim
from sim.i18n import speaking
from sim.scenario.messages import locate

from conftest import ROOT, cli
from strategies import hostile_yaml

BALIKPAPAN = yaml.safe_load((ROOT / "scenarios" / "balikpapan.yaml").read_text(encoding="utf-8"))


def problems(text: str, language: str, overrides=None) -> list[str]:
    """The problems reported for a scenario text (which must be invalid), in ``language``."""
    with speaking(language), pytest.raises(sim.ScenarioError) as caught:
        sim.parse_scenario(text, "x.yaml", overrides)
    return caught.value.problems


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "count: 2",
            "count: 2.5",
            "x.yaml:12: kitchens[bonting-makers].count: harus berupa bilangan bulat, isinya 2.5",
        ),
        (
            "mean: 100",
            "mean: -5",
            "x.yaml:16: kitchens[bonting-makers].daily_output.mean: harus >= 0, isinya -5",
        ),
        (
            "horizon_days: 28",
            "horizonn_days: 28",
            (
                "x.yaml:2: horizonn_days: kunci 'horizonn_days' tidak dikenal "
                "(mungkin maksudnya 'horizon_days'? yang dikenal: name, "
            ),
        ),
        (
            "{distribution: gamma, mean: 300, cv: 0.3}",
            "{distribution: gamma, mean: 300}",
            "x.yaml:10: kitchens[peyek-makers].daily_output.cv: kunci wajib tidak ada",
        ),
        (
            "product: bonting",
            "product: bontin",
            (
                "x.yaml:13: kitchens[bonting-makers].product: produk 'bontin' tidak dikenal "
                "(produk yang ada: peyek, bonting)"
            ),
        ),
        (
            "every_days: 7",
            "every_days: 7\n    shortfall: later",
            (
                "x.yaml:21: buyers[zurich].shortfall: harus salah satu dari 'lost' atau "
                "'backorder', isinya 'later'"
            ),
        ),
        (
            "every_days: 7",
            "every_days: 70",
            (
                "x.yaml:20: buyers[zurich].every_days: pengiriman pertama (hari ke-70) jatuh "
                "setelah horizon_days (28); isi first_day atau perpanjang periode simulasi"
            ),
        ),
        (
            "every_days: 7",
            "every_days: 7\n    every_days: 14",
            "x.yaml:21: kunci 'every_days' ganda (pertama kali di baris 20)",
        ),
        (
            "{distribution: gamma, mean: 300, cv: 0.3}",
            "{distribution: uniform, low: 5, high: 3}",
            (
                "x.yaml:10: kitchens[peyek-makers].daily_output: low harus <= high, "
                "isinya low=5.0, high=3.0"
            ),
        ),
        ("name: example", "name: [example", "x.yaml:2: kesalahan sintaks YAML: "),
    ],
)
def test_a_bad_scenario_is_explained_in_indonesian_at_the_same_place(old, new, expected):
    """The key path and the value exactly as written; the words Indonesian."""
    text = GOOD.replace(old, new, 1)
    assert text != GOOD
    found = problems(text, "id")
    assert any(p.startswith(expected) for p in found), found


@pytest.mark.parametrize(("good", "expected", "bad"), BAD)
def test_every_bad_input_of_the_english_table_says_the_same_place_in_other_words(
    good, expected, bad
):
    """One problem for one, each at the same file and line, none left in English."""
    text = GOOD.replace(good, bad, 1)
    english, indonesian = problems(text, "en"), problems(text, "id")
    assert expected in "\n".join(english)  # the English is the table's, unchanged
    assert len(indonesian) == len(english)
    for en, id_ in zip(english, indonesian, strict=True):
        assert id_.split(": ")[0] == en.split(": ")[0]
        assert id_ != en


def test_overrides_and_policies_are_blamed_in_indonesian():
    """A --set path that leads nowhere, and a policy that breaks the scenario."""
    found = problems(GOOD, "id", {"kitchens.nobody.count": 3})
    assert found == [
        (
            "--set kitchens.nobody.count=3: tidak ada butir bernama 'nobody' di kitchens "
            "(nama yang ada: peyek-makers, bonting-makers)"
        )
    ]
    policy = GOOD + "policies:\n  big: {kitchens.peyek-makers.count: -1}\n"
    assert problems(policy, "id") == [
        "x.yaml:23: policies.big: kitchens[peyek-makers].count: harus >= 0, isinya -1"
    ]


def test_a_problem_we_have_no_words_for_is_still_said_in_indonesian_without_a_crash():
    """Pydantic's own message where we have none of ours; the place and value still ours."""
    # Kinds whose English is pydantic's: in Indonesian, ours.
    text = GOOD.replace("mean: 100", "mean: a* 3").replace("name: example", "name: ''")
    assert problems(text, "en") == [
        "x.yaml:1: name: String should have at least 1 character, got ''",
        (
            "x.yaml:16: kitchens[bonting-makers].daily_output.mean: Input should be a valid "
            "number, unable to parse string as a number, got 'a* 3'"
        ),
    ]
    assert problems(text, "id") == [
        "x.yaml:1: name: teks harus berisi paling sedikit 1 karakter, isinya ''",
        (
            "x.yaml:16: kitchens[bonting-makers].daily_output.mean: harus berupa angka "
            "(teksnya tidak terbaca sebagai angka), isinya 'a* 3'"
        ),
    ]
    # A kind pydantic may add one day, with a context our messages do not know: its own words.
    data = {"name": "x"}
    error = {"type": "brand_new", "loc": ("name",), "msg": "Something new", "input": "x"}
    error["ctx"] = {"expected": "{got}", "odd": object()}
    with speaking("id"):
        said = locate(error, data, "x.yaml", {("name",): 3}, {})
    assert said == "x.yaml:3: name: Something new, isinya 'x'"


@given(text=hostile_yaml(BALIKPAPAN))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_hostile_scenario_is_refused_in_indonesian_as_in_english(text):
    """Whatever is wrong, Indonesian says as many problems, at the same places, printably."""
    try:
        with speaking("en"):
            sim.parse_scenario(text, "fuzz.yaml")
    except sim.ScenarioError as exc:
        english = exc.problems
    else:
        return
    with speaking("id"), pytest.raises(sim.ScenarioError) as caught:
        sim.parse_scenario(text, "fuzz.yaml")
    indonesian = caught.value.problems
    assert len(indonesian) == len(english)
    for en, id_ in zip(english, indonesian, strict=True):
        assert id_.isprintable()
        assert id_.split(": ")[0] == en.split(": ")[0]


def test_the_command_line_says_a_bad_scenario_in_indonesian(write_yaml):
    """Exit 2, one line per problem, no traceback; file, line and key path as written."""
    path = write_yaml(GOOD.replace("count: 2", "count: 2.5").replace("mean: 100", "mean: -5"))
    done = cli("run", path, "--lang", "id", "--replications", "2")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        f"{path}:12: kitchens[bonting-makers].count: harus berupa bilangan bulat, isinya 2.5",
        f"{path}:16: kitchens[bonting-makers].daily_output.mean: harus >= 0, isinya -5",
    ]
    missing = cli("run", path.with_name("nowhere.yaml"), "--lang", "id")
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"{path.with_name('nowhere.yaml')}: berkas tidak ditemukan"


def test_bad_records_are_refused_in_indonesian(tmp_path: Path):
    """umkm-sim fit: file, line and column as in the file, the words Indonesian; nothing written."""
    path = tmp_path / "bad.csv"
    path.write_text("kitchen,date,packs\nK1,2025-01-02,ten\nK1,31/01/2025,3\n", encoding="utf-8")
    done = cli("fit", path, "--lang", "id", "--out", tmp_path / "out")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        f"{path}:3: date: harus tanggal seperti 2025-01-31, isinya '31/01/2025'"
    )
    path.write_text("kitchen,date,packs\nK1,2025-01-02,ten\n", encoding="utf-8")
    done = cli("fit", path, "--lang", "id", "--out", tmp_path / "out")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"{path}:2: packs: jumlah bungkus harus bilangan bulat, 0 sampai 1.000.000, isinya 'ten'"
    )
    assert not (tmp_path / "out").exists()
