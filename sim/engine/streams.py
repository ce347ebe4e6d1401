"""Named random streams: one numpy Generator per (replication, entity, purpose).

Streams are keyed by *name*, not by creation order, so adding a kitchen group or a buyer
leaves every other stream's numbers unchanged: that is what makes comparisons of policies
with common random numbers sharp, and results independent of how work is split over workers.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, replication: int, name: str) -> np.random.Generator:
    """Return the generator for one replication and one named purpose.

    Args:
        seed: The experiment's seed.
        replication: Replication number, from 0.
        name: What the numbers are for, e.g. ``"kitchens/peyek-makers/output"``.
    """
    key = (replication, zlib.crc32(name.encode()))
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))
