"""Absences as the engine models them: a two-state Markov chain of present and absent days.

The chain steps every calendar day; the records show it only on working days, so transitions
are counted between consecutive calendar days that are both working days (a Saturday-to-Monday
pair says nothing about one step). The maximum-likelihood rates are the observed transition
shares (Anderson & Goodman 1957); whether the chain fits better than days absent independently
at one long-run rate is their likelihood-ratio test, one degree of freedom.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Transitions:
    """Counts of one-day transitions: present->present, present->absent, absent->..."""

    pp: int
    pa: int
    ap: int
    aa: int

    @classmethod
    def count(cls, absent: np.ndarray, observed: np.ndarray) -> Transitions:
        """Count them in ``absent`` (kitchens x days) where both days are ``observed``."""
        both = observed[:-1] & observed[1:]
        before, after = absent[:, :-1][:, both], absent[:, 1:][:, both]
        return cls(
            int((~before & ~after).sum()),
            int((~before & after).sum()),
            int((before & ~after).sum()),
            int((before & after).sum()),
        )

    def __add__(self, other: Transitions) -> Transitions:
        """Pool two kitchens' (or samples') counts."""
        return Transitions(
            self.pp + other.pp, self.pa + other.pa, self.ap + other.ap, self.aa + other.aa
        )

    def rates(self) -> tuple[float, float]:
        """Return (leave, back): P(present -> absent) and P(absent -> present) a day."""
        leave = self.pa / (self.pp + self.pa) if self.pp + self.pa else math.nan
        back = self.ap / (self.ap + self.aa) if self.ap + self.aa else math.nan
        return leave, back

    def chain_test(self) -> float:
        """P-value of the chain against independent days at one rate (likelihood ratio)."""
        from scipy import stats  # noqa: PLC0415 (slow to import)

        total = self.pp + self.pa + self.ap + self.aa
        absent_after = self.pa + self.aa
        if total == 0 or absent_after in (0, total):
            return math.nan
        share = absent_after / total
        independent = _xlogy(absent_after, share) + _xlogy(total - absent_after, 1 - share)
        leave, back = self.rates()
        chain = (
            _xlogy(self.pa, leave)
            + _xlogy(self.pp, 1 - leave)
            + _xlogy(self.ap, back)
            + _xlogy(self.aa, 1 - back)
        )
        return float(stats.chi2.sf(max(0.0, 2 * (chain - independent)), 1))


def _xlogy(n: int, p: float) -> float:
    return 0.0 if n == 0 else n * math.log(p)


def net_of_zero_days(moves: np.ndarray, zero: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Return the chain's (leave, back) from moves between days with and without a row.

    ``moves`` holds the counts (pp, pa, ap, aa) on its last axis, "a" meaning a day without a
    row; ``zero`` is the share of days worked that leave no row either (days with no output,
    where those are not recorded). Such days are taken to fall singly and independently of
    absences, each with probability ``zero`` on a day worked: a missing row is then an absence
    or, on a day worked, a zero. Of the moment equations of that hidden chain, the share of days
    without a row, ``m = a + (1 - a) zero``, gives the share absent ``a``, and the covariance of
    consecutive days without a row, ``(1 - zero)^2 rho a (1 - a)``, the chain's persistence
    ``rho = 1 - leave - back``; so ``leave = a (1 - rho)`` and ``back = (1 - a) (1 - rho)``.
    With ``zero = 0``, ``back`` is the observed share of returns (``Transitions.rates``), and
    ``leave`` the one that makes ``a`` the chain's long-run share. Where nobody was absent,
    ``leave`` is 0 and ``back`` is ``nan``.
    """
    pp, pa, ap, aa = np.moveaxis(np.asarray(moves, dtype=float), -1, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        missing = (ap + aa) / (pp + pa + ap + aa)  # the first day of a pair has no row
        stay = aa / (ap + aa)  # no row on the next day either
        absent = (missing - zero) / (1 - zero)
        persistence = (missing * stay - missing**2) / ((1 - zero) ** 2 * absent * (1 - absent))
        leave = np.where(absent > 0, absent * (1 - persistence), 0.0)
        back = np.where(absent > 0, (1 - absent) * (1 - persistence), np.nan)
    return leave, back
