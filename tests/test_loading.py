"""Scenario files: every bad input names file, line and key path and says what was expected."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.scenario.loading import derive
from sim.scenario.overrides import parse_assignment
from sim.scenario.yamlio import to_yaml

from strategies import scenarios

GOOD = textwrap.dedent(
    """\
    name: example
    horizon_days: 28
    products:
      peyek: {shelf_life_days: 60}
      bonting: {}
    kitchens:
      - name: peyek-makers
        count: 8
        product: peyek
        daily_output: {distribution: gamma, mean: 300, cv: 0.3}
      - name: bonting-makers
        count: 2
        product: bonting
        daily_output:
          distribution: gamma
          mean: 100
          cv: 0.3
    buyers:
      - name: zurich
        every_days: 7
        quota: {peyek: 5000, bonting: 1000}
    """
)


def problems(text: str, overrides=None) -> list[str]:
    """The problems reported for a scenario text (which must be invalid)."""
    with pytest.raises(sim.ScenarioError) as caught:
        sim.parse_scenario(text, "x.yaml", overrides)
    return caught.value.problems


def test_the_issue_example_message_is_reproduced_exactly():
    """The contract's example: file:line: key path with list items by name: message, got value."""
    text = GOOD.replace("mean: 100", "mean: -5")
    assert problems(text) == [
        "x.yaml:16: kitchens[bonting-makers].daily_output.mean: must be >= 0, got -5"
    ]


