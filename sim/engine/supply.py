"""Raw-material supply: seasons, periodic dips and random shocks, shared by the kitchens they hit.

Each gives a multiplier of kitchens' output per day. Seasons and dips belong to a product and hit
every kitchen making it; a shock's episodes are drawn once per replication from the shock's own
named stream and hit every kitchen in its scope at once, which is what pooling cannot undo.
"""

from __future__ import annotations

import math

import numpy as np

from sim.scenario.calendar import Calendar
from sim.scenario.mechanisms import Shock
from sim.scenario.schema import KitchenGroup, Product, Scenario


def product_multiplier(product: Product, calendar: Calendar, days: int) -> np.ndarray:
    """Return the product's seasonal and dip multiplier for days ``0..days-1``."""
    factor = np.ones(days)
    supply = product.supply
    if supply is None:
        return factor
    if supply.monthly is not None:
        factor *= np.asarray(supply.monthly)[calendar.month()[:days] - 1]
    if supply.dip is not None:
        dip = supply.dip
        since = np.arange(days) - dip.first_day
        in_dip = (since >= 0) & (np.mod(since, dip.every_days) < dip.length_days)
        factor[in_dip] *= dip.multiplier
    return factor


def shock_days(shock: Shock, days: int, rng: np.random.Generator) -> np.ndarray:
    """Return, per day, whether an episode of the shock is on.

    Episodes start as a Poisson process of ``per_year`` a year (365.25 days); each lasts a
    draw of ``duration_days`` (at least one day); overlapping episodes merge.
    """
    on = np.zeros(days, dtype=bool)
    rate = shock.per_year / 365.25
    if rate <= 0:
        return on
    batch = max(8, math.ceil(days * rate * 2))  # in bulk; rarely a second batch is needed
    start = 0.0
    while start < days:
        starts = start + np.cumsum(rng.exponential(1 / rate, batch))
        lengths = np.maximum(1, np.rint(shock.duration_days.sample(rng, batch))).astype(int)
        for first, length in zip(starts, lengths, strict=True):
            if first < days:
                on[int(first) : int(first) + length] = True
        start = float(starts[-1])
    return on


def hits(shock: Shock, group: KitchenGroup) -> bool:
    """Tell whether a shock hits a kitchen group (its scope: products, groups, or everyone)."""
    if shock.products is None and shock.groups is None:
        return True
    return group.product in (shock.products or []) or group.name in (shock.groups or [])


def group_multiplier(
    scenario: Scenario,
    group: KitchenGroup,
    calendar: Calendar,
    shocks_on: dict[str, np.ndarray],
) -> np.ndarray:
    """Return the group's output multiplier per day: its product's supply times its shocks."""
    days = scenario.horizon_days
    factor = product_multiplier(scenario.products[group.product], calendar, days)
    for shock in scenario.shocks:
        if hits(shock, group):
            factor = np.where(shocks_on[shock.name], factor * shock.multiplier, factor)
    return factor
