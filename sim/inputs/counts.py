"""Which distribution of ours best describes a sample of counts (packs a day, days in transit).

Every candidate is fitted by maximum likelihood with SciPy (``scipy.stats.fit`` for the
discrete ones, each continuous distribution's own ``fit``), and all are compared on the scale
the engine uses: whole packs, a continuous draw rounded to the nearest whole number (negative
draws count as 0). So a count's probability under a continuous candidate is the mass its
density puts within half a pack of it, and AIC and BIC compare discrete and continuous
candidates alike (Burnham & Anderson 2002).

Goodness of fit is Pearson's chi-square on bins of at least five expected counts, its degrees of
freedom reduced by the parameters fitted (Cochran 1954; with maximum likelihood from the
ungrouped data the reduction is slightly liberal, Chernoff & Lehmann 1954). Whether counts are
over-dispersed is the likelihood-ratio test of the negative binomial against the Poisson, its
p-value halved since the Poisson sits on the boundary (Cameron & Trivedi 2013, section 3.4).

Counts that cannot be 0 because a 0 leaves no record (days worked, where a day without output
has no row) are fitted zero-truncated instead, by ``sim.inputs.truncated``; the choice among the
candidates is the same.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.i18n import Message
from sim.inputs import truncated
from sim.inputs.records import RecordsError

CANDIDATES = ("poisson", "negative_binomial", "gamma", "lognormal", "normal", "empirical")
LEVEL = 0.05  # of the tests: over-dispersion, goodness of fit
MISFIT = 0.001  # a fit this bad is no chance (1 in 1000): the empirical counts are used instead
DISCRETE = ("poisson", "negative_binomial")
CLOSE = 4.0  # AIC points within which a model keeps real support (Burnham & Anderson 2002)


@dataclass(frozen=True)
class Candidate:
    """One distribution fitted to the counts.

    Attributes:
        name: As a scenario names it.
        parameters: As a scenario takes them (``mean``, ``cv`` or ``sd``).
        log_likelihood: Of the counts, on the whole-pack scale.
        k: Parameters fitted.
        chi2, df, p_value: Pearson's goodness of fit, after the parameters fitted.
        probabilities: P(count = 0, 1, ..., max observed + 1) of the counts as recorded (for
            zero-truncated counts P(0) is 0 and the rest sum to 1), for tests and pictures.
        zero: P(0) of the distribution itself (what the engine draws from): for zero-truncated
            counts the share of days with no output that left no record; ``nan`` where
            unknown (the empirical counts of a zero-truncated sample).
    """

    name: str
    parameters: dict[str, float]
    log_likelihood: float
    k: int
    chi2: float
    df: int
    p_value: float
    probabilities: np.ndarray
    table: dict[str, list[int]] | None = None  # empirical: the values and their weights
    zero: float = math.nan

    def aic(self) -> float:
        """Akaike's information criterion."""
        return 2 * self.k - 2 * self.log_likelihood

    def bic(self, n: int) -> float:
        """The Bayesian information criterion for ``n`` counts."""
        return self.k * math.log(n) - 2 * self.log_likelihood

    def spec(self) -> dict[str, Any]:
        """The distribution as a scenario file writes it."""
        if self.table is not None:
            return {"distribution": self.name, **self.table}
        return {"distribution": self.name, **{k: _round(v) for k, v in self.parameters.items()}}


