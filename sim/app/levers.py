"""The main levers of a scenario, as the app shows them: what, its value now, sensible bounds.

Each lever turns the value a person sets into dotted-path overrides (as ``--set`` takes them),
so a variant is the scenario plus those overrides: exactly what a policy is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.i18n import _, name
from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class Lever:
    """One thing a person can change.

    Attributes:
        path: Its key, for the page (the dotted path, or a name for a switch).
        label: What it is, in the current language.
        value: Its value in the scenario.
        low, high: Bounds for a number.
        kind: ``number`` or ``switch`` (a mechanism on or off).
        off: For a switch: the overrides that turn the mechanism off.
    """

    path: str
    label: str
    value: Any
    low: float = 0
    high: float = 0
    kind: str = "number"
    off: dict[str, Any] = field(default_factory=dict)

    def overrides(self, value: Any) -> dict[str, Any]:
        """The overrides that set this lever to ``value`` (none if it is unchanged)."""
        if value == self.value:
            return {}
        if self.kind == "switch":
            return dict(self.off) if not value else {}
        return {self.path: value}


def levers_of(scenario: Scenario) -> list[Lever]:
    """The scenario's main levers: kitchens, output, fund, buffer stock, quotas, mechanisms."""
    found = []
    for g in scenario.kitchens:
        found.append(
            Lever(
                f"kitchens.{g.name}.count",
                _("kitchens in {group}").format(group=name(g.name)),
                g.count,
                0,
                max(50, 4 * g.count),
            )
        )
        mean = getattr(g.daily_output, "mean", None)
        if mean is not None:
            found.append(
                Lever(
                    f"kitchens.{g.name}.daily_output.mean",
                    _("packs a day per kitchen in {group}").format(group=name(g.name)),
                    float(mean),
                    0.0,
                    max(10.0, 5 * float(mean)),
                )
            )
    if scenario.finance is not None:
        fund = int(scenario.finance.fund)
        found.append(
            Lever("finance.fund", _("revolving fund (Rp)"), fund, 0, max(10**9, 10 * fund))
        )
    for product in scenario.products:
        packs = scenario.warehouse.initial_stock.get(product, 0)
        found.append(
            Lever(
                f"warehouse.initial_stock.{product}",
                _("buffer stock of {product} (packs)").format(product=name(product)),
                packs,
                0,
                max(100_000, 10 * packs),
            )
        )
    for b in scenario.buyers:
        for product, quota in b.quota.items():
            found.append(
                Lever(
                    f"buyers.{b.name}.quota.{product}",
                    _("{buyer}'s quota of {product} (packs)").format(
                        buyer=name(b.name), product=name(product)
                    ),
                    quota,
                    0,
                    max(1000, 10 * quota),
                )
            )
    return found + _switches(scenario)


def _switches(scenario: Scenario) -> list[Lever]:
    """Mechanisms that can be turned off: absences, shocks, cancellation, the fund's limit."""
    absent = {f"kitchens.{g.name}.absence": None for g in scenario.kitchens if g.absence}
    cancel = {
        f"buyers.{b.name}.cancel_after_misses": None
        for b in scenario.buyers
        if b.cancel_after_misses is not None
    }
    candidates: list[tuple[str, str, dict[str, Any]]] = [
        ("absence", _("kitchens absent for spells"), absent),
        ("shocks", _("shocks (LPG shortages, rain...)"), {"shocks": []} if scenario.shocks else {}),
        ("cancellation", _("buyers cancel after repeated misses"), cancel),
        (
            "finance",
            _("cash limits what the cooperative buys"),
            {"finance": None} if scenario.finance is not None else {},
        ),
    ]
    return [
        Lever(path, label, value=True, kind="switch", off=off)
        for path, label, off in candidates
        if off
    ]
