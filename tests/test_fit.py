"""Input modelling: fits recover what generated the records, and bad records are refused."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
import yaml

import sim
from sim.engine.kitchens import packs_made, presence
from sim.inputs import fit_records, read_deliveries
from sim.inputs.absence import Transitions, net_of_zero_days
from sim.inputs.counts import LEVEL, fit_counts
from sim.inputs.differ import kitchens_differ
from sim.inputs.records import RecordsError
from sim.reporting.kinds.fit import fragment
from sim.scenario.distributions import NegativeBinomial
from sim.scenario.mechanisms import Absence

from conftest import ROOT, cli

START = dt.date(2025, 1, 1)
TRUTH = {"mean": 40.0, "cv": 0.45, "fraction": 0.06, "spell": 3.0}
SMALL = {"mean": 2.0, "cv": 1.0, "fraction": 0.15, "spell": 3.0}
"""Small, zero-prone output: negative binomial, P(0) = (n / (n + mean))^n = 0.25 (n = 2)."""


def records(seed: int, kitchens: int = 15, days: int = 365, means=None) -> pd.DataFrame:
    """A year of deliveries: negative binomial output, the absence chain, Monday to Saturday.

    Drawn as the engine draws them (numpy's negative binomial with mean and cv, and the
    engine's own presence chain); only days with a delivery have a row.
    """
    rng = np.random.default_rng(seed)
    means = np.full(kitchens, TRUTH["mean"]) if means is None else np.asarray(means, float)
    var = (TRUTH["cv"] * means) ** 2
    p = means / var
    n = means * p / (1 - p)
    packs = rng.negative_binomial(n[:, None], p[:, None], (kitchens, days))
    absence = Absence(fraction=TRUTH["fraction"], mean_spell_days=TRUTH["spell"])
    packs *= presence(absence, kitchens, days, rng)
    dates = pd.date_range(START, periods=days, freq="D")
    packs[:, dates.day_of_week == 6] = 0  # Sundays off
    k, d = np.nonzero(packs)
    return pd.DataFrame(
        {"kitchen": [f"K{i:02d}" for i in k], "date": dates[d], "packs": packs[k, d]}
    )


def test_the_fit_recovers_what_generated_the_records():
    """Over five seeds: negative binomial chosen; mean, cv, absence share and spell in CI.

    Twenty 95% intervals: at most three may miss (P(4 or more misses) = 1.6% at 95%).
    """
    misses = 0
    for seed in range(5):
        fit = fit_records(records(seed), "synthetic")
        assert fit.output.chosen.name == "negative_binomial"
        assert fit.working_days == ["mon", "tue", "wed", "thu", "fri", "sat"]
        for estimate, true in (
            (fit.mean, TRUTH["mean"]),
            (fit.cv, TRUTH["cv"]),
            (fit.absence, TRUTH["fraction"]),
            (fit.spell, TRUTH["spell"]),
        ):
            misses += not estimate.low <= true <= estimate.high
        assert fit.chain_p < LEVEL  # spells, not single days
    assert misses <= 3


def test_poisson_counts_are_not_called_overdispersed_more_often_than_the_level():
    """60 Poisson(30) samples of 300: false alarms at most 5% + 2 SE (= 10.6%, 6 of 60)."""
    alarms = sum(
        fit_counts(np.random.default_rng(seed).poisson(30, 300)).overdispersed for seed in range(60)
    )
    assert alarms <= 60 * (LEVEL + 2 * np.sqrt(LEVEL * (1 - LEVEL) / 60))


def test_the_fragment_pasted_into_a_scenario_reproduces_the_weekly_deliveries():
    """The data's mean weekly deliveries fall within the 95% range of the fitted scenario's."""
    data = records(7)
    fitted = yaml.safe_load(fragment(fit_records(data, "synthetic", "p")))
    scenario = sim.Scenario.model_validate(
        {
            "name": "fitted",
            "horizon_days": 364,
            "start_date": START,
            "products": {"p": {}},
            "kitchens": fitted["kitchens"],
            "buyers": [{"name": "b", "every_days": 7, "quota": {"p": 1}}],
        }
    )
    made = sim.run(scenario, replications=200, seed=1, workers=1).products["made"]
    weekly = made.to_numpy() / 52
    observed = data[data.date < pd.Timestamp(START) + pd.Timedelta(days=364)].packs.sum() / 52
    low, high = np.percentile(weekly, [2.5, 97.5])
    assert low <= observed <= high


def test_kitchens_that_differ_are_split_into_groups():
    """Half the kitchens make 20 a day, half 60: the fit says so and suggests two groups."""
    fit = fit_records(records(3, kitchens=8, means=[20] * 4 + [60] * 4), "two kinds")
    assert fit.kitchens_p < LEVEL
    assert [g["name"] for g in fit.groups] == ["low", "high"]
    low, high = (g["daily_output"]["mean"] for g in fit.groups)
    assert low == pytest.approx(20, rel=0.1)
    assert high == pytest.approx(60, rel=0.1)


def test_the_example_records_fit_from_the_command_line(tmp_path):
    """The shipped synthetic example: fragment, tables and figures written; exit 0."""
    examples = ROOT / "data" / "examples"
    out = tmp_path / "fit"
    done = cli(
        "fit",
        examples / "kitchen-records.csv",
        "--transit",
        examples / "shipments.csv",
        "--out",
        out,
    )
    assert done.returncode == 0, done.stderr
    assert "negative_binomial" in done.stdout
    assert "transit_days:" in done.stdout
    wanted = {"fragment.yaml", "fit.json", "candidates.csv", "counts.png", "profiles.png"}
    assert wanted | {"transit.yaml", "transit.png"} <= {p.name for p in out.iterdir()}
    yaml.safe_load((out / "fragment.yaml").read_text())  # pastes as YAML


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kitchen,date,packs\nK1,2025-01-02,ten\n", "bad.csv:2: packs: a whole number"),
        ("kitchen,date,packs\nK1,2025-01-02,-3\n", "bad.csv:2: packs: a whole number"),
        ("kitchen,date,packs\nK1,2025-01-02,3\nK1,2025-01-02,4\n", "bad.csv:3: kitchen 'K1'"),
        ("kitchen,date,packs\nK1,02/31/2025,3\n", "bad.csv:2: date: a date like 2025-01-31"),
        ("kitchen,day,packs\nK1,2025-01-02,3\n", "bad.csv:1: no column 'date'"),
        ("kitchen,date,packs\n", "bad.csv: no rows under the header"),
        ("", "bad.csv: not a CSV table"),
    ],
)
def test_bad_records_are_refused_with_file_line_and_column(tmp_path, text, expected):
    """Exit 2, one line per problem, nothing written."""
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    done = cli("fit", path, "--out", tmp_path / "out")
    assert done.returncode == 2
    assert expected in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_reading_keeps_every_delivery_and_nothing_else():
    """Rows read back as written; a kitchen's missing days are simply absent rows."""
    data = records(1, kitchens=3, days=30)
    path_rows = data.assign(date=data.date.dt.date.astype(str))
    read = read_deliveries_from(path_rows)
    assert read.packs.sum() == data.packs.sum()
    assert len(read) == len(data)


def read_deliveries_from(rows: pd.DataFrame) -> pd.DataFrame:
    """Write rows to a temporary CSV and read them back."""
    import tempfile  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/r.csv"
        rows.to_csv(path, index=False)
        return read_deliveries(path)


def test_counts_no_distribution_fits_are_given_as_they_are():
    """Half the days 10 packs, half 50: nothing of ours fits; the counts become empirical."""
    counts = np.random.default_rng(4).choice([10, 50], size=400)
    fit = fit_counts(counts)
    assert fit.chosen.name == "empirical"
    spec = fit.chosen.spec()
    assert spec["values"] == [10, 50]
    assert sum(spec["weights"]) == 400
    sim.Scenario.model_validate(
        {
            "name": "empirical",
            "horizon_days": 7,
            "products": {"p": {}},
            "kitchens": [{"name": "k", "count": 1, "product": "p", "daily_output": spec}],
            "buyers": [{"name": "b", "every_days": 7, "quota": {"p": 1}}],
        }
    )  # the fragment's distribution is a valid one


def small_records(
    seed: int,
    *,
    zero_days: str = "omitted",
    kitchens: int = 15,
    days: int = 365,
    truth: dict[str, float] = SMALL,
    season: float = 0.0,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """A year of small outputs as the engine makes them; the records, the packs and the rows.

    The engine's own draws: ``NegativeBinomial.sample``, ``packs_made`` (with a month-by-month
    supply multiplier of amplitude ``season``) and the presence chain; Monday to Saturday. A
    day a kitchen is there and makes 0 packs has a row of 0 packs if ``zero_days`` is
    ``"recorded"``, none if ``"omitted"``.
    """
    rng = np.random.default_rng(seed)
    output = NegativeBinomial(distribution="negative_binomial", mean=truth["mean"], cv=truth["cv"])
    dates = pd.date_range(START, periods=days, freq="D")
    multiplier = 1 + season * np.sin(2 * np.pi * (dates.month.to_numpy() - 1) / 12)
    packs = packs_made(output.sample(rng, (kitchens, days)), multiplier)
    absence = Absence(fraction=truth["fraction"], mean_spell_days=truth["spell"])
    rows = presence(absence, kitchens, days, rng) & (dates.day_of_week != 6)[None, :]
    if zero_days == "omitted":
        rows &= packs > 0
    k, d = np.nonzero(rows)
    table = pd.DataFrame(
        {"kitchen": [f"K{i:02d}" for i in k], "date": dates[d], "packs": packs[k, d]}
    )
    return table, packs, rows


def test_small_zero_prone_output_is_recovered_from_records_without_zero_days():
    """NB mean 2, cv 1 (a quarter of days worked make 0 packs, and leave no row); absent 15%.

    Over six seeds the mean, cv, P(0) and share absent of the fit lie within their 95% CIs:
    24 intervals, at most 4 may miss (P(5 or more misses) = 0.6% at 95% coverage). The fit
    before zero truncation (a plain fit to the rows, zero days counted as absences) covered
    none of them: the empirical counts chosen, share absent about 0.36. The negative binomial
    is chosen, not the empirical counts, in at least five of six (98 of 100 seeds, measured).
    """
    misses, chosen = 0, 0
    for seed in range(6):
        fit = fit_records(small_records(seed)[0], "small")
        for estimate, true in (
            (fit.mean, SMALL["mean"]),
            (fit.cv, SMALL["cv"]),
            (fit.zero_share, 0.25),
            (fit.absence, SMALL["fraction"]),
        ):
            misses += not estimate.low <= true <= estimate.high
        chosen += fit.output.chosen.name == "negative_binomial"
        assert fit.output.zero_truncated
        assert fit.split == "fitted"
    assert misses <= 4
    assert chosen >= 5


def test_the_same_records_with_zero_days_recorded_give_the_same_answers():
    """The same draws, zero days given as rows of 0 packs and fitted with zero_days="recorded".

    Then a missing row is an absence and a 0 is output: nothing rests on the fitted P(0). The
    recorded fit's mean, cv and share absent lie within the omitted fit's 95% CIs (18
    intervals over six seeds, at most 3 misses: P(4 or more) = 1.1% at 95% coverage), both
    choose the negative binomial,
    and the recorded fit counts the zero days the omitted one could only expect.
    """
    misses = 0
    for seed in range(6):
        omitted = fit_records(small_records(seed)[0], "small")
        recorded = fit_records(
            small_records(seed, zero_days="recorded")[0], "small", None, "recorded"
        )
        for name in ("mean", "cv", "absence"):
            interval, value = getattr(omitted, name), getattr(recorded, name).value
            misses += not interval.low <= value <= interval.high
        assert recorded.output.chosen.name == omitted.output.chosen.name == "negative_binomial"
        assert not recorded.output.zero_truncated
        assert recorded.split == "recorded"
        assert recorded.zero_days_expected == pytest.approx(omitted.zero_days_expected, rel=0.2)
    assert misses <= 3


def test_rows_of_zero_packs_must_be_declared_recorded(tmp_path):
    """Rows of 0 packs are refused by default (exit 2, naming the flag), fitted when declared.

    The default says a day with no output has no row, which a row of 0 packs contradicts; with
    --zero-days recorded the same file fits, and the JSON document says how zeros were taken.
    """
    data = small_records(1, zero_days="recorded", kitchens=6, days=120)[0]
    path = tmp_path / "zeros.csv"
    data.assign(date=data.date.dt.date.astype(str)).to_csv(path, index=False)
    refused = cli("fit", path)
    assert refused.returncode == 2
    assert "--zero-days recorded" in refused.stderr
    with pytest.raises(RecordsError, match="recorded"):
        fit_records(data, "zeros.csv")
    done = cli("fit", path, "--zero-days", "recorded", "--json")
    assert done.returncode == 0, done.stderr
    (document,) = json.loads(done.stdout)
    assert document["zero_days"] == "recorded"
    assert document["split"] == "recorded"
    assert not document["zero_truncated"]
    assert document["zero_days_expected"] == int((data.packs == 0).sum())


def test_the_command_line_fits_records_without_zero_days_zero_truncated(tmp_path):
    """By default (--zero-days omitted) the fit is zero-truncated, and says so in both languages.

    The JSON document gives how zeros were taken, P(0) with its CI and the zero days expected;
    the fragment, pasted into a scenario, validates.
    """
    data = small_records(2)[0]
    path = tmp_path / "small.csv"
    data.assign(date=data.date.dt.date.astype(str)).to_csv(path, index=False)
    done = cli("fit", path, "--json")
    assert done.returncode == 0, done.stderr
    (document,) = json.loads(done.stdout)
    assert document["zero_days"] == "omitted"
    assert document["zero_truncated"]
    assert document["split"] == "fitted"
    zero = document["zero_share"]
    assert zero["low"] < 0.25 < zero["high"]
    assert document["zero_days_expected"] > 500
    said = cli("fit", path, "--lang", "id")
    assert said.returncode == 0, said.stderr
    assert "P(0)" in said.stdout
    fitted = yaml.safe_load(fragment(fit_records(data, "small", "p")))
    sim.Scenario.model_validate(
        {
            "name": "fitted",
            "horizon_days": 28,
            "products": {"p": {}},
            "kitchens": fitted["kitchens"],
            "buyers": [{"name": "b", "every_days": 7, "quota": {"p": 1}}],
        }
    )


def test_zero_truncated_poisson_fit_solves_its_likelihood_equation():
    """Theory: the zero-truncated Poisson's MLE solves mean / (1 - exp(-mean)) = sample mean.

    (Cameron & Trivedi 2013, section 4.5.) Its P(0) is exp(-mean); as recorded, P(0) is 0.
    """
    rng = np.random.default_rng(5)
    counts = rng.poisson(1.5, 4000)
    fit = fit_counts(counts[counts > 0], zero_truncated=True)
    poisson = next(c for c in fit.candidates if c.name == "poisson")
    mean = poisson.parameters["mean"]
    assert mean / -np.expm1(-mean) == pytest.approx(counts[counts > 0].mean(), rel=1e-6)
    assert poisson.zero == pytest.approx(np.exp(-mean))
    assert poisson.probabilities[0] == 0
    assert poisson.probabilities.sum() == pytest.approx(1)


def test_the_chain_net_of_zero_days_by_hand():
    """The absence chain from days without a row, net of zero days, checked by hand.

    With P(0) = 0 the return rate is the observed share of returns (Anderson & Goodman 1957);
    with P(0) = z the moment equations m = a + (1 - a) z, cov = (1 - z)^2 rho a (1 - a) give
    the chain back from its own pair shares.
    """
    moves = np.array([900, 30, 20, 50])
    leave, back = net_of_zero_days(moves, 0.0)
    assert back == pytest.approx(Transitions(900, 30, 20, 50).rates()[1])  # 20 / 70
    assert leave / (leave + back) == pytest.approx(70 / 1000)  # the share absent
    # A chain absent a = 0.1 of days, rho = 0.6, seen through zero days z = 0.2: the pair
    # shares that moment equations give, then the chain back.
    a, rho, z = 0.1, 0.6, 0.2
    m = a + (1 - a) * z
    both = m**2 + (1 - z) ** 2 * rho * a * (1 - a)  # P(no row on two consecutive days)
    pairs = np.array([1 - 2 * m + both, m - both, m - both, both]) * 1e6
    leave, back = net_of_zero_days(pairs, z)
    assert (leave, back) == pytest.approx((a * (1 - rho), (1 - a) * (1 - rho)))


def test_identical_kitchens_are_called_different_at_about_the_level():
    """Identical kitchens are called different at LEVEL about as often as LEVEL.

    200 seeds of 15 identical kitchens: NB mean 2, cv 1, zero days without a row, absent 30% of
    days in spells of 15, and a season of +-40% that all kitchens share. The share called
    different must be within two standard errors of the level (the tolerance):
    5% +- 2 * sqrt(0.05 * 0.95 / 200) = 5% +- 3.1%, so 4 to 16 of 200. A one-way ANOVA of
    daily output (the test before) called 62 of 200 different here: kitchens away in different
    months differ in mean by the season alone.
    """
    truth = {"mean": 2.0, "cv": 1.0, "fraction": 0.3, "spell": 15.0}
    seeds = 200
    called = 0
    for seed in range(seeds):
        _, packs, rows = small_records(1000 + seed, truth=truth, season=0.4)
        called += kitchens_differ(packs, rows) < LEVEL
    margin = 2 * np.sqrt(LEVEL * (1 - LEVEL) / seeds)
    assert seeds * (LEVEL - margin) <= called <= seeds * (LEVEL + margin)


def test_a_normal_draws_zero_packs_for_every_draw_below_a_half():
    """The engine clips negative draws to 0, so P(0 packs) = Phi((0.5 - mean) / sd).

    With mean 1 and sd 2 that is Phi(-0.25) = 0.4013; the probabilities sum to 1.
    """
    from scipy import stats  # noqa: PLC0415

    from sim.inputs.truncated import _log_probabilities  # noqa: PLC0415

    theta = np.array([1.0, np.log(2.0)])
    p = np.exp(_log_probabilities("normal", theta, np.arange(40.0)))
    assert p[0] == pytest.approx(stats.norm.cdf(-0.25))
    assert p.sum() == pytest.approx(1.0)