@dataclass(frozen=True)
class CountFit:
    """Every candidate fitted to the counts, ranked by AIC, and the one chosen.

    Attributes:
        counts: The sample.
        candidates: Fitted candidates, best AIC first.
        chosen: The one to use: the best AIC, except that a count model that passes the
            goodness-of-fit test and comes within ``CLOSE`` AIC points of a better continuous
            one is kept (daily packs are counts: the natural family yields only to clear
            evidence), the negative binomial is chosen over the Poisson only when the counts
            are over-dispersed at ``LEVEL``, and the counts themselves (``empirical``) replace
            a choice that fails the goodness-of-fit test at ``MISFIT``.
        overdispersion_p: The over-dispersion test's p-value (``nan`` if it cannot be made).
        zero_truncated: Whether the counts were fitted as zero-truncated (a 0 left no record);
            the candidates' parameters are then those of the untruncated distribution.
    """

    counts: np.ndarray
    candidates: list[Candidate]
    chosen: Candidate
    overdispersion_p: float
    zero_truncated: bool = False

    def table(self) -> pd.DataFrame:
        """One row per candidate: parameters, log-likelihood, AIC, BIC, goodness of fit."""
        n = len(self.counts)
        return pd.DataFrame(
            [
                {
                    "distribution": c.name,
                    "parameters": ", ".join(f"{k} {v:.4g}" for k, v in c.parameters.items()),
                    "log_likelihood": c.log_likelihood,
                    "aic": c.aic(),
                    "bic": c.bic(n),
                    "chi2": c.chi2,
                    "df": c.df,
                    "p_value": c.p_value,
                    "chosen": c is self.chosen,
                }
                for c in self.candidates
            ]
        )

    @property
    def overdispersed(self) -> bool:
        """Whether the counts vary more than a Poisson's, at ``LEVEL``."""
        return bool(self.overdispersion_p < LEVEL)


def check_fittable(counts: np.ndarray, source: str, what: Message) -> None:
    """Refuse counts too few, or all alike, to tell candidates apart (``fit_counts`` needs)."""
    if len(counts) < 10:  # noqa: PLR2004
        said = Message("{source}: fewer than ten {what}: nothing to fit", source=source, what=what)
        raise RecordsError([said])
    if counts.min() == counts.max():
        said = Message(
            "{source}: the {n} {what} all have the same value, {value}: nothing varies to fit "
            "(a scenario says that with {{distribution: constant, value: {value}}})",
            source=source,
            n=len(counts),
            what=what,
            value=int(counts[0]),
        )
        raise RecordsError([said])


def fit_counts(counts: np.ndarray, *, zero_truncated: bool = False) -> CountFit:
    """Fit every candidate to non-negative whole ``counts``; rank them; choose one.

    With ``zero_truncated``, the counts are those of at least 1 (a 0 left no record): each
    candidate is fitted to them by maximum likelihood of its zero-truncated form
    (``sim.inputs.truncated``), and keeps the parameters of the distribution before truncation.

    Raises:
        ValueError: Fewer than ten counts, or all the same (nothing to fit); a 0 among
            zero-truncated counts.
    """
    x = np.asarray(counts, dtype=np.int64)
    if len(x) < 10 or x.min() == x.max():  # noqa: PLR2004
        raise ValueError("needs at least ten counts, not all equal")
    if zero_truncated and x.min() < 1:
        raise ValueError("zero-truncated counts are at least 1")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        found = (
            [_zero_truncated(x, name) for name in truncated.FAMILIES]
            if zero_truncated
            else (_poisson(x), _negative_binomial(x), *_continuous(x))
        )
        fitted = [f for f in found if f is not None]
    fitted.sort(key=Candidate.aic)
    by_name = {c.name: c for c in fitted}
    p_over = _overdispersion(by_name.get("poisson"), by_name.get("negative_binomial"))
    chosen = fitted[0]
    discrete = [c for c in fitted if c.name in DISCRETE and not c.p_value < LEVEL]
    if chosen.name not in DISCRETE and discrete and discrete[0].aic() - chosen.aic() <= CLOSE:
        chosen = discrete[0]  # counts: a count model unless a continuous one is clearly better
    if chosen.name == "negative_binomial" and not p_over < LEVEL:
        chosen = by_name["poisson"]
    empirical = _empirical(x, zero_truncated=zero_truncated)
    if chosen.p_value < MISFIT:  # no distribution of ours fits: the counts themselves
        chosen = empirical
    return CountFit(x, [*fitted, empirical], chosen, p_over, zero_truncated)


