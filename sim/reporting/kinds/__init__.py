"""Every kind of result umkm-sim gives, one registry entry each (``sim.reporting.kind.Kind``).

A new kind of question is its experiment module in ``sim.experiments`` (a result with a
``kind``, a ``table`` and a ``document()``), its module here (its words, files and report
section) and one line in ``KINDS``; the writers, the report and the command line find it here.
"""

from __future__ import annotations

from typing import Any

from sim.reporting.kind import Kind
from sim.reporting.kinds import (
    cheapest,
    compare,
    discover,
    explore,
    fit,
    gsa,
    optimize,
    run,
    select,
    sensitivity,
    sweep,
    target,
    transit,
)

KINDS: tuple[Kind, ...] = (
    run.KIND,
    compare.KIND,
    select.KIND,
    sweep.KIND,
    target.KIND,
    sensitivity.KIND,
    cheapest.KIND,
    optimize.KIND,
    explore.KIND,
    discover.KIND,
    gsa.KIND,
    fit.FIT,
    transit.KIND,
)
"""In the order a report looks for their documents in a folder."""


def kind_of(result: Any) -> Kind:
    """Return the registry entry of a result.

    Raises:
        TypeError: Not a result of umkm-sim.
    """
    for kind in KINDS:
        if isinstance(result, kind.result):
            return kind
    raise TypeError(f"no kind of result is {type(result).__name__}")


def named(name: str) -> Kind:
    """Return the kind called ``name`` (``compare``)."""
    return next(kind for kind in KINDS if kind.name == name)
