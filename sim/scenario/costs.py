"""What a scenario's choices cost the cooperative, in Rp: the ``costs:`` section.

Costs never change a replication's numbers; they rank the policies that meet a target
(``umkm-sim cheapest``). Every item is optional and zero when left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from sim.scenario.fields import Fraction, Name, Price, Section

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario


class Costs(Section):
    """Yearly and one-off costs of what a policy changes (Rp)."""

    kitchen_per_year: dict[Name, Price] = Field(
        default_factory=dict,
        description="Kitchen group -> Rp a year per member kitchen (recruiting, training, "
        "supervision).",
    )
    fund_per_year: Fraction = Field(
        default=0.0,
        description="Cost of capital: Rp a year per Rp of the revolving fund (0.12 = 12%).",
    )
    initial_stock_per_pack: dict[Name, Price] = Field(
        default_factory=dict,
        description="Product -> Rp per pack of buffer stock held at day 0 (once).",
    )
    capacity_per_pack_year: Price = Field(
        default=0.0, description="Rp a year per pack of warehouse capacity (rent, a cold store)."
    )


def cost_of(scenario: Scenario) -> float:
    """Return what the scenario's choices cost over its horizon (Rp); 0 without ``costs:``."""
    c = scenario.costs
    if c is None:
        return 0.0
    years = scenario.horizon_days / 365
    kitchens = sum(g.count * c.kitchen_per_year.get(g.name, 0.0) for g in scenario.kitchens)
    fund = scenario.finance.fund * c.fund_per_year if scenario.finance is not None else 0.0
    capacity = (scenario.warehouse.capacity or 0) * c.capacity_per_pack_year
    stock = sum(
        packs * c.initial_stock_per_pack.get(product, 0.0)
        for product, packs in scenario.warehouse.initial_stock.items()
    )
    return years * (kitchens + fund + capacity) + stock
