"""Global sensitivity: which uncertainties drive a KPI, over their whole ranges and together.

One-at-a-time sensitivity (``sim.experiments.sensitivity``) moves a lever by a share with the
rest held; interactions and non-linear effects stay invisible to it. Global sensitivity
analysis varies every uncertainty of the scenario's ``uncertainties:`` over its whole range at
once, with SALib (Herman & Usher 2017), not hand-written estimators:

- ``sobol``: Saltelli's sampling and Sobol' indices (Saltelli 2002; Saltelli et al. 2010), the
  first-order S1 (the share of the KPI's variance a factor explains alone) and the total ST
  (with all its interactions), with SALib's bootstrap confidence intervals;
- ``morris``: elementary effects (Morris 1991) with mu* (Campolongo et al. 2007) and sigma, a
  cheap screening of which factors matter at all.

The simulation's own noise is kept apart: each design point is the mean of R replications with
common random numbers (point ``i``, replication ``r`` sees the same draws at every point), and
the share of the KPI's variance across points that is replication noise is reported; when it
is large, the indices describe noise and more replications are needed. SALib is an optional
extra: ``pip install 'umkm-sim[explore]'``.
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar, Unpack

import numpy as np
import pandas as pd

from sim.engine.streams import GSA_SALIB, stream
from sim.experiments.explore import future_variants
from sim.experiments.runner import (
    Execution,
    Variant,
    replications_and_seed,
    runner_for,
)
from sim.experiments.size import check_summarised
from sim.i18n import Message
from sim.results.documents import Documented, provenance
from sim.results.metrics import KPIS
from sim.results.scopes import ALL
from sim.results.tables import kpi_per_replication
from sim.scenario.limits import MAX_DESIGN_POINTS
from sim.scenario.messages import ScenarioError, one_of, show
from sim.scenario.schema import Scenario

METHODS = ("sobol", "morris")
INSTALL = "pip install 'umkm-sim[explore]'"
NOISY = 0.2  # above this share of replication noise, the indices are not to be trusted
_LEVELS = 4  # Morris grid levels (Saltelli et al. 2008 recommend 4)
_RESAMPLES = 500  # SALib's bootstrap resamples for the confidence intervals


class MissingSALibError(ImportError):
    """Global sensitivity was asked for, but SALib is not installed."""

    def __str__(self) -> str:
        """Say how to install it, in the current language."""
        return str(Message("global sensitivity needs SALib: {install}", install=INSTALL))


@dataclass(frozen=True)
class GlobalSensitivity(Documented):
    """Sensitivity indices of a KPI to the scenario's uncertainties, with their convergence.

    Attributes:
        scenario: The scenario (with its ``uncertainties``).
        seed: The seed of every run.
        method: ``sobol`` or ``morris``.
        n: Base samples (Sobol) or trajectories (Morris).
        replications: Per design point.
        kpi, buyer: What was measured.
        table: Per factor and index: ``value``, ``ci_lo``, ``ci_hi`` (95%).
        convergence: The same, recomputed on the first N/8, N/4, N/2 and N samples.
        noise_share: The share of the KPI's variance across points that is replication noise.
        points: The design: one row per point (the uncertain values) and ``y``, its KPI.
    """

    scenario: Scenario
    seed: int
    method: str
    n: int
    replications: int
    kpi: str
    buyer: str | None
    table: pd.DataFrame
    convergence: pd.DataFrame
    noise_share: float
    points: pd.DataFrame
    kind: ClassVar[str] = "gsa"

    @property
    def main_index(self) -> str:
        """The index factors are ranked by: ST (Sobol) or mu_star (Morris)."""
        return "ST" if self.method == "sobol" else "mu_star"

    def ranked(self) -> pd.DataFrame:
        """The main index per factor, largest first."""
        rows = self.table[self.table["index"] == self.main_index]
        return rows.sort_values("value", ascending=False, ignore_index=True)

    def document(self) -> dict[str, Any]:
        """The analysis as a JSON-ready document: provenance, the method, the indices."""
        return {
            "kind": self.kind,
            **provenance(self.scenario, self.seed, self.replications),
            "method": self.method,
            "n": self.n,
            "points": len(self.points),
            "kpi": self.kpi,
            "buyer": self.buyer,
            "noise_share": None if math.isnan(self.noise_share) else self.noise_share,
            "table": json.loads(self.table.to_json(orient="records")),
            "convergence": json.loads(self.convergence.to_json(orient="records")),
        }


def gsa(
    scenario: Scenario,
    method: str = "sobol",
    n: int = 64,
    *,
    kpi: str = "quota_miss_rate",
    buyer: str | None = None,
    **execution: Unpack[Execution],
) -> GlobalSensitivity:
    """Compute global sensitivity indices of a KPI to the scenario's uncertainties.

    Args:
        scenario: With an ``uncertainties:`` section (what varies, over which range).
        method: ``sobol`` (indices with interactions; ``n`` a power of two) or ``morris``
            (screening).
        n: Base samples (Sobol: n x (factors + 2) points) or trajectories (Morris: n x
            (factors + 1) points).
        kpi: What to explain (one of ``KPIS``).
        buyer: Only this buyer's shipment lines (default: every buyer's).
        **execution: How to run them: replications (per point), seed, workers, ... (see
            ``sim.experiments.runner.Execution``).

    Raises:
        MissingSALibError: The optional extra is not installed.
        ScenarioError: No uncertainties, an unknown method, kpi or buyer, or a bad ``n``.
    """
    salib = _salib()
    r, seed = replications_and_seed(scenario, execution)
    problem = check_settings(scenario, method, n, kpi, buyer, replications=r)
    # SALib takes a seed only when it is truthy (0 would fall back to numpy's global state):
    # the experiment's own named stream gives it one that never is.
    salib_seed = int(stream(seed, 0, GSA_SALIB).integers(1, 2**31 - 1))
    unit = _sample(salib, problem, method, n, salib_seed)
    uncertain = scenario.uncertainties
    design = pd.DataFrame(
        {p: [uncertain[p].at(x) for x in unit[:, j]] for j, p in enumerate(problem["names"])}
    )
    variants = future_variants(scenario, design, {})
    with runner_for(seed, execution) as runner:
        per_point = runner.summarise(variants, r, partial(_values, seed=seed, kpi=kpi, buyer=buyer))
    values = np.array([per_point[v.name] for v in variants])
    y = values.mean(axis=1)
    if not np.all(np.isfinite(y)):
        said = Message(
            "{kpi} is not defined at {points} of the points: ask about another --kpi",
            kpi=kpi,
            points=int(np.sum(~np.isfinite(y))),
        )
        raise ScenarioError([said])
    if np.ptp(y) <= 1e-12 * max(1.0, float(np.abs(y).max())):  # SALib would divide by ~0
        said = Message(
            "{kpi} is {value:significant} at every one of the {points:number} points: nothing "
            "varies to explain (widen the uncertainties' ranges, or ask about another --kpi or "
            "--buyer)",
            kpi=kpi,
            value=float(y[0]),
            points=len(y),
        )
        raise ScenarioError([said])
    noise = float(values.var(axis=1, ddof=1).mean() / r) if r > 1 else math.nan
    spread = float(y.var(ddof=1))
    table, convergence = _indices(salib, problem, method, n, unit=unit, y=y, seed=salib_seed)
    return GlobalSensitivity(
        scenario,
        seed,
        method,
        n,
        r,
        kpi,
        buyer,
        table,
        convergence,
        noise / spread if spread > 0 else math.nan,
        design.assign(y=y),
    )


def check_settings(
    scenario: Scenario,
    method: str,
    n: int,
    kpi: str,
    buyer: str | None,
    *,
    replications: int | None = None,
) -> dict[str, Any]:
    """Check the question; return SALib's problem (each factor on [0, 1], mapped later).

    Raises:
        ScenarioError: Each problem, naming the flag.
    """
    problems = []
    if not scenario.uncertainties:
        problems.append(Message("no uncertainties: section to vary (see README, Exploring)"))
    if method not in METHODS:
        problems.append(one_of("--method", METHODS, method))
    if kpi not in KPIS:
        problems.append(one_of("--kpi", KPIS, kpi))
    if buyer is not None and buyer not in {b.name for b in scenario.buyers}:
        problems.append(Message("--buyer: no buyer named {name}", name=show(buyer)))
    if method == "sobol" and (n < 4 or n & (n - 1)):  # noqa: PLR2004
        problems.append(
            Message("--n: a power of two, at least 4, for Sobol' sampling; got {n}", n=n)
        )
    if method == "morris" and n < 4:  # noqa: PLR2004
        problems.append(Message("--n: at least 4 Morris trajectories, got {n}", n=n))
    d = len(scenario.uncertainties)
    points = n * (d + 2 if method == "sobol" else d + 1)
    if points > MAX_DESIGN_POINTS:
        problems.append(
            Message(
                "--n: {points:number} points, more than {most:number}",
                points=points,
                most=MAX_DESIGN_POINTS,
            )
        )
    if problems:
        raise ScenarioError(problems)
    if replications is not None:  # each point keeps one value per replication
        check_summarised(points, replications, 8, "--n or --replications")
    names = list(scenario.uncertainties)
    return {"num_vars": d, "names": names, "bounds": [[0.0, 1.0]] * d}


def _salib() -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import SALib.analyze.morris  # noqa: PLC0415 (optional extra)
            import SALib.analyze.sobol  # noqa: PLC0415
            import SALib.sample.morris  # noqa: PLC0415
            import SALib.sample.sobol  # noqa: PLC0415
    except ImportError:
        raise MissingSALibError from None
    return SALib


def _sample(salib: Any, problem: dict[str, Any], method: str, n: int, seed: int) -> np.ndarray:
    """The design on the unit cube, from SALib's sampler (the same for one seed)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "sobol":
            unit = salib.sample.sobol.sample(problem, n, calc_second_order=False, seed=seed)
        else:
            unit = salib.sample.morris.sample(problem, n, num_levels=_LEVELS, seed=seed)
    # Keep u < 1, so a set's last value is as likely as the others (Uncertainty.at).
    inside: np.ndarray = np.minimum(np.asarray(unit, dtype=float), np.nextafter(1.0, 0.0))
    return inside


