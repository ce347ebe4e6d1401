"""Every result's shape: a kind, a tidy table and one document headed by what produced it.

Whatever question was asked (a run, a comparison, an exploration, ...), its answer is a
``Result``: ``kind`` names the question, ``table`` holds its numbers (one row per variant x
scope x KPI, or the kind's own natural table) and ``document()`` is the JSON-ready record a
folder keeps, headed by ``provenance``, the one place that record is made.
"""

from __future__ import annotations

import hashlib
import json
import math
import shlex
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from sim._version import __version__
from sim.i18n import current

if TYPE_CHECKING:
    import pandas as pd

    from sim.results.precision import PrecisionReport
    from sim.scenario.schema import Scenario

_command: ContextVar[str | None] = ContextVar("command", default=None)


@runtime_checkable
class Result(Protocol):
    """What every experiment returns."""

    kind: ClassVar[str]

    @property
    def table(self) -> pd.DataFrame:
        """Its numbers, tidy: one row per variant x scope x KPI, or its kind's natural table."""
        ...

    def document(self) -> dict[str, Any]:
        """Its JSON-ready record, headed by ``provenance``."""
        ...


@contextmanager
def commanded(argv: Sequence[str]) -> Iterator[None]:
    """Inside the block, documents record the command line (``umkm-sim`` and ``argv``)."""
    token = _command.set(shlex.join(["umkm-sim", *argv]))
    try:
        yield
    finally:
        _command.reset(token)


def provenance(
    scenario: Scenario,
    seed: int,
    replications: int,
    precision: PrecisionReport | None = None,
) -> dict[str, Any]:
    """Return what produced a result, the head of every document.

    The scenario's name, file and digest; the seed, the replications (per variant; the most
    any had, where they differ); the horizon; the version; the language of the words and figures
    written with it; the command line that asked for it (``None`` from Python); and how a
    precision target went, if one was set.
    """
    document: dict[str, Any] = {
        "scenario": scenario.name,
        "scenario_file": scenario.source,
        "scenario_sha256": scenario.digest(),
        "seed": seed,
        "replications": replications,
        "horizon_days": scenario.horizon_days,
        **made_by(),
    }
    if precision is not None:
        document["precision"] = precision.as_dict()
    return document


def records_provenance(source: str) -> dict[str, Any]:
    """Return what produced a fit to records: the file and its digest, and as ``provenance``."""
    path = Path(source)
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    return {"records_file": source, "records_sha256": digest, **made_by()}


def made_by() -> dict[str, Any]:
    """The version, the language of the words and figures, the command line (or ``None``)."""
    return {"version": __version__, "language": current(), "command": _command.get()}


def without_nan(value: Any) -> Any:
    """``value`` with every NaN, however deep in lists and dicts, as ``None`` (JSON's null)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: without_nan(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [without_nan(v) for v in value]
    return value


def json_ready(document: dict[str, Any]) -> dict[str, Any]:
    """A document with NumPy's numbers as plain ones and NaN as ``None``: ready for JSON."""
    ready: dict[str, Any] = without_nan(json.loads(json.dumps(document, default=float)))
    return ready


class Documented:
    """The spellings ``document()`` had before 0.3 (``summary``, ``as_dict()``, ``to_json()``).

    Kept for a while, with a warning, so that notebooks written before still run.
    """

    def document(self) -> dict[str, Any]:
        """Return the result's JSON-ready record (see ``Result``)."""
        raise NotImplementedError

    @property
    def summary(self) -> dict[str, Any]:
        """Deprecated: ``document()``."""
        _renamed("summary", "document()")
        return self.document()

    def as_dict(self) -> dict[str, Any]:
        """Deprecated: ``document()``."""
        _renamed("as_dict()", "document()")
        return self.document()

    def to_json(self) -> str:
        """Deprecated: ``json.dumps(result.document())``."""
        _renamed("to_json()", "json.dumps(result.document())")
        return json.dumps(self.document(), indent=2, allow_nan=False)


def _renamed(old: str, new: str) -> None:
    warnings.warn(f"{old} is now {new}", DeprecationWarning, stacklevel=3)