def _empirical(x: np.ndarray, *, zero_truncated: bool = False) -> Candidate:
    """The observed counts as they are: chosen only when every parametric candidate fails.

    Of zero-truncated counts they say nothing of the days with 0 (``zero`` is ``nan``).
    """
    values, counts = np.unique(x, return_counts=True)
    shares = counts / counts.sum()
    probabilities = np.zeros(int(x.max()) + 2)
    probabilities[values] = shares
    log_likelihood = float((counts * np.log(shares)).sum())
    table = {"values": [int(v) for v in values], "weights": [int(c) for c in counts]}
    mean = {"mean": float(x.mean())}
    k = len(values) - 1
    zero = math.nan if zero_truncated else float(probabilities[0])
    return Candidate(
        "empirical", mean, log_likelihood, k, math.nan, 0, math.nan, probabilities, table, zero
    )


def _zero_truncated(x: np.ndarray, name: str) -> Candidate | None:
    """Family ``name`` fitted to counts of at least 1 as zero-truncated (``sim.inputs.truncated``).

    Scored on the counts as recorded (P(0) = 0, the rest scaled up to sum to 1), it keeps the
    parameters and P(0) of the distribution before truncation.
    """
    values, weights = np.unique(x, return_counts=True)
    fitted = truncated.fit(name, values, weights)
    if fitted is None:
        return None
    untruncated = fitted.probabilities(int(x.max()) + 1)
    zero = float(untruncated[0])
    recorded = np.concatenate([[0.0], untruncated[1:] / (1 - zero)])
    return scored(x, name, fitted.parameters, recorded, fitted.k, zero=zero)


def _poisson(x: np.ndarray) -> Candidate:
    from scipy import stats  # noqa: PLC0415 (slow to import)

    bounds = {"mu": (0, max(1.0, float(x.max())))}
    found = stats.fit(stats.poisson, x, bounds, optimizer=_local([float(x.mean())]))
    mu = float(found.params.mu)
    return _candidate(x, "poisson", {"mean": mu}, stats.poisson(mu), 1)


def _negative_binomial(x: np.ndarray) -> Candidate | None:
    from scipy import stats  # noqa: PLC0415 (slow to import)

    mean, var = float(x.mean()), float(x.var())
    if var <= mean:  # not over-dispersed: the negative binomial has no better fit to offer
        return None
    guess_n = mean**2 / (var - mean)
    bounds = {"n": (guess_n / 100, guess_n * 100), "p": (1e-9, 1 - 1e-9)}
    found = stats.fit(stats.nbinom, x, bounds, optimizer=_local([guess_n, mean / var]))
    n, p = float(found.params.n), float(found.params.p)
    dist = stats.nbinom(n, p)
    fitted_mean, fitted_var = dist.mean(), dist.var()
    if fitted_var <= fitted_mean:
        return None
    cv = math.sqrt(fitted_var) / fitted_mean
    return _candidate(x, "negative_binomial", {"mean": fitted_mean, "cv": cv}, dist, 2)


def _continuous(x: np.ndarray) -> list[Candidate]:
    """Gamma and log-normal (fitted to the positive counts) and the normal."""
    from scipy import stats  # noqa: PLC0415 (slow to import)

    found = []
    positive = x[x > 0].astype(float)
    if len(positive) >= 10 and positive.min() < positive.max():  # noqa: PLR2004
        shape, _, scale = stats.gamma.fit(positive, floc=0)
        gamma = stats.gamma(shape, scale=scale)
        cv = 1 / math.sqrt(shape)
        found.append(
            _candidate(x, "gamma", {"mean": gamma.mean(), "cv": cv}, gamma, 2, rounded=True)
        )
        sigma, _, scale = stats.lognorm.fit(positive, floc=0)
        lognormal = stats.lognorm(sigma, scale=scale)
        cv = math.sqrt(math.expm1(sigma**2))
        found.append(
            _candidate(
                x, "lognormal", {"mean": lognormal.mean(), "cv": cv}, lognormal, 2, rounded=True
            )
        )
    mu, sd = stats.norm.fit(x.astype(float))
    found.append(
        _candidate(x, "normal", {"mean": mu, "sd": sd}, stats.norm(mu, sd), 2, rounded=True)
    )
    return found


