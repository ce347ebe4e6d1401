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
from typing import Any, ClassVar, Unpack

import numpy as np
import pandas as pd

from sim.experiments.compare import policy_variants
from sim.experiments.ranking import kn, subset
from sim.experiments.runner import (
    Execution,
    Variant,
    replications_and_seed,
    runner_for,
)
from sim.i18n import Message
from sim.results.documents import Documented, provenance
from sim.results.metrics import HIGHER_IS_BETTER, KPIS
from sim.results.tables import kpi_per_replication
from sim.scenario.messages import ScenarioError, one_of, show
from sim.scenario.schema import Scenario

PROCEDURES = ("best", "subset")
_FIRST = 20  # KN's first-stage replications (n0) unless the run asks for more


@dataclass(frozen=True)
class Selection(Documented):
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
    kind: ClassVar[str] = "select"

    def document(self) -> dict[str, Any]:
        """The selection as a JSON-ready document: provenance, the question, the answer."""
        return {
            "kind": self.kind,
            **provenance(self.scenario, self.seed, int(self.table.replications.max())),
            "procedure": self.procedure,
            "kpi": self.kpi,
            "buyer": self.buyer,
            "product": self.product,
            "delta": self.delta,
            "alpha": self.alpha,
            "chosen": self.chosen,
            "capped": self.capped,
            "table": json.loads(self.table.to_json(orient="records")),
        }


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
        replications=replications_and_seed(scenario, execution)[0],
    )
    variants = policy_variants(scenario, policies)
    if len(variants) < 2:  # noqa: PLR2004
        raise ScenarioError([Message("--select: needs at least one policy besides the baseline")])
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


def check_settings(
    scenario: Scenario,
    *,
    procedure: str,
    kpi: str,
    buyer: str | None,
    product: str | None,
    delta: float,
    alpha: float,
    replications: int,
) -> None:
    """Refuse settings that make no sense, naming the flag.

    Raises:
        ScenarioError: Each problem, one line each.
    """
    problems: list[Message] = []
    if procedure not in PROCEDURES:
        problems.append(one_of("--select", PROCEDURES, procedure))
    if kpi not in KPIS:
        problems.append(one_of("--kpi", KPIS, kpi))
    if not (math.isfinite(delta) and delta > 0):
        problems.append(
            Message("--delta: a difference that matters, > 0, got {value}", value=show(delta))
        )
    if not 0 < alpha < 0.5:  # noqa: PLR2004
        problems.append(
            Message(
                "--alpha: between 0 and 0.5 (0.05 for 95% confidence), got {value}", value=alpha
            )
        )
    buyers = {b.name: b for b in scenario.buyers}
    if buyer is not None and buyer not in buyers:
        problems.append(Message("--buyer: no buyer named {buyer}", buyer=show(buyer)))
    bought = {p for b in buyers.values() for p in b.quota if buyer in (None, b.name)}
    if product is not None and product not in bought:
        problems.append(
            Message(
                "--product: {product} is not bought ({bought})",
                product=show(product),
                bought=", ".join(sorted(bought)),
            )
        )
    if procedure == "subset" and replications < 2:  # noqa: PLR2004
        problems.append(Message("--replications: subset selection needs at least 2"))
    if problems:
        raise ScenarioError(problems)
