"""Named random streams: one numpy Generator per (replication, entity, purpose).

Streams are keyed by *name*, not by creation order, so adding a kitchen group or a buyer
leaves every other stream's numbers unchanged: that is what makes comparisons of policies
with common random numbers sharp, and results independent of how work is split over workers.

Every name in use is spelled here, and only here: a name is the seed of its stream, so changing
one (even a character) changes every number drawn from it, and both engines must use the same.
"""

from __future__ import annotations

import zlib

import numpy as np

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
