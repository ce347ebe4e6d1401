"""Which mechanisms matter most: the default scenario with each one switched off in turn.

Every variant runs with the same seed (common random numbers), so each difference from the
full model is paired, replication by replication.

    python bench/mechanisms.py [--replications 200] [--seed 1]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import sim

DEFAULT = Path(__file__).resolve().parent.parent / "scenarios" / "balikpapan.yaml"


def switched_off(s: sim.Scenario) -> dict[str, dict[str, Any]]:
    """Return, per mechanism of issue #4, the overrides that switch it off."""
    groups = [g.name for g in s.kitchens]
    buyers = [b.name for b in s.buyers]

    def each(items: list[str], section: str, path: str, value: Any) -> dict[str, Any]:
        return {f"{section}.{item}.{path}": value for item in items}

    return {
        "calendar (holidays, Lebaran, port)": {"calendar": {}},
        "absences": each(groups, "kitchens", "absence", None),
        "raw-material supply and shocks": {
            **each(list(s.products), "products", "supply", None),
            "shocks": [],
        },
        "local-market pull": each(groups, "kitchens", "local_market", None),
        "delivery rounds and quality control": {
            **each(groups, "kitchens", "delivery", {}),
            "warehouse.reject_fraction": 0.0,
        },
        "buyers' shelf life and transit": {
            **each(buyers, "buyers", "min_shelf_life_days", None),
            **each(buyers, "buyers", "min_shelf_life_fraction", None),
            **each(buyers, "buyers", "transit_days", None),
            **each(buyers, "buyers", "due_days", None),
        },
        "contract cancellation": each(buyers, "buyers", "cancel_after_misses", None),
        "working capital": {"finance": None},
        "production response": each(groups, "kitchens", "boost", None),
    }


def main() -> None:
    """Print the quota miss rate with all mechanisms on, and with each switched off."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    scenario = sim.load_scenario(DEFAULT)
    comparison = sim.compare(
        scenario, switched_off(scenario), replications=args.replications, seed=args.seed
    )
    table = comparison.table.query("buyer == 'all' and product == 'all'")
    print(
        f"{scenario.name}: quota miss rate, {args.replications} replications, seed {args.seed}; "
        "difference from all mechanisms on, paired (common random numbers)"
    )
    print(f"{'':46}{'miss rate [95% CI]':<24}difference [95% CI]")
    for row in table[table.kpi == "quota_miss_rate"].itertuples():
        label = "all mechanisms on" if row.policy == "baseline" else f"without {row.policy}"
        line = f"{label:46}{row.mean:6.1%} [{row.ci_lo:.1%}, {row.ci_hi:.1%}]".ljust(70)
        if row.policy != "baseline":
            low, high = row.diff_lo * 100, row.diff_hi * 100
            line += f"{row.diff * 100:+6.1f} pts [{low:+.1f}, {high:+.1f}]"
        print(line.rstrip())


if __name__ == "__main__":
    main()
