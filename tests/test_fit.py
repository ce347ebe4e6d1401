"""Input modelling: fits recover what generated the records, and bad records are refused."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import yaml

import sim
from sim.engine.kitchens import presence
from sim.inputs import fit_records, read_deliveries
from sim.inputs.counts import LEVEL, fit_counts
from sim.reporting.kinds.fit import fragment
from sim.scenario.mechanisms import Absence

from conftest import ROOT, cli

START = dt.date(2025, 1, 1)
TRUTH = {"mean": 40.0, "cv": 0.45, "fraction": 0.06, "spell": 3.0}


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
