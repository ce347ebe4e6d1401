"""Choosing with confidence: the best policy, or a subset sure to hold it, by ranking and selection.

Two procedures of the simulation literature, both using common random numbers (replication
``r`` of every policy sees the same draws), which make the variance of a difference small and
so the procedures cheap:

- ``best``: the fully sequential procedure KN of Kim & Nelson (2001), "A fully sequential
  procedure for indifference-zone selection in simulation", ACM TOMACS 11(3). It selects the
  best with probability at least ``1 - alpha`` whenever the best is at least ``delta`` better
  than every other (the indifference zone), adding replications only to the policies not yet
  eliminated. KN screens after every replication; we screen after each stage of replications
  (a batch is far cheaper than one at a time), so we bound the chance that a difference ever
  strays to the wrong side of KN's triangular region, whatever the checking times, instead of
  the chance that it leaves through that side first: this doubles the bound, and KN's constant
  ``eta`` is computed with ``alpha / 2``. The guarantee is KN's; the price, a few replications.
- ``subset``: the screening procedure of Nelson, Swann, Goldsman & Song (2001), "Simple
  procedures for selecting the best simulated system when the number of alternatives is large",
  Operations Research 49(6), with the Bonferroni form that allows common random numbers: a
  subset that contains the best with probability at least ``1 - alpha``, from a fixed number of
  replications, without an indifference zone.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Unpack

import numpy as np
import pandas as pd

from sim.experiments.compare import policy_variants
from sim.experiments.procedures import kn, subset
from sim.experiments.runner import (
    Execution,
    Variant,
    replications_and_seed,
    runner_for,
)
from sim.i18n import _, in_every_language, number, percent, plain, significant
from sim.results.metrics import KPIS
from sim.results.tables import kpi_per_replication, provenance
from sim.scenario.messages import ScenarioError, show
from sim.scenario.schema import Scenario

PROCEDURES = ("best", "subset")
HIGHER_IS_BETTER = frozenset({"fill_rate"})
_FIRST = 20  # KN's first-stage replications (n0) unless the run asks for more
_RATES = ("quota_miss_rate", "fill_rate")


@dataclass(frozen=True)
class Selection:
    """What ranking and selection chose, and how sure it is.

    Attributes:
        scenario: The baseline scenario.
        seed: The seed every policy ran with.
        procedure: ``best`` (KN) or ``subset`` (screening).
        kpi, buyer, product: What was compared (``None``: every buyer or product).
        delta: The indifference zone (``best``), in the KPI's units.
        alpha: One minus the confidence.
        table: Per policy: mean, replications, whether kept, and at how many replications it
            was eliminated (``best``).
        chosen: The selected policy (``best``) or the subset (``subset``), best first.
        capped: ``best`` reached ``max_replications`` before it could finish: no guarantee.
    """

    scenario: Scenario
    seed: int
    procedure: str
    kpi: str
    buyer: str | None
    product: str | None
    delta: float
    alpha: float
    table: pd.DataFrame
    chosen: list[str]
    capped: bool = False

    def describe(self) -> str:
        """Say what was chosen, in a sentence a decision maker can repeat, with the table."""
        return f"{self.heading()}\n\n{self.format_table()}\n\n{self.sentence()}"

    def heading(self) -> str:
        """The question answered, with its settings (in the current language)."""
        scope = ", ".join(x for x in (self.buyer, self.product) if x) or _("all buyers")
        how = (
            _("KN (Kim & Nelson 2001), indifference zone {zone}").format(zone=self._zone())
            if self.procedure == "best"
            else _("subset selection (Nelson et al. 2001)")
        )
        question = (
            _("{scenario}: which policy has the highest {kpi} ({scope})?")
            if self.kpi in HIGHER_IS_BETTER
            else _("{scenario}: which policy has the lowest {kpi} ({scope})?")
        )
        settings = _("{how}, {confidence} confidence, common random numbers, seed {seed}")
        return (
            question.format(scenario=self.scenario.name, kpi=self.kpi, scope=scope)
            + " "
            + settings.format(how=how, confidence=percent(1 - self.alpha, 0), seed=self.seed)
        )

    def format_table(self) -> str:
        """One line per policy: its estimate, its replications, and its fate."""
        policy, replications, outcome = _("policy"), _("replications"), _("outcome")
        lines = [f"{policy:<22}{self.kpi:<18}{replications:>13}  {outcome}"]
        for row in self.table.itertuples():
            if row.kept:
                fate = _("selected") if row.policy == self.chosen[0] else _("kept")
            elif getattr(row, "within_delta", False):
                fate = _("within {zone} of the best").format(zone=self._zone())
            else:
                fate = _("eliminated after {n}").format(n=number(int(row.replications)))  # type: ignore[arg-type]
            value = self._value(float(row.mean))  # type: ignore[arg-type]
            count = number(int(row.replications))  # type: ignore[arg-type]
            lines.append(f"  {row.policy:<20}{value:<18}{count:>13}  {fate}")
        return "\n".join(lines)

    def sentence(self) -> str:
        """The answer as one sentence (in the current language)."""
        confidence = percent(1 - self.alpha, 0)
        if self.procedure == "subset":
            names = _listed(self.chosen)
            if len(self.chosen) == 1:
                return _("{names} is the best with {confidence} confidence.").format(
                    names=names, confidence=confidence
                )
            return _(
                "The best is one of {names}, with {confidence} confidence; the others are ruled "
                "out (run --select best to tell these apart)."
            ).format(names=names, confidence=confidence)
        best = self.chosen[0]
        rest = self.chosen[1:] + list(self.table.policy[self.table.within_delta])
        zone = self._zone()
        if self.capped:
            return _(
                "Not decided: {names} were still in contention at the cap of {n} replications "
                "({best} has the best estimate); allow more replications, or a wider "
                "indifference zone."
            ).format(
                names=", ".join(self.chosen),
                n=number(int(self.table.replications.max())),
                best=best,
            )
        claim = _(
            "{best} is best with {confidence} confidence whenever the best is at least {zone} "
            "better than the rest"
        ).format(best=best, confidence=confidence, zone=zone)
        if not rest:
            return f"{claim}."
        within = (
            _("{names} is within {zone} of the best")
            if len(rest) == 1
            else _("{names} are within {zone} of the best")
        )
        return f"{within.format(names=_listed(rest), zone=zone)}; {claim}."

    def as_dict(self) -> dict[str, Any]:
        """The selection as a JSON-ready document, with what produced it."""
        return {
            "kind": "select",
            **provenance(self.scenario, self.seed, int(self.table.replications.max())),
            "procedure": self.procedure,
            "kpi": self.kpi,
            "buyer": self.buyer,
            "product": self.product,
            "delta": self.delta,
            "alpha": self.alpha,
            "chosen": self.chosen,
            "sentence": self.sentence(),
            "table": json.loads(self.table.to_json(orient="records")),
            "said": in_every_language(lambda: {"sentence": self.sentence()}),
        }

    def _better(self) -> str:
        return "highest" if self.kpi in HIGHER_IS_BETTER else "lowest"

    def _value(self, x: float) -> str:
        return percent(x) if self.kpi in _RATES else significant(x)

    def _zone(self) -> str:
        if self.kpi not in _RATES:
            return significant(self.delta)
        points = float(f"{self.delta * 100:.3g}")
        return (_("{n} point") if points == 1 else _("{n} points")).format(n=plain(points))


def select(
    scenario: Scenario,
    policies: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    procedure: str = "best",
    kpi: str = "quota_miss_rate",
    buyer: str | None = None,
    product: str | None = None,
    delta: float = 0.01,
    alpha: float = 0.05,
    max_replications: int = 5000,
    **execution: Unpack[Execution],
) -> Selection:
    """Choose among the baseline and the policies, with a stated confidence.

    Args:
        scenario: The baseline.
        policies: Name -> dotted-path overrides; default: the scenario's ``policies``.
        procedure: ``best`` (KN: the best, adding replications where needed) or ``subset``
            (a subset holding the best, from ``replications``).
        kpi: What to compare (default: the quota miss rate).
        buyer: Only this buyer's shipment lines (default: every buyer's).
        product: Only this product's lines (default: every product's).
        delta: The indifference zone of ``best``: differences smaller than this do not
            matter (for rates, a share: 0.01 is 1 point).
        alpha: One minus the confidence.
        max_replications: ``best`` never runs a policy past this many.
        **execution: How to run them: replications (``best``: the first stage, at least 10;
            ``subset``: all), seed, workers, ... (see ``sim.experiments.runner.Execution``).

    Raises:
        ScenarioError: Fewer than two policies, or settings that make no sense.
    """
    check_settings(
        scenario,
        procedure=procedure,
        kpi=kpi,
        buyer=buyer,
        product=product,
        delta=delta,
        alpha=alpha,
    )
    variants = policy_variants(scenario, policies)
    if len(variants) < 2:  # noqa: PLR2004
        raise ScenarioError([_("--select: needs at least one policy besides the baseline")])
    asked = execution.get("replications")
    n, seed = replications_and_seed(scenario, execution)
    sign = -1.0 if kpi in HIGHER_IS_BETTER else 1.0  # procedures below minimise
    with runner_for(seed, execution) as runner:

        def observe(chosen: list[Variant], r: int) -> np.ndarray:
            outcomes = runner.run(chosen, r)
            return sign * np.array(
                [
                    kpi_per_replication(
                        v.scenario, seed, outcomes[v.name], kpi, buyer=buyer, product=product
                    )
                    for v in chosen
                ]
            )

        if procedure == "subset":
            table = subset(variants, observe, n, alpha)
        else:
            first = max(10, asked if asked is not None else _FIRST)
            cap = max(first, max_replications)
            table = kn(variants, observe, first=first, delta=delta, alpha=alpha, cap=cap)
    table["mean"] *= sign
    kept = table[table.kept].sort_values("mean", ascending=sign > 0)
    capped = procedure == "best" and len(kept) > 1 and bool(table.replications.max() >= cap)
    return Selection(
        scenario,
        seed,
        procedure,
        kpi,
        buyer,
        product,
        delta,
        alpha,
        table,
        list(kept.policy),
        capped,
    )


def _listed(names: list[str]) -> str:
    return _(" and ").join(names) if len(names) <= 2 else ", ".join(names)  # noqa: PLR2004


def check_settings(
    scenario: Scenario,
    *,
    procedure: str,
    kpi: str,
    buyer: str | None,
    product: str | None,
    delta: float,
    alpha: float,
) -> None:
    """Refuse settings that make no sense, naming the flag.

    Raises:
        ScenarioError: Each problem, one line each.
    """
    problems = []
    if procedure not in PROCEDURES:
        problems.append(
            _("{flag}: one of {choices}, got {value}").format(
                flag="--select", choices=", ".join(PROCEDURES), value=show(procedure)
            )
        )
    if kpi not in KPIS:
        problems.append(
            _("{flag}: one of {choices}, got {value}").format(
                flag="--kpi", choices=", ".join(KPIS), value=show(kpi)
            )
        )
    if not (math.isfinite(delta) and delta > 0):
        problems.append(
            _("--delta: a difference that matters, > 0, got {value}").format(value=show(delta))
        )
    if not 0 < alpha < 0.5:  # noqa: PLR2004
        problems.append(
            _("--alpha: between 0 and 0.5 (0.05 for 95% confidence), got {value}").format(
                value=alpha
            )
        )
    buyers = {b.name: b for b in scenario.buyers}
    if buyer is not None and buyer not in buyers:
        problems.append(_("--buyer: no buyer named {buyer}").format(buyer=show(buyer)))
    bought = {p for b in buyers.values() for p in b.quota if buyer in (None, b.name)}
    if product is not None and product not in bought:
        problems.append(
            _("--product: {product} is not bought ({bought})").format(
                product=show(product), bought=", ".join(sorted(bought))
            )
        )
    if problems:
        raise ScenarioError(problems)
