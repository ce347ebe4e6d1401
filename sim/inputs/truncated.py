"""Daily output when a day without output leaves no row: zero-truncated maximum likelihood.

Records with a row only for the days a kitchen delivered show its output on days worked only
where that was at least one pack. Each family is fitted to those counts by maximum likelihood of
its zero-truncated form, P(k) / (1 - P(0)) for k >= 1 (Grogger & Carson 1991; Cameron &
Trivedi 2013, section 4.5), on the whole-pack scale the engine uses (a continuous draw rounded
to the nearest pack, below half a pack making none), and is reported by the parameters of the
distribution before truncation: what the engine draws from, where a drawn 0 is a day the
kitchen worked and made nothing.

Each family is written on an unconstrained scale (logs of its mean, cv, size) and its likelihood
maximised from the moments with SciPy's L-BFGS-B; counts come as distinct values and their
weights, so a bootstrap resample refits in a few milliseconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.scenario.limits import MAX_DRAW, MAX_SPREAD, MIN_SPREAD

FAMILIES = ("poisson", "negative_binomial", "gamma", "lognormal", "normal")
DISCRETE_FAMILIES = ("poisson", "negative_binomial")  # the rest are continuous draws, rounded
_LEAST_MEAN = 1e-3  # packs a day: below it the fit has nothing left to say
_SIZE = (1e-3, 1e7)  # the negative binomial's size (its "n"); at the top it is a Poisson
_AS_POISSON = 1e6  # a fitted size above this is a Poisson, not a candidate of its own


@dataclass(frozen=True)
class Fitted:
    """One family fitted to zero-truncated counts.

    Attributes:
        name: As a scenario names it.
        theta: The parameters on the unconstrained scale the likelihood is maximised on.
        log_likelihood: Of the counts, zero-truncated.
    """

    name: str
    theta: np.ndarray
    log_likelihood: float

    @property
    def k(self) -> int:
        """Parameters fitted."""
        return len(self.theta)

    @property
    def parameters(self) -> dict[str, float]:
        """The untruncated distribution as a scenario takes it (``mean`` and ``cv`` or ``sd``)."""
        mean, cv = self.moments
        if self.name == "poisson":
            return {"mean": mean}
        if self.name == "normal":
            return {"mean": mean, "sd": math.exp(self.theta[1])}
        return {"mean": mean, "cv": cv}

    @property
    def moments(self) -> tuple[float, float]:
        """Mean and coefficient of variation of the distribution before truncation."""
        mean, cv = moments(self.name, self.theta)
        return float(mean), float(cv)

    @property
    def zero(self) -> float:
        """P(0): the share of days worked on which the kitchen makes nothing."""
        return float(zero(self.name, self.theta))

    def probabilities(self, top: int) -> np.ndarray:
        """P(0), P(1), ..., P(top) before truncation."""
        support = np.arange(top + 1, dtype=float)
        found: np.ndarray = np.exp(_log_probabilities(self.name, self.theta, support))
        return found


def fit(
    name: str, values: np.ndarray, weights: np.ndarray, start: np.ndarray | None = None
) -> Fitted | None:
    """Fit family ``name`` to counts of at least 1: distinct ``values`` and their ``weights``.

    Starts from ``start`` (a previous fit's ``theta``) if given, else from the moments. Returns
    ``None`` for a negative binomial that comes out a Poisson (its size at the bound).
    """
    theta, log_likelihood = _maximise(name, values, weights, start)
    if name == "negative_binomial" and math.exp(theta[1]) > _AS_POISSON:
        return None
    return Fitted(name, theta, log_likelihood)


def _maximise(
    name: str, values: np.ndarray, weights: np.ndarray, start: np.ndarray | None
) -> tuple[np.ndarray, float]:
    """The zero-truncated likelihood's maximum (SciPy's L-BFGS-B within the bounds)."""
    from scipy import optimize  # noqa: PLC0415 (slow to import)

    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    total = float(w.sum())
    bounds = _bounds(name)

    def minus_log_likelihood(theta: np.ndarray) -> float:
        logp = _log_probabilities(name, theta, v)
        value = -(float(w @ logp) - total * float(_log_beyond_zero(name, theta)))
        return value if math.isfinite(value) else 1e300

    starts = [start] if start is not None else _starts(name, v, w)
    best: Any = None
    with np.errstate(all="ignore"):
        for guess in starts:
            clipped = [min(max(g, lo), hi) for g, (lo, hi) in zip(guess, bounds, strict=True)]
            found = optimize.minimize(
                minus_log_likelihood, clipped, bounds=bounds, method="L-BFGS-B"
            )
            if best is None or found.fun < best.fun:
                best = found
    return np.asarray(best.x, dtype=float), -float(best.fun)


def theta_of(name: str, parameters: dict[str, float]) -> np.ndarray:
    """A fit's ``theta`` from its parameters as a scenario writes them (``Fitted.parameters``)."""
    mean = parameters["mean"]
    if name == "poisson":
        return np.array([math.log(mean)])
    if name == "normal":
        return np.array([mean, math.log(parameters["sd"])])
    cv = parameters["cv"]
    if name == "negative_binomial":
        return np.array([math.log(mean), -math.log(cv**2 - 1 / mean)])
    return np.array([math.log(mean), math.log(cv)])


