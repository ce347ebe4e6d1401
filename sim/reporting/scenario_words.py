"""A scenario in plain words for the report's readers, in the current language.

Who makes what, for whom, and what can get in the way.
"""

from __future__ import annotations

from babel.dates import format_date

from sim.i18n import _, locale, name, number, percent, plain, rupiah
from sim.scenario.schema import Scenario


def describe(scenario: Scenario) -> list[str]:
    """Say in plain words what a scenario simulates (in the current language)."""
    start = (
        _("from {date}").format(date=format_date(scenario.start_date, "d MMMM y", locale()))
        if scenario.start_date
        else _("from a Monday")
    )
    groups = ", ".join(
        _("{count} making {product}").format(count=g.count, product=_spoken(g.product))
        for g in scenario.kitchens
    )
    total = sum(g.count for g in scenario.kitchens)
    over = (
        _(
            "Over {days} days {start}, {kitchens} home kitchens ({groups}) deliver to one "
            "cooperative warehouse, which ships to {buyers} buyers."
        )
        if len(scenario.buyers) > 1
        else _(
            "Over {days} days {start}, {kitchens} home kitchens ({groups}) deliver to one "
            "cooperative warehouse, which ships to one buyer."
        )
    )
    words = [
        over.format(
            days=scenario.horizon_days,
            start=start,
            kitchens=total,
            groups=groups,
            buyers=len(scenario.buyers),
        )
    ]
    for b in scenario.buyers:
        quota = _(" and ").join(
            _("{packs} packs of {product}").format(packs=number(n), product=_spoken(p))
            for p, n in b.quota.items()
        )
        lost = (
            _("what is short is lost")
            if b.shortfall == "lost"
            else _("what is short is owed next time")
        )
        words.append(
            _("{buyer} wants {quota} every {days} days; {lost}.").format(
                buyer=_spoken(b.name).capitalize(), quota=quota, days=b.every_days, lost=lost
            )
        )
    on = _mechanisms(scenario)
    if on:
        words.append(_("What can get in the way: {things}.").format(things="; ".join(on)))
    return words


def _mechanisms(s: Scenario) -> list[str]:
    on = []
    c = s.calendar
    if c.holidays:
        on.append(_("public holidays and joint leave"))
    if c.lebaran is not None:
        on.append(
            _("kitchens stop {before} days before to {after} after Eid al-Fitr").format(
                before=c.lebaran.before_days, after=c.lebaran.after_days
            )
        )
    if c.port_closures:
        on.append(_("port closures that delay shipments"))
    if any(g.absence for g in s.kitchens):
        on.append(_("kitchens absent for spells"))
    if any(p.supply for p in s.products.values()):
        on.append(_("seasons and dips in raw-material supply"))
    on += [
        _("{shock} ({times} a year)").format(shock=_spoken(shock.name), times=plain(shock.per_year))
        for shock in s.shocks
    ]
    if any(g.local_market for g in s.kitchens):
        on.append(_("the local market taking its share first"))
    if s.warehouse.reject_fraction:
        on.append(
            _("{share} rejected at quality control").format(
                share=percent(s.warehouse.reject_fraction, 0)
            )
        )
    if any(b.cancel_after_misses for b in s.buyers):
        on.append(_("buyers cancelling after repeated misses"))
    if s.finance is not None:
        on.append(_("a fund of {amount} to pay the kitchens").format(amount=rupiah(s.finance.fund)))
    return on


def _spoken(written: str) -> str:
    """A name as its label says it, else as written with its separators read as spaces."""
    said = name(written)
    return said.replace("_", " ").replace("-", " ") if said == written else said
