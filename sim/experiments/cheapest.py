"""The cheapest policy that keeps a KPI within a target, with a stated confidence.

Every candidate (the baseline and the policies, or the points of a sweep design) runs with the
same seed (common random numbers) and is costed with the scenario's ``costs:`` section. A
candidate qualifies when the one-sided confidence bound of its KPI meets the target (Student's
t over replications: for ``quota_miss_rate<=0.05`` at 95%, the upper 95% bound must be at most
5%). Each candidate is judged at the stated confidence; the cheapest that qualifies is chosen.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Unpack

import numpy as np
import pandas as pd

from sim.experiments.compare import ALL, policy_variants
from sim.experiments.robustness import Criterion
from sim.experiments.runner import (
    PreciseExecution,
    Variant,
    replications_and_seed,
    run_variants,
)
from sim.experiments.sweep import design, sweep_variants
from sim.i18n import _, in_every_language, number, percent, rupiah, significant
from sim.results.tables import kpi_per_replication, provenance
from sim.scenario.costs import cost_of
from sim.scenario.messages import ScenarioError, show
from sim.scenario.schema import Scenario

CANDIDATES = ("policies", "sweep")


@dataclass(frozen=True)
class Cheapest:
    """Every candidate's cost and KPI, which qualify, and the cheapest that does.

    Attributes:
        scenario: The baseline scenario (with its ``costs:``).
        seed: The seed of every candidate.
        where: The constraint.
        confidence: With which it must hold.
        table: Per candidate, cheapest first: cost, mean, one-sided bound, ``qualifies``, and
            ``why`` (what ruled it out, or that it was chosen).
        chosen: The cheapest qualifying candidate, or ``None``.
    """

    scenario: Scenario
    seed: int
    where: Criterion
    confidence: float
    table: pd.DataFrame
    chosen: str | None

    def describe(self) -> str:
        """The answer in a sentence, then every candidate and what ruled it out."""
        head = _(
            "{scenario}: the cheapest candidate with {where} at {confidence} confidence "
            "(one-sided bound; seed {seed}, {n} replications each, common random numbers)"
        ).format(
            scenario=self.scenario.name,
            where=self.where.describe(),
            confidence=percent(self.confidence, 0),
            seed=self.seed,
            n=number(int(self.table.replications.iloc[0])),
        )
        columns = (_("candidate"), _("cost (Rp)"), _("estimate"), _("outcome"))
        lines = [head, "", f"{columns[0]:<22}{columns[1]:>18}  {columns[2]:>9}  {columns[3]}"]
        lines += [
            f"  {r['candidate']:<20}{_rp(r['cost']):>18}  {self._value(r['mean']):>9}  {why}"
            for r, why in zip(self.table.to_dict("records"), self.reasons(), strict=True)
        ]
        lines += ["", self.sentence()]
        return "\n".join(lines)

    def sentence(self) -> str:
        """Which candidate, what it costs, and the runner-up."""
        confidence = percent(self.confidence, 0)
        if self.chosen is None:
            return _(
                "No candidate meets {where} with {confidence} confidence: ask for more "
                "replications, or look at costlier policies."
            ).format(where=self.where.describe(), confidence=confidence)
        ok = self.table[self.table.qualifies]
        best = ok.iloc[0]
        said = _(
            "{best} is the cheapest candidate that keeps {where} with {confidence} confidence: "
            "{cost} over the horizon"
        ).format(
            best=best.candidate,
            where=self.where.describe(),
            confidence=confidence,
            cost=rupiah(_round3(best.cost)),
        )
        if len(ok) > 1:
            second = ok.iloc[1]
            said += "; " + _("the runner-up, {second}, costs {cost}").format(
                second=second.candidate, cost=rupiah(_round3(second.cost))
            )
        return said + "."

    def reasons(self) -> list[str]:
        """For each candidate (cheapest first), what ruled it out, or that it was chosen."""
        said = []
        for row in self.table.to_dict("records"):
            bound = significant(row["bound"])
            if not row["qualifies"]:
                said.append(_("ruled out: not sure to meet it (bound {bound})").format(bound=bound))
            elif row["candidate"] == self.chosen:
                said.append(_("CHOSEN (bound {bound})").format(bound=bound))
            else:
                more = _("meets it (bound {bound}), but costs more than {chosen}")
                said.append(more.format(bound=bound, chosen=self.chosen))
        return said

    def as_dict(self) -> dict[str, Any]:
        """The answer as a JSON-ready document: provenance, table, its words in each language."""
        return {
            "kind": "cheapest",
            **provenance(self.scenario, self.seed, int(self.table.replications.iloc[0])),
            "where": self.where.describe(),
            "confidence": self.confidence,
            "chosen": self.chosen,
            "sentence": self.sentence(),
            "table": json.loads(self.table.to_json(orient="records")),
            "said": in_every_language(
                lambda: {
                    "where": self.where.describe(),
                    "sentence": self.sentence(),
                    "why": self.reasons(),
                }
            ),
        }

    def _value(self, x: float) -> str:
        rate = self.where.kpi in ("quota_miss_rate", "fill_rate")
        return percent(x) if rate else significant(x)


def cheapest(
    scenario: Scenario,
    where: str | Criterion = "quota_miss_rate<=0.05",
    *,
    confidence: float = 0.95,
    candidates: str = "policies",
    **execution: Unpack[PreciseExecution],
) -> Cheapest:
    """Find the least costly candidate whose KPI meets ``where`` with ``confidence``.

    Args:
        scenario: The baseline, with ``costs:`` and ``policies:`` (or ``sweep:``).
        where: The constraint, e.g. ``"quota_miss_rate<=0.05"`` or a ``Criterion``.
        confidence: How sure the constraint must be (one-sided), e.g. 0.95.
        candidates: ``policies`` (the baseline and every policy) or ``sweep`` (the points of
            the scenario's sweep design).
        **execution: How to run them: replications, seed, workers, ... (see
            ``sim.experiments.runner.Execution``).

    Raises:
        ScenarioError: No costs, no candidates, or a constraint that makes no sense.
    """
    criterion = where if isinstance(where, Criterion) else Criterion.parse(where)
    n, seed = replications_and_seed(scenario, execution)
    variants = candidate_variants(scenario, criterion, confidence, candidates, seed)
    if n < 2:  # noqa: PLR2004
        raise ScenarioError([_("--replications: a confidence bound needs at least 2")])
    outcomes, _report = run_variants(variants, n, seed, execution)
    rows = [_judge(v, outcomes[v.name], seed, criterion, confidence) for v in variants]
    table = pd.DataFrame(rows).sort_values(["cost", "mean"], kind="stable", ignore_index=True)
    qualified = table.candidate[table.qualifies]
    answer = Cheapest(
        scenario, seed, criterion, confidence, table, None if qualified.empty else qualified.iloc[0]
    )
    table["why"] = answer.reasons()  # in the table's file too, in the language of the run
    return answer


def candidate_variants(
    scenario: Scenario, criterion: Criterion, confidence: float, candidates: str, seed: int
) -> list[Variant]:
    """Check the question, and return the candidates to run.

    Raises:
        ScenarioError: What makes no sense, naming the flag or section.
    """
    problems = []
    if scenario.costs is None:
        problems.append(_("no costs: section: nothing to tell the candidates' costs apart"))
    if not 0.5 <= confidence < 1:  # noqa: PLR2004
        problems.append(
            _("--confidence: between 0.5 and 1 (0.95), got {value}").format(value=show(confidence))
        )
    if criterion.op not in ("<=", ">="):
        problems.append(_("--where: a bound to meet, KPI<=X or KPI>=X"))
    if criterion.buyer != ALL and criterion.buyer not in {b.name for b in scenario.buyers}:
        problems.append(_("--buyer: no buyer named {buyer}").format(buyer=show(criterion.buyer)))
    if candidates not in CANDIDATES:
        problems.append(
            _("{flag}: one of {choices}, got {value}").format(
                flag="--candidates", choices=", ".join(CANDIDATES), value=show(candidates)
            )
        )
    elif candidates == "sweep" and scenario.sweep is None:
        problems.append(_("--candidates sweep: the scenario has no sweep: section"))
    if problems:
        raise ScenarioError(problems)
    if candidates == "sweep":
        assert scenario.sweep is not None  # checked above  # noqa: S101
        return sweep_variants(scenario, design(scenario.sweep, seed))
    return policy_variants(scenario)


def _judge(
    variant: Variant, outcomes: list[Any], seed: int, where: Criterion, confidence: float
) -> dict[str, Any]:
    """One candidate's cost, mean, one-sided bound, and whether it qualifies."""
    from scipy import stats  # noqa: PLC0415 (slow to import)

    buyer = None if where.buyer == ALL else where.buyer
    values = kpi_per_replication(variant.scenario, seed, outcomes, where.kpi, buyer=buyer)
    n = len(values)
    mean = float(values.mean())
    half = float(stats.t.ppf(confidence, n - 1) * values.std(ddof=1) / math.sqrt(n))
    bound = mean + half if where.op == "<=" else mean - half
    return {
        "candidate": variant.name,
        **{f"set {k}": v for k, v in variant.settings.items()},
        "cost": cost_of(variant.scenario),
        "mean": mean,
        "bound": bound,
        "replications": n,
        "qualifies": bool(where.holds(np.array([bound]))[0]),
    }


def _round3(amount: float) -> float:
    """Three significant digits: the costs are estimates too."""
    return float(f"{amount:.3g}")


def _rp(amount: float) -> str:
    """Rupiah to three significant digits, without the symbol (a table's column says Rp)."""
    return number(_round3(amount))