def moments(name: str, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and cv of family ``name`` at ``theta`` (its last axis the parameters), untruncated."""
    theta = np.asarray(theta, dtype=float)
    if name == "normal":
        mean, sd = theta[..., 0], np.exp(theta[..., 1])
        with np.errstate(divide="ignore"):
            return mean, np.where(mean > 0, sd / np.maximum(mean, 1e-300), np.inf)
    mean = np.exp(theta[..., 0])
    if name == "poisson":
        return mean, 1 / np.sqrt(mean)
    if name == "negative_binomial":
        return mean, np.sqrt(1 / mean + np.exp(-theta[..., 1]))
    return mean, np.exp(theta[..., 1])


def zero(name: str, theta: np.ndarray) -> np.ndarray:
    """P(0) of family ``name`` at ``theta`` (its last axis the parameters)."""
    log_zero = _log_probabilities(name, np.asarray(theta, dtype=float), np.zeros(1))[..., 0]
    found: np.ndarray = np.exp(log_zero)
    return found


def refit(name: str, values: np.ndarray, weights: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Refit family ``name`` to many samples at once: a row of ``weights`` each (a bootstrap).

    Damped Newton steps from ``start`` (the fit to the whole sample), all rows together, with
    derivatives by central differences: a resample's maximum is close to the sample's, where
    Newton's method converges fast. A row whose steps do not settle is fitted alone (``fit``).
    Returns one ``theta`` per row.
    """
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    totals = w.sum(axis=1)
    bounds = np.array(_bounds(name))
    theta = np.tile(np.asarray(start, dtype=float), (len(w), 1))

    def log_likelihood(at: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            found = np.einsum("bv,bv->b", w, _log_probabilities(name, at, v))
            found -= totals * _log_beyond_zero(name, at)
        return np.where(np.isfinite(found), found, -np.inf)

    h = 1e-4
    settled = np.zeros(len(w), dtype=bool)
    here = log_likelihood(theta)
    for _ in range(_NEWTON_STEPS):
        gradient, hessian = _derivatives(log_likelihood, theta, here, h)
        # A parameter on its bound whose gradient points out stays there (projected Newton,
        # Bertsekas 1982): its row and column of the Hessian leave the step.
        held = ((theta <= bounds[:, 0]) & (gradient < 0)) | (
            (theta >= bounds[:, 1]) & (gradient > 0)
        )
        gradient = np.where(held, 0.0, gradient)
        both = held[:, :, None] | held[:, None, :]
        hessian = np.where(both, -np.eye(theta.shape[1]), hessian)
        step = _newton_step(gradient, hessian)
        size = np.ones(len(w))
        for _ in range(_HALVINGS):  # halve each row's step until its likelihood rises
            moved = np.clip(theta + size[:, None] * step, bounds[:, 0], bounds[:, 1])
            better = log_likelihood(moved) >= here
            if better.all():
                break
            size = np.where(better, size, size / 2)
        moved = np.clip(theta + size[:, None] * step, bounds[:, 0], bounds[:, 1])
        there = log_likelihood(moved)
        keep = there >= here
        change = np.where(keep[:, None], moved - theta, 0.0)
        gain = np.where(keep, there - here, 0.0)
        theta, here = theta + change, np.where(keep, there, here)
        # Settled: theta stopped moving, or the likelihood stopped rising (a flat ridge, as
        # a negative binomial's size has towards a Poisson).
        settled = (np.abs(change).max(axis=1) < _SETTLED) | (gain < _FLAT * np.abs(here))
        if settled.all():
            break
    for row in np.flatnonzero(~settled | ~np.isfinite(here)):
        theta[row] = _maximise(name, v, w[row], theta[row])[0]
    return theta


_NEWTON_STEPS = 30
_HALVINGS = 30
_SETTLED = 1e-7  # change of theta (a log scale) below which a refit has settled
_FLAT = 2.2e-9  # a relative rise of the log-likelihood below which a refit has settled
# (L-BFGS-B's own default: SciPy's ftol)


def _derivatives(
    log_likelihood: Any, theta: np.ndarray, here: np.ndarray, h: float
) -> tuple[np.ndarray, np.ndarray]:
    """Gradient and Hessian of each row's log-likelihood, by central differences."""
    n, p = theta.shape
    eye = np.eye(p) * h
    up = np.stack([log_likelihood(theta + eye[i]) for i in range(p)], axis=1)
    down = np.stack([log_likelihood(theta - eye[i]) for i in range(p)], axis=1)
    gradient = (up - down) / (2 * h)
    hessian = np.empty((n, p, p))
    for i in range(p):
        hessian[:, i, i] = (up[:, i] - 2 * here + down[:, i]) / h**2
        for j in range(i + 1, p):
            both = log_likelihood(theta + eye[i] + eye[j]) - log_likelihood(theta + eye[i] - eye[j])
            both -= log_likelihood(theta - eye[i] + eye[j]) - log_likelihood(
                theta - eye[i] - eye[j]
            )
            hessian[:, i, j] = hessian[:, j, i] = both / (4 * h**2)
    return gradient, hessian


def _newton_step(gradient: np.ndarray, hessian: np.ndarray) -> np.ndarray:
    """Newton's step where the Hessian is negative definite, else a short gradient step."""
    with np.errstate(all="ignore"):
        eigen = np.linalg.eigvalsh(np.where(np.isfinite(hessian), hessian, 0.0))
        concave = (eigen < 0).all(axis=1) & np.isfinite(gradient).all(axis=1)
        safe = np.where(concave[:, None, None], hessian, -np.eye(gradient.shape[1]))
        newton = -np.linalg.solve(safe, gradient[..., None])[..., 0]
        scale = np.maximum(np.abs(np.diagonal(hessian, axis1=1, axis2=2)).max(axis=1), 1.0)
        ascent = gradient / scale[:, None]
    step = np.where(concave[:, None], newton, ascent)
    return np.where(np.isfinite(step), step, 0.0)


def _bounds(name: str) -> list[tuple[float, float]]:
    log_mean = (math.log(_LEAST_MEAN), math.log(MAX_DRAW))
    log_cv = (math.log(MIN_SPREAD), math.log(MAX_SPREAD))
    return {
        "poisson": [log_mean],
        "negative_binomial": [log_mean, (math.log(_SIZE[0]), math.log(_SIZE[1]))],
        "gamma": [log_mean, log_cv],
        "lognormal": [log_mean, log_cv],
        "normal": [(0.0, MAX_DRAW), (math.log(_LEAST_MEAN), math.log(MAX_DRAW))],
    }[name]


def _starts(name: str, v: np.ndarray, w: np.ndarray) -> list[np.ndarray]:
    """Where to start: the moments of the counts, pulled down for the zeros left out."""
    mean = float(w @ v / w.sum())
    var = max(float(w @ (v - mean) ** 2 / w.sum()), 1e-6)
    shrunk = max(mean * -math.expm1(-mean), _LEAST_MEAN)  # one step towards the untruncated mean
    cv = min(max(math.sqrt(var) / mean, 0.05), 5.0)
    if name == "poisson":
        return [np.array([math.log(shrunk)])]
    if name == "negative_binomial":
        size = shrunk**2 / max(var - shrunk, 0.1 * shrunk)
        return [
            np.array([math.log(shrunk), math.log(size)]),
            np.array([math.log(shrunk), math.log(100 * size)]),  # nearly a Poisson
        ]
    if name == "normal":
        return [np.array([mean, math.log(math.sqrt(var))])]
    return [np.array([math.log(shrunk), math.log(cv)])]


def _log_probabilities(name: str, theta: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Log P(count = k) before truncation, on the whole-pack scale; one row per ``theta`` row."""
    from scipy import special  # noqa: PLC0415 (slow to import)

    theta = np.asarray(theta, dtype=float)
    log_mean = theta[..., 0, None]
    logp: np.ndarray
    if name == "poisson":
        logp = k * log_mean - np.exp(log_mean) - special.gammaln(k + 1)
    elif name == "negative_binomial":
        mean, size = np.exp(log_mean), np.exp(theta[..., 1, None])
        logp = (
            special.gammaln(k + size)
            - special.gammaln(size)
            - special.gammaln(k + 1)
            - size * np.log1p(mean / size)
            - k * np.log1p(size / mean)
        )
    else:
        # 0 packs is every draw below 0.5: the engine clips negative draws to 0.
        below, above = _cdf_sf(name, theta, np.where(k == 0, -np.inf, k - 0.5))
        upper_below, upper_above = _cdf_sf(name, theta, k + 0.5)
        # The difference of the smaller tails keeps its digits far out in either one.
        mass = np.where(upper_below < above, upper_below - below, above - upper_above)
        logp = np.log(np.maximum(mass, np.finfo(float).tiny))
    return logp


def _log_beyond_zero(name: str, theta: np.ndarray) -> np.ndarray:
    """log(1 - P(0)): log of the share of days worked that leave a row."""
    found: np.ndarray
    if name in DISCRETE_FAMILIES:
        log_zero = _log_probabilities(name, theta, np.zeros(1))[..., 0]
        with np.errstate(divide="ignore"):
            found = np.log(-np.expm1(np.minimum(log_zero, 0.0)))
    else:
        found = np.log(np.maximum(_cdf_sf(name, theta, np.array([0.5]))[1][..., 0], 1e-300))
    return found


def _cdf_sf(name: str, theta: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P(X <= x) and P(X > x) of the continuous draw (before rounding)."""
    from scipy import special  # noqa: PLC0415 (slow to import)

    first, second = theta[..., 0, None], np.exp(theta[..., 1, None])
    if name == "normal":
        z = (x - first) / second
        return special.ndtr(z), special.ndtr(-z)
    mean, cv = np.exp(first), second
    positive = np.maximum(x, 0.0)
    if name == "gamma":
        shape, scale = 1 / cv**2, mean * cv**2
        return special.gammainc(shape, positive / scale), special.gammaincc(shape, positive / scale)
    sigma = np.sqrt(np.log1p(cv**2))  # lognormal
    with np.errstate(divide="ignore"):
        z = (np.log(positive) - (np.log(mean) - sigma**2 / 2)) / sigma
    return special.ndtr(z), special.ndtr(-z)