def _values(
    variant: Variant, outcomes: list[Any], seed: int, kpi: str, buyer: str | None
) -> np.ndarray:
    """One design point's KPI, per replication."""
    scope = None if buyer in (None, ALL) else buyer
    return kpi_per_replication(variant.scenario, seed, outcomes, kpi, buyer=scope)


def _indices(
    salib: Any,
    problem: dict[str, Any],
    method: str,
    n: int,
    *,
    unit: np.ndarray,
    y: np.ndarray,
    seed: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The indices from all samples, and from the first N/8, N/4, N/2 (their convergence)."""
    per_sample = problem["num_vars"] + (2 if method == "sobol" else 1)
    steps = sorted({max(4, n // k) for k in (8, 4, 2, 1)})
    frames = []
    for m in steps:
        rows = m * per_sample  # SALib's designs are ordered by base sample / trajectory
        frame = _analyse(salib, problem, method, unit=unit[:rows], y=y[:rows], seed=seed)
        frames.append(frame.assign(n=m))
    convergence = pd.concat(frames, ignore_index=True)
    return frames[-1].drop(columns="n"), convergence


def _analyse(
    salib: Any,
    problem: dict[str, Any],
    method: str,
    *,
    unit: np.ndarray,
    y: np.ndarray,
    seed: int,
) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "sobol":
            found = salib.analyze.sobol.analyze(
                problem, y, calc_second_order=False, num_resamples=_RESAMPLES, seed=seed
            )
            pairs: list[tuple[str, str | None]] = [("S1", "S1_conf"), ("ST", "ST_conf")]
        else:
            found = salib.analyze.morris.analyze(
                problem, unit, y, num_resamples=_RESAMPLES, num_levels=_LEVELS, seed=seed
            )
            pairs = [("mu_star", "mu_star_conf"), ("sigma", None)]
    rows = []
    for j, factor in enumerate(problem["names"]):
        for index, conf in pairs:
            value = float(found[index][j])
            half = float(found[conf][j]) if conf else math.nan
            rows.append(
                {
                    "factor": factor,
                    "index": index,
                    "value": value,
                    "ci_lo": value - half,
                    "ci_hi": value + half,
                }
            )
    return pd.DataFrame(rows)
