"""Write a SYNTHETIC year of delivery records, from a known kitchen group, for `umkm-sim fit`.

Not real data: no cooperative's books are published (docs/domain.md). The records are
drawn from the group below, as the simulation engine draws it (output per kitchen and day,
the absence chain, working days), so a fit can be checked against the truth:

    15 kitchens making bonting; daily output negative binomial, mean 40 packs, cv 0.45;
    absent 6% of days in spells of 3 days on average; working Monday to Saturday;
    closed 2025-03-31 to 2025-04-04 (Lebaran: nobody delivers).

and shipments to a buyer whose transit takes gamma(mean 30, cv 0.15) days, rounded.

    python data/examples/make_records.py   # rewrites kitchen-records.csv and shipments.csv
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

import sim
from sim.engine.kitchens import packs_made, presence
from sim.scenario.distributions import Gamma

HERE = Path(__file__).resolve().parent
START, DAYS = dt.date(2025, 1, 1), 365
GROUP = {
    "name": "bonting-makers",
    "count": 15,
    "product": "bonting",
    "daily_output": {"distribution": "negative_binomial", "mean": 40, "cv": 0.45},
    "working_days": ["mon", "tue", "wed", "thu", "fri", "sat"],
    "absence": {"fraction": 0.06, "mean_spell_days": 3},
}
LEBARAN = [START + dt.timedelta(days=d) for d in range(89, 94)]  # 2025-03-31 .. 2025-04-04
TRANSIT = {"distribution": "gamma", "mean": 30, "cv": 0.15}


def kitchen_rows(seed: int = 2025) -> list[dict[str, object]]:
    """One row per kitchen and day it delivered (days without a delivery have no row).

    A day a kitchen worked but made 0 packs has no row either, as in most books: what
    ``umkm-sim fit`` assumes by default (``--zero-days omitted``). With mean 40 such days are
    rare (P(0) about 7e-6), so the fit says they are too rare to matter.
    """
    scenario = sim.Scenario.model_validate(
        {
            "name": "synthetic-records",
            "horizon_days": DAYS,
            "start_date": START,
            "products": {"bonting": {}},
            "kitchens": [GROUP],
            "buyers": [{"name": "b", "every_days": 7, "quota": {"bonting": 1}}],
        }
    )
    group = scenario.kitchens[0]
    rng = np.random.default_rng(seed)
    packs = packs_made(group.daily_output.sample(rng, (group.count, DAYS)), np.ones(DAYS))
    packs *= presence(group.absence, group.count, DAYS, rng)
    rows = []
    for day in range(DAYS):
        date = START + dt.timedelta(days=day)
        if date.strftime("%a").lower() not in group.working_days or date in LEBARAN:
            continue
        rows += [
            {"kitchen": f"K{k + 1:02d}", "date": date.isoformat(), "packs": int(packs[k, day])}
            for k in range(group.count)
            if packs[k, day] > 0
        ]
    return rows


def shipment_rows(seed: int = 2026) -> list[dict[str, object]]:
    """Weekly shipments and the day each arrived."""
    rng = np.random.default_rng(seed)
    transit = Gamma.model_validate(TRANSIT)
    days = np.rint(np.maximum(transit.sample(rng, 52), 0)).astype(int)
    return [
        {
            "shipment": f"S{i + 1:02d}",
            "departed": (START + dt.timedelta(days=7 * i + 4)).isoformat(),
            "arrived": (START + dt.timedelta(days=7 * i + 4 + int(d))).isoformat(),
        }
        for i, d in enumerate(days)
    ]


def write(path: Path, rows: list[dict[str, object]]) -> None:
    """Write rows as CSV with a header."""
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.DictWriter(f, fieldnames=list(rows[0]))
        out.writeheader()
        out.writerows(rows)


if __name__ == "__main__":
    write(HERE / "kitchen-records.csv", kitchen_rows())
    write(HERE / "shipments.csv", shipment_rows())