BAD = [
    (
        "name: example",
        "x.yaml:2: description: unknown language 'fr' (expected one of: en, id)",
        "name: example\ndescription: {fr: bonjour}",
    ),
    (
        "horizon_days: 28",
        "x.yaml:2: horizonn_days: unknown key 'horizonn_days' (did you mean 'horizon_days'?",
        "horizonn_days: 28",
    ),
    (
        "peyek: {shelf_life_days: 60}",
        "x.yaml:4: products.peyek.shelf_life_day: unknown key 'shelf_life_day' (did you mean 'shelf_life_days'?",
        "peyek: {shelf_life_day: 60}",
    ),
    (
        "count: 8",
        "x.yaml:8: kitchens[peyek-makers].count: must be a whole number, got 'many'",
        "count: many",
    ),
    (
        "count: 2",
        "x.yaml:12: kitchens[bonting-makers].count: must be a whole number, got 2.5",
        "count: 2.5",
    ),
    (
        "distribution: gamma\n",
        "x.yaml:14: kitchens[bonting-makers].daily_output: unknown distribution 'gama'",
        "distribution: gama\n",
    ),
    (
        "{distribution: gamma, mean: 300, cv: 0.3}",
        "x.yaml:10: kitchens[peyek-makers].daily_output.cv: required key is missing",
        "{distribution: gamma, mean: 300}",
    ),
    (
        "{distribution: gamma, mean: 300, cv: 0.3}",
        "x.yaml:10: kitchens[peyek-makers].daily_output: needs a 'distribution' key",
        "{mean: 300, cv: 0.3}",
    ),
    (
        "product: bonting",
        "x.yaml:13: kitchens[bonting-makers].product: unknown product 'bontin' (products: peyek, bonting)",
        "product: bontin",
    ),
    (
        "name: bonting-makers",
        "x.yaml:11: kitchens[peyek-makers].name: name 'peyek-makers' is used twice in kitchens",
        "name: peyek-makers",
    ),
    (
        "quota: {peyek: 5000, bonting: 1000}",
        "x.yaml:21: buyers[zurich].quota.cake: unknown product 'cake'",
        "quota: {peyek: 5000, cake: 1000}",
    ),
    (
        "quota: {peyek: 5000, bonting: 1000}",
        "x.yaml:21: buyers[zurich].quota.peyek: must be >= 1, got 0",
        "quota: {peyek: 0, bonting: 1000}",
    ),
    (
        "every_days: 7",
        "x.yaml:20: buyers[zurich].every_days: the first shipment (day 70) falls after horizon_days (28)",
        "every_days: 70",
    ),
    (
        "every_days: 7",
        "x.yaml:21: buyers[zurich].first_day: must be <= horizon_days (28), got 29",
        "every_days: 7\n    first_day: 29",
    ),
    (
        "every_days: 7",
        "x.yaml:21: buyers[zurich].tolerance: must be < 1, got 1",
        "every_days: 7\n    tolerance: 1.0",
    ),
    (
        "every_days: 7",
        "x.yaml:21: buyers[zurich].shortfall: must be one of 'lost' or 'backorder', got 'later'",
        "every_days: 7\n    shortfall: later",
    ),
    (
        "every_days: 7",
        "x.yaml:21: duplicate key 'every_days' (first at line 20)",
        "every_days: 7\n    every_days: 14",
    ),
    (
        "name: zurich",
        "x.yaml:19: buyers[zur ich].name: names may hold only letters, digits, '-' and '_', got 'zur ich'",
        "name: zur ich",
    ),
    ("name: example", "x.yaml:1: name: must be text, got 2027", "name: 2027"),
    ("horizon_days: 28", "x.yaml:2: horizon_days: must be >= 1, got 0", "horizon_days: 0"),
    (
        "horizon_days: 28",
        "x.yaml:3: start_date: must be a date like 2027-01-04, got '2027-13-01'",
        "horizon_days: 28\nstart_date: 2027-13-01",
    ),
    (
        "product: peyek\n",
        "x.yaml:10: kitchens[peyek-makers].working_days[0]: must be one of",
        "product: peyek\n    working_days: [funday]\n",
    ),
    (
        "product: peyek\n",
        "x.yaml:10: kitchens[peyek-makers].working_days: lists a day twice",
        "product: peyek\n    working_days: [mon, mon]\n",
    ),
    (
        "{distribution: gamma, mean: 300, cv: 0.3}",
        "x.yaml:10: kitchens[peyek-makers].daily_output: cv must be > 1/sqrt(mean)",
        "{distribution: negative_binomial, mean: 300, cv: 0.01}",
    ),
    (
        "{distribution: gamma, mean: 300, cv: 0.3}",
        "x.yaml:10: kitchens[peyek-makers].daily_output: need low <= mode <= high",
        "{distribution: triangular, low: 5, mode: 1, high: 9}",
    ),
    (
        "{distribution: gamma, mean: 300, cv: 0.3}",
        "x.yaml:10: kitchens[peyek-makers].daily_output: low must be <= high",
        "{distribution: uniform, low: 9, high: 1}",
    ),
    (
        "{distribution: gamma, mean: 300, cv: 0.3}",
        "x.yaml:10: kitchens[peyek-makers].daily_output: weights must have one entry per value",
        "{distribution: empirical, values: [1, 2], weights: [1]}",
    ),
    (
        "{distribution: gamma, mean: 300, cv: 0.3}",
        "x.yaml:10: kitchens[peyek-makers].daily_output.mean: must be a finite number, got inf",
        "{distribution: gamma, mean: .inf, cv: 0.3}",
    ),
    ("kitchens:", "x.yaml:6: kitchens: must be a list", "kitchens: {}\nold_kitchens:"),
    (
        "horizon_days: 28",
        "x.yaml:5: labels.id.peyk: 'peyk' names no product, kitchen group, buyer, shock or policy",
        "horizon_days: 28\nlabels:\n  id:\n    peyk: peyek",
    ),
    (
        "horizon_days: 28",
        "x.yaml:4: labels.fr: must be one of 'en' or 'id', got 'fr'",
        "horizon_days: 28\nlabels:\n  fr: {peyek: peyek}",
    ),
    (
        "count: 8",
        "x.yaml:8: kitchens[peyek-makers].count: must be a whole number, got True",
        "count: yes",
    ),
]


@pytest.mark.parametrize(("old", "expected", "new"), BAD, ids=[b[1][:60] for b in BAD])
def test_bad_input_is_reported_with_file_line_and_key_path(old, expected, new):
    """Each mistake yields a message naming the file, the line and the key path."""
    assert old in GOOD
    found = problems(GOOD.replace(old, new, 1))
    assert any(p.startswith(expected) for p in found), found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "x.yaml:1: a scenario must be a mapping of keys, got empty"),
        ("- a\n- b\n", "x.yaml:1: a scenario must be a mapping of keys, got a list"),
        ("name: [unclosed\n", "x.yaml:2: YAML syntax error"),
        ("name: !!python/object/apply:os.system ['echo owned']\n", "x.yaml:1: YAML syntax error"),
        ("a: &x [1]\nb: *y\n", "x.yaml:2: YAML syntax error: found undefined alias"),
    ],
)
def test_files_that_are_not_scenario_yaml(text, expected):
    """Empty files, lists, broken or unsafe YAML never get as far as the schema."""
    assert problems(text)[0].startswith(expected)


