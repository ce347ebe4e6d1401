"""How the command line's flag values are read: each type says what it expected, in one line.

argparse turns a ``ValueError`` or ``argparse.ArgumentTypeError`` into ``umkm-sim CMD: error:
argument --flag: ...`` and exit status 2, before anything runs.
"""

from __future__ import annotations

import argparse
import math

from sim.i18n import _, number
from sim.scenario.limits import MAX_REPLICATIONS, MAX_SEED
from sim.scenario.messages import show


def positive(text: str) -> int:
    """A whole number of at least 1."""
    value = integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(_("must be >= 1, got {value}").format(value=show(value)))
    return value


def workers(text: str) -> int:
    """Worker processes: at least 1 (``session`` caps local ones at this machine's cores)."""
    return positive(text)


def seed(text: str) -> int:
    """A seed: a whole number from 0 to 2**63 - 1."""
    value = non_negative(text)
    if value > MAX_SEED:
        raise argparse.ArgumentTypeError(
            _("must be <= {limit} (2**63 - 1), got {value}").format(
                limit=MAX_SEED, value=show(value)
            )
        )
    return value


def replications(text: str) -> int:
    """Replications: at least 1, at most the limit."""
    value = positive(text)
    if value > MAX_REPLICATIONS:
        raise argparse.ArgumentTypeError(
            _("must be <= {limit}, got {value}").format(
                limit=number(MAX_REPLICATIONS), value=show(value)
            )
        )
    return value


def max_replications(text: str) -> int:
    """A cap on replications: at least 2 (an interval needs two values)."""
    value = replications(text)
    if value < 2:  # noqa: PLR2004 (a CI needs two)
        raise argparse.ArgumentTypeError(
            _("must be >= 2 (a CI needs two replications), got {value}").format(value=show(value))
        )
    return value


def non_negative(text: str) -> int:
    """A whole number of at least 0."""
    value = integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(_("must be >= 0, got {value}").format(value=show(value)))
    return value


def finite(text: str) -> float:
    """A finite number."""
    value = _number(text)
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(
            _("must be a finite number, got {value}").format(value=show(text))
        )
    return value


def positive_float(text: str) -> float:
    """A finite number above 0."""
    value = _number(text)
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(
            _("must be > 0 (and finite), got {value}").format(value=show(text))
        )
    return value


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("must be a number, got {value}").format(value=show(text))
        ) from None


def integer(text: str) -> int:
    """A whole number, written as one."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("must be a whole number, got {value}").format(value=show(text))
        ) from None
