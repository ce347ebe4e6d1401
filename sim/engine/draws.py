"""A kitchen group's output for a batch of replications, drawn in cache-sized pieces.

The same numbers as ``kitchens.produce_in_bulk`` makes for each replication alone (the same
streams, the same blocks of ``KITCHEN_BLOCK`` kitchens, the same arithmetic), computed without
large temporaries: each replication's block of draws goes into one reused buffer, where it is
clipped, scaled, capped and rounded in place and summed over kitchens; the absence chain of a
slice of the batch steps day by day over arrays laid out day first, so each day's step reads
and writes contiguous memory. A fresh process so pays few page faults, and every pass over the
draws finds them in the cache.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.engine import kitchens
from sim.engine.kitchens import absence_rates
from sim.scenario.distributions import Gamma
from sim.scenario.limits import MAX_DRAW
from sim.scenario.mechanisms import Absence
from sim.scenario.schema import KitchenGroup

CHAIN_CELLS = 2_000_000
"""Kitchens x days x replications whose absence chain steps at once (about 3 bytes each)."""


def draw_output(group: KitchenGroup, rng: np.random.Generator, out: np.ndarray) -> None:
    """Fill ``out`` (kitchens x days) with the group's output draws, as ``daily_output.sample``.

    A gamma is drawn in place: numpy's ``gamma(shape, scale)`` is ``scale`` times its
    ``standard_gamma(shape)``, draw for draw, so scaling afterwards gives the same numbers.
    """
    output = group.daily_output
    if isinstance(output, Gamma):
        rng.standard_gamma(1 / output.cv**2, out=out)
        out *= output.mean * output.cv**2
    else:
        out[...] = output.sample(rng, out.shape)


def potential(
    group: KitchenGroup,
    multiplier: np.ndarray,
    output: Sequence[np.random.Generator],
    absence: Sequence[np.random.Generator],
) -> np.ndarray:
    """Return packs each replication's kitchens make each day, before a boost and the calendar.

    Args:
        group: The kitchens.
        multiplier: Per replication and day, the supply multiplier of output.
        output: Each replication's stream of output draws.
        absence: Each replication's stream of the absence chain.
    """
    reps, days = multiplier.shape
    total = np.zeros((reps, days), dtype=np.int64)
    away = group.absence if group.absence is not None and group.absence.fraction > 0 else None
    block = kitchens.KITCHEN_BLOCK  # the reference's blocks: the same draws
    for first in range(0, group.count, block):
        n = min(block, group.count - first)
        draws = np.empty((n, days))
        step = max(1, min(reps, CHAIN_CELLS // (n * (days + 1))))  # replications at a time
        chain = None if away is None else _Chain(away, step, n, days)
        for lo in range(0, reps, step):
            hi = min(reps, lo + step)
            present = None if chain is None else chain.step(absence[lo:hi])
            for i in range(lo, hi):
                draw_output(group, output[i], draws)
                # packs_made, in place: negative draws make none, the multiplier, the cap, rounded
                np.maximum(draws, 0, out=draws)
                draws *= multiplier[i]
                np.minimum(draws, MAX_DRAW, out=draws)
                np.rint(draws, out=draws)
                if present is not None:
                    draws *= present[:, i - lo, :].T
                # Whole packs below 2**53 (MAX_DRAW x MAX_KITCHENS): the float sum is exact.
                total[i] += draws.sum(axis=0).astype(np.int64)
    return total


class _Chain:
    """Buffers for the absence chain of up to ``reps`` replications of ``n`` kitchens.

    ``step`` draws each replication's uniforms (kitchens x days + 1, as ``presence`` does) and
    returns presence laid out days x replications x kitchens.
    """

    def __init__(self, absence: Absence, reps: int, n: int, days: int) -> None:
        """Allocate once for every slice of the batch."""
        self.absence = absence
        self.leave, self.back = absence_rates(absence)
        self.u = np.empty((n, days + 1))
        self.stays = np.empty((days + 1, reps, n), dtype=bool)  # a present kitchen stays
        self.returns = np.empty((days + 1, reps, n), dtype=bool)  # an absent one comes back
        self.present = np.empty((days, reps, n), dtype=bool)

    def step(self, rngs: Sequence[np.random.Generator]) -> np.ndarray:
        """Return presence (days x replications x kitchens) of these replications' kitchens."""
        u, reps = self.u, len(rngs)
        stays, returns = self.stays[:, :reps], self.returns[:, :reps]
        for j, rng in enumerate(rngs):
            rng.random(out=u)
            np.greater_equal(u.T, self.leave, out=stays[:, j])
            np.less(u.T, self.back, out=returns[:, j])
            stays[0, j] = u[:, 0] >= self.absence.fraction  # the start, as ``chain``
        present = self.present[:, :reps]
        state = stays[0]
        for day in range(present.shape[0]):
            np.copyto(present[day], returns[day + 1])
            np.copyto(present[day], stays[day + 1], where=state)
            state = present[day]
        return present
