"""Sweeps: run a grid (or a Latin hypercube sample) of lever values, with common random numbers.

Every design point runs with the same seed, so differences between neighbouring points are not
blurred by fresh noise, and the KPI curves come out smooth.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar, Unpack

import numpy as np
import pandas as pd
import pydantic

from sim.engine.streams import SWEEP_DESIGN, stream
from sim.experiments.runner import (
    PreciseExecution,
    Variant,
    replications_and_seed,
    run_variants,
)
from sim.i18n import Message
from sim.results.documents import Documented, provenance
from sim.results.precision import PrecisionReport
from sim.results.scopes import ALL, estimates, per_replication
from sim.results.tables import Results
from sim.scenario.designs import Range, Sweep, whole
from sim.scenario.loading import derive, lever_problems
from sim.scenario.messages import ScenarioError, validation_problems
from sim.scenario.schema import Scenario


def design(sweep: Sweep, seed: int) -> pd.DataFrame:
    """Return the design: one row per point, one column per lever (dotted path).

    A full grid of every lever's values; or, with ``samples``, a Latin hypercube over the
    ranges (whole numbers for integer ranges, each equally likely, repeated points dropped),
    drawn from its own named stream so that the same seed gives the same design.
    """
    paths = list(sweep.levers)
    if sweep.samples is None:
        values = [_grid_values(sweep.levers[p]) for p in paths]
        return pd.DataFrame(list(itertools.product(*values)), columns=paths)
    from scipy.stats import qmc  # noqa: PLC0415 (slow to import; only sweeps need it)

    ranges = [sweep.levers[p] for p in paths]
    unit = qmc.LatinHypercube(d=len(paths), rng=stream(seed, 0, SWEEP_DESIGN)).random(sweep.samples)
    columns = {}
    for j, (path, lever) in enumerate(zip(paths, ranges, strict=True)):
        assert isinstance(lever, Range)  # noqa: S101 (the schema guarantees it)
        if lever.integer:  # each whole number equally likely (designs.whole)
            columns[path] = [whole(u, int(lever.low), int(lever.high)) for u in unit[:, j]]
        else:
            columns[path] = lever.low + unit[:, j] * (lever.high - lever.low)
    return pd.DataFrame(columns).drop_duplicates().sort_values(paths, ignore_index=True)


def _grid_values(lever: list[Any] | Range) -> list[Any]:
    if isinstance(lever, list):
        return lever
    assert lever.step is not None  # noqa: S101 (the schema guarantees it)
    values = lever.low + lever.step * np.arange(lever.count)
    return [int(v) for v in values] if lever.integer else [float(v) for v in values]


def sweep_variants(scenario: Scenario, points: pd.DataFrame) -> list[Variant]:
    """Return one validated variant per design point, named ``point-0``, ``point-1``, ..."""
    variants = []
    for i, row in enumerate(points.to_dict("records")):
        settings = {str(path): _plain(value) for path, value in row.items()}

        def blame(path: str, value: Any, i: int = i) -> str:
            return f"sweep point {i}: {path}={value}"

        variants.append(Variant(f"point-{i}", derive(scenario, settings, blame), settings))
    return variants


def sweep(
    scenario: Scenario,
    levers: Mapping[str, list[Any] | Range | Mapping[str, float]] | Sweep | None = None,
    samples: int | None = None,
    **execution: Unpack[PreciseExecution],
) -> SweepResult:
    """Run every design point of a sweep with common random numbers.

    Args:
        scenario: The scenario whose levers are varied.
        levers: Dotted path -> values or a range ``{low, high[, step]}``; or a ``Sweep``;
            default: the scenario's ``sweep`` section.
        samples: Latin hypercube points instead of the full grid.
        **execution: How to run them: replications (per point), seed, workers, ... (see
            ``sim.experiments.runner.Execution``).
    """
    plan = as_sweep(scenario, levers, samples)
    n, seed = replications_and_seed(scenario, execution)
    points = design(plan, seed)
    variants = sweep_variants(scenario, points)
    outcomes, report = run_variants(variants, n, seed, execution)
    results = [Results(v.scenario, seed, outcomes[v.name]) for v in variants]
    return SweepResult(scenario, seed, plan, points, results, report)


def as_sweep(
    scenario: Scenario,
    levers: Mapping[str, Any] | Sweep | None,
    samples: int | None,
    source: str = "sweep",
) -> Sweep:
    """Return the sweep to run: the one given, or the scenario's; validated.

    ``source`` names where the levers came from in a message (``--sweep`` on the command line).
    """
    if isinstance(levers, Sweep):
        return levers
    if levers is None:
        if scenario.sweep is None:
            raise ScenarioError(
                [Message("no levers to sweep: give --sweep PATH=VALUES, or a sweep: section in it")]
            )
        return (
            scenario.sweep
            if samples is None
            else Sweep(levers=scenario.sweep.levers, samples=samples)
        )
    data = {"levers": dict(levers), "samples": samples}
    try:
        plan = Sweep.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ScenarioError(validation_problems(exc, data, source)) from None
    problems = lever_problems(scenario, plan, lambda path: f"{source} {path}")
    if problems:
        raise ScenarioError(problems)
    return plan


@dataclass(frozen=True)
class SweepResult(Documented):
    """The results of every design point of a sweep.

    Attributes:
        scenario: The scenario whose levers were varied.
        seed: The seed every point ran with.
        sweep: The sweep definition.
        points: The design: one row per point, one column per lever.
        results: Each point's results, in design order.
        precision: How a precision target went, if one was set.
    """

    scenario: Scenario
    seed: int
    sweep: Sweep
    points: pd.DataFrame
    results: list[Results]
    precision: PrecisionReport | None = None
    kind: ClassVar[str] = "sweep"

    @property
    def levers(self) -> list[str]:
        """Return the levers' dotted paths."""
        return list(self.points.columns)

    @cached_property
    def table(self) -> pd.DataFrame:
        """One row per design point x scope x KPI: the levers' values, estimate and 95% CI."""
        per_rep = pd.concat(
            [per_replication(r, point=i) for i, r in enumerate(self.results)], ignore_index=True
        )
        table = estimates(per_rep, ["point"])
        levers = self.points.map(_plain).assign(point=range(len(self.points)))
        columns = ["point", *self.levers, *table.columns.drop("point")]
        table = levers.merge(table, on="point", how="right")[columns]
        replications = [r.replications for r in self.results]
        return table.assign(replications=table["point"].map(replications.__getitem__))

    def headline(self, kpi: str = "quota_miss_rate") -> pd.DataFrame:
        """Return the table's rows for one KPI over all buyers and products."""
        t = self.table
        return t[(t.kpi == kpi) & (t.buyer == ALL) & (t["product"] == ALL)]

    def document(self) -> dict[str, Any]:
        """The sweep as a JSON-ready document: provenance, design, table."""
        replications = self.results[0].replications
        return {
            "kind": self.kind,
            **provenance(self.scenario, self.seed, replications, self.precision),
            "sweep": self.sweep.model_dump(mode="json", exclude_none=True),
            "table": json.loads(self.table.to_json(orient="records")),
        }


def _plain(value: Any) -> Any:
    """Turn numpy scalars into Python ones, which the schema (and YAML) accept."""
    return value.item() if isinstance(value, np.generic) else value