def _local(start: list[float]) -> Any:
    """A local optimiser (SciPy's L-BFGS-B) from the moment estimates, for ``stats.fit``.

    ``stats.fit`` defaults to a global search (differential evolution), thousands of
    likelihood evaluations; these likelihoods have a single peak near the moment estimates,
    so a local search from there suffices.
    """

    def minimise(fun: Any, *, bounds: Any, integrality: Any = None) -> Any:
        from scipy import optimize  # noqa: PLC0415 (slow to import)

        del integrality
        # The shape parameters from the moments; the rest (loc, fixed at 0) at their bound.
        values = [*start, *(lo for lo, _ in bounds[len(start) :])]
        guess = [min(max(v, lo), hi) for v, (lo, hi) in zip(values, bounds, strict=True)]
        return optimize.minimize(fun, guess, bounds=bounds, method="L-BFGS-B")

    return minimise


def _candidate(
    x: np.ndarray,
    name: str,
    parameters: dict[str, float],
    dist: Any,
    k: int,
    *,
    rounded: bool = False,
) -> Candidate:
    """Score a fitted distribution on the whole-pack scale: likelihood and chi-square."""
    top = int(x.max()) + 1
    support = np.arange(top + 1)
    if rounded:  # a continuous draw, rounded to the nearest pack; below half a pack is 0
        upper = dist.cdf(support + 0.5)
        probabilities = np.diff(np.concatenate([[0.0], upper]))
    else:
        probabilities = dist.pmf(support)
    return scored(x, name, parameters, probabilities, k, zero=float(probabilities[0]))


def scored(
    x: np.ndarray,
    name: str,
    parameters: dict[str, float],
    probabilities: np.ndarray,
    k: int,
    *,
    zero: float,
) -> Candidate:
    """A candidate from its probabilities of 0 to max(x) + 1: likelihood and chi-square.

    What the probabilities leave above the largest count goes into their last cell.
    """
    tail = max(0.0, 1.0 - float(probabilities.sum()))
    probabilities = probabilities.copy()
    probabilities[-1] += tail  # everything above the largest count, in the last cell
    floor = np.finfo(float).tiny
    log_likelihood = float(np.log(np.maximum(probabilities[x], floor)).sum())
    chi2, df, p_value = _pearson(x, probabilities, k)
    return Candidate(
        name, parameters, log_likelihood, k, chi2, df, p_value, probabilities, None, zero
    )


def _pearson(x: np.ndarray, probabilities: np.ndarray, k: int) -> tuple[float, int, float]:
    """Pearson's chi-square on adjacent counts merged until each bin expects at least five."""
    from scipy import stats  # noqa: PLC0415 (slow to import)

    observed = np.bincount(x, minlength=len(probabilities)).astype(float)
    expected = probabilities * len(x)
    bins_o, bins_e, o, e = [], [], 0.0, 0.0
    for obs, exp in zip(observed, expected, strict=True):
        o, e = o + obs, e + exp
        if e >= 5:  # noqa: PLR2004
            bins_o.append(o)
            bins_e.append(e)
            o = e = 0.0
    if bins_e:
        bins_o[-1] += o
        bins_e[-1] += e
    df = len(bins_e) - 1 - k
    if df < 1:
        return math.nan, df, math.nan
    chi2 = float(sum((a - b) ** 2 / b for a, b in zip(bins_o, bins_e, strict=True)))
    return chi2, df, float(stats.chi2.sf(chi2, df))


def _overdispersion(poisson: Candidate | None, negative_binomial: Candidate | None) -> float:
    from scipy import stats  # noqa: PLC0415 (slow to import)

    if poisson is None or negative_binomial is None:
        return 1.0 if poisson is not None else math.nan
    ratio = max(0.0, 2 * (negative_binomial.log_likelihood - poisson.log_likelihood))
    return float(0.5 * stats.chi2.sf(ratio, 1))


def _round(value: float) -> float:
    """Four significant digits: what a scenario needs, not the fit's noise."""
    return float(f"{value:.4g}")