def test_every_problem_is_reported_not_just_the_first():
    """Independent mistakes are all listed, each with its own line."""
    text = GOOD.replace("count: 8", "count: -8").replace("every_days: 7", "every_days: 0")
    assert [p.split(":")[1] for p in problems(text)] == ["8", "20"]


def test_missing_and_unreadable_files(tmp_path):
    """A missing file, a folder or a binary file gets one clear line."""
    with pytest.raises(sim.ScenarioError, match="no such file"):
        sim.load_scenario(tmp_path / "nope.yaml")
    with pytest.raises(sim.ScenarioError, match="is a directory"):
        sim.load_scenario(tmp_path)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00name")
    with pytest.raises(sim.ScenarioError, match="not UTF-8"):
        sim.load_scenario(binary)


def test_overrides_address_list_items_by_name_and_create_optional_sections():
    """Dotted paths: list items by name (or index), missing sections created on the way."""
    s = sim.parse_scenario(
        GOOD,
        "x.yaml",
        {
            "kitchens.peyek-makers.count": 12,
            "kitchens.1.daily_output.mean": 50,
            "buyers.zurich.quota.peyek": 4000,
            "warehouse.capacity": 100,
        },
    )
    assert s.kitchens[0].count == 12
    assert s.kitchens[1].daily_output.mean == 50
    assert s.buyers[0].quota == {"peyek": 4000, "bonting": 1000}
    assert s.warehouse.capacity == 100


def test_bad_overrides_name_the_override_not_a_line():
    """An override that breaks the scenario is blamed, not the file's line."""
    assert problems(GOOD, {"kitchens.peyek-makers.count": -1}) == [
        ("--set kitchens.peyek-makers.count=-1: kitchens[peyek-makers].count: must be >= 0, got -1")
    ]
    assert problems(GOOD, {"kitchens.nobody.count": 1}) == [
        (
            "--set kitchens.nobody.count=1: no item named 'nobody' in kitchens "
            "(names: peyek-makers, bonting-makers)"
        )
    ]
    assert problems(GOOD, {"name.first": 1}) == [
        "--set name.first=1: name is a single value, it has no 'first'"
    ]


def test_assignments_read_their_value_as_yaml():
    """--set values are YAML: numbers, lists and mappings come out typed."""
    assert parse_assignment("a.b=12") == ("a.b", 12)
    assert parse_assignment("a=[mon, tue]") == ("a", ["mon", "tue"])
    assert parse_assignment("a={distribution: poisson, mean: 3}") == (
        "a",
        {"distribution": "poisson", "mean": 3},
    )
    with pytest.raises(sim.ScenarioError, match="expected PATH=VALUE"):
        parse_assignment("a.b")


def test_derive_makes_a_new_scenario_and_leaves_the_old_one_alone():
    """Variants are new objects; the original is unchanged and immutable."""
    s = sim.parse_scenario(GOOD)
    t = derive(s, {"kitchens.peyek-makers.count": 9})
    assert (s.kitchens[0].count, t.kitchens[0].count) == (8, 9)
    with pytest.raises(ValueError, match="frozen"):
        s.kitchens[0].count = 3


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_scenarios_round_trip_through_yaml(s):
    """to_yaml then parse gives an equal scenario (so scenario.yaml reproduces a run)."""
    again = sim.parse_scenario(to_yaml(s))
    assert again == s
    assert again.model_dump() == s.model_dump()


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, len(GOOD) - 1),
    st.integers(0, 12),
    st.text(alphabet=" -:{}[],.!&*#'\"|>%@`0123456789aeyx\n\t", max_size=6),
)
def test_any_damaged_file_gives_a_scenario_or_a_clear_error(at, cut, insert):
    """Damage the good file anywhere: the loader returns a scenario or a ScenarioError only."""
    text = GOOD[:at] + insert + GOOD[at + cut :]
    try:
        sim.parse_scenario(text, "x.yaml")
    except sim.ScenarioError as exc:
        found = exc.problems
    else:
        found = []
    assert all(p.startswith("x.yaml") for p in found)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_text_gives_a_scenario_or_a_clear_error(text):
    """Arbitrary text never escapes as anything but a ScenarioError."""
    try:
        sim.parse_scenario(text, "x.yaml")
    except sim.ScenarioError as exc:
        assert exc.problems  # noqa: PT017 (success is also fine, so no pytest.raises)
