"""Which interval for a share of lines? The coverage study behind ``sim.results.intervals``.

Each replication misses ``m`` of its ``L`` lines; the interval is for the true share ``p``. Lines
miss independently (``burst`` 1), or in bursts of 8 in a row (a bad week for the kitchens): the
spread across replications must then say how much the lines are worth. For each method, the
share of 2,000 draws whose 95% interval holds ``p``, and its mean width. Run:
``python bench/interval_study.py``.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from sim.results.intervals import share_ci

LINES = 52
DRAWS = 2000


def student_t(x: np.ndarray) -> tuple[float, float]:
    """The Student-t interval, cut to [0, 1] (what umkm-sim 0.2 printed)."""
    half = stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
    return max(0.0, x.mean() - half), min(1.0, x.mean() + half)


def korn_graubard(x: np.ndarray) -> tuple[float, float]:
    """What umkm-sim states now (``share_ci``)."""
    lo, hi = share_ci(x, LINES)["ci95"]
    return lo, hi


def rates(rng: np.random.Generator, replications: int, p: float, burst: int) -> np.ndarray:
    """Each replication's share of missed lines."""
    if burst == 1:
        return rng.binomial(LINES, p, size=replications) / LINES
    return np.minimum(rng.poisson(p * LINES / burst, size=replications) * burst, LINES) / LINES


def main() -> None:
    """Print the table."""
    rng = np.random.default_rng(1)
    print(f"{'lines':>6} {'R':>4} {'p':>7}   {'Student t':>17}   {'Korn-Graubard CP':>17}")
    for burst in (1, 8):
        for replications in (10, 30, 200):
            for p in (0.002, 0.02, 0.3):
                truth = rates(np.random.default_rng(0), 200_000, p, burst).mean()
                held = {"t": 0, "kg": 0}
                width = {"t": 0.0, "kg": 0.0}
                for _ in range(DRAWS):
                    x = rates(rng, replications, p, burst)
                    for name, method in (("t", student_t), ("kg", korn_graubard)):
                        lo, hi = method(x)
                        held[name] += lo <= truth <= hi
                        width[name] += hi - lo
                cells = "   ".join(
                    f"{held[m] / DRAWS:6.1%} w {width[m] / DRAWS:6.4f}" for m in ("t", "kg")
                )
                kind = "indep." if burst == 1 else "bursts"
                print(f"{kind:>6} {replications:>4} {truth:7.4f}   {cells}")


if __name__ == "__main__":
    main()
