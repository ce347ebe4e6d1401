"""Named random streams: one numpy Generator per (replication, entity, purpose).

Streams are keyed by *name*, not by creation order, so adding a kitchen group or a buyer
leaves every other stream's numbers unchanged: that is what makes comparisons of policies
with common random numbers sharp, and results independent of how work is split over workers.

Every name in use is spelled here, and only here: a name is the seed of its stream, so changing
one (even a character) changes every number drawn from it, and both engines must use the same.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from itertools import cycle
from typing import Any

import numpy as np
from numpy.random.bit_generator import ISeedSequence

# --- the simulation's streams (both engines) ---------------------------------------------------

QUALITY_CONTROL = "warehouse/quality-control"
"""Packs of each delivered lot rejected at quality control, lot by lot."""


def buyer_transit(buyer: str) -> str:
    """Return the name of a buyer's stream of days in transit, one draw per shipment."""
    return f"buyers/{buyer}/transit"


def supply_shock(shock: str) -> str:
    """Return the name of a supply shock's stream: when it strikes and how long it lasts."""
    return f"shocks/{shock}"


def kitchen_output(group: str) -> str:
    """Return the name of a kitchen group's stream of daily output draws."""
    return f"kitchens/{group}/output"


def kitchen_absence(group: str) -> str:
    """Return the name of a kitchen group's stream of the absence chain."""
    return f"kitchens/{group}/absence"


# --- the experiments' designs (replication 0 of the experiment's seed) --------------------------

SWEEP_DESIGN = "sweep/design"
"""The sweep's Latin hypercube of scenario points."""
EXPLORE_FUTURES = "explore/futures"
"""The futures ``explore`` samples."""
EXPLORE_BOOTSTRAP = "explore/bootstrap"
"""The bootstrap of ``explore``'s ranking of policies."""
GSA_SALIB = "gsa/salib"
"""The seed handed to SALib's sampler in global sensitivity analysis."""
EXPLORE_FUTURE = "explore/future"
"""Each future's own seed in ``explore``: its replications share no draws with another's."""
OPTIMIZE_SEARCH = "optimize/search"
"""The seed handed to Optuna's sampler in ``optimize``."""
OPTIMIZE_CHECK = "optimize/check"
"""Each fresh check's own seed in ``optimize``: replications the search never saw."""


def stream(seed: int, replication: int, name: str) -> np.random.Generator:
    """Return the generator for one replication and one named purpose.

    Args:
        seed: The experiment's seed.
        replication: Replication number, from 0.
        name: What the numbers are for, one of this module's names, e.g.
            ``kitchen_output("peyek-makers")``.
    """
    key = (replication, zlib.crc32(name.encode()))
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def part_seed(seed: int, name: str, number: int) -> int:
    """Return a seed of its own for a numbered part of an experiment (``EXPLORE_FUTURE``, 3).

    Drawn from the experiment's seed, the part's name and number: the same every time, in
    ``[0, 2**63)`` like every seed, and independent of every other part's.
    """
    sequence = np.random.SeedSequence(seed, spawn_key=(zlib.crc32(name.encode()), number))
    return int(sequence.generate_state(1, np.uint64)[0] >> np.uint64(1))


def streams(seed: int, replications: Sequence[int], name: str) -> list[np.random.Generator]:
    """Return ``stream(seed, r, name)`` for each replication ``r``, made together.

    The same generators, in state and so in every number (``tests/test_engines.py`` compares
    them), at a fraction of the cost: numpy's ``SeedSequence`` hashes its entropy one word at a
    time in Python-level loops (about 25 us a stream), and its output is part of numpy's
    compatibility guarantee, so here it is computed for all replications at once, in uint32
    arithmetic, and handed to ``PCG64`` as it would have been.
    """
    if any(r < 0 or r >= 2**32 for r in replications):  # one uint32 word each, or the slow way
        return [stream(seed, r, name) for r in replications]
    reps = np.array(replications, dtype=np.uint32)
    words = _words(seed)
    entropy: list[Word] = [*words, *[0] * (_POOL - len(words)), reps, zlib.crc32(name.encode())]
    hash_a = _Hash(_INIT_A, _MULT_A)
    pool = [hash_a.mix(entropy[i]) if i < len(entropy) else hash_a.mix(0) for i in range(_POOL)]
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                pool[dst] = _mix(pool[dst], hash_a.mix(pool[src]))
    for word in entropy[_POOL:]:
        for dst in range(_POOL):
            pool[dst] = _mix(pool[dst], hash_a.mix(word))
    hash_b = _Hash(_INIT_B, _MULT_B)
    state = np.empty((len(reps), 8), dtype=np.uint32)
    for i, word in zip(range(8), cycle(pool), strict=False):
        state[:, i] = hash_b.mix(word)
    seeded = state.astype("<u4").view("<u8").astype(np.uint64)  # 4 words a replication
    # PCG64 takes any ISeedSequence, though its type hints name only SeedSequence.
    return [np.random.Generator(np.random.PCG64(_Seeded(row))) for row in seeded]  # type: ignore[arg-type]


_POOL = 4
_PCG64_WORDS = 4
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_MASK = 0xFFFFFFFF
Word = int | np.ndarray  # one uint32 word, or one per replication


def _words(n: int) -> list[int]:
    """Split a non-negative integer into uint32 words, lowest first (0 is one word)."""
    words = [n & _MASK]
    while n > _MASK:
        n >>= 32
        words.append(n & _MASK)
    return words


def _xorshift(value: Word) -> Word:
    return value ^ (value >> 16)


def _mix(x: Word, y: Word) -> Word:
    if isinstance(x, int) and isinstance(y, int):
        return _xorshift((_MIX_L * x - _MIX_R * y) & _MASK)
    x, y = np.array(x, dtype=np.uint32, ndmin=1), np.array(y, dtype=np.uint32, ndmin=1)
    return _xorshift(np.uint32(_MIX_L) * x - np.uint32(_MIX_R) * y)  # wraps, as uint32 does


class _Hash:
    """The seed sequence's running hash: its constant changes with every word hashed."""

    def __init__(self, start: int, multiplier: int) -> None:
        self.constant, self.multiplier = start, multiplier

    def mix(self, value: Word) -> Word:
        value = value ^ self.constant
        self.constant = (self.constant * self.multiplier) & _MASK
        if isinstance(value, int):
            return _xorshift((value * self.constant) & _MASK)
        return _xorshift(value * np.uint32(self.constant))


class _Seeded(ISeedSequence):
    """A seed sequence's output, computed already: what ``PCG64`` asks of it."""

    def __init__(self, state: np.ndarray) -> None:
        self.state = state

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        """Return the four 64-bit words ``PCG64`` seeds itself with (its one call)."""
        assert (n_words, np.dtype(dtype)) == (_PCG64_WORDS, np.uint64)  # noqa: S101
        return self.state
