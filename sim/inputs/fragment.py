"""What a fit says: a summary in words, and a YAML fragment ready to paste into a scenario.

Every value in the fragment carries its estimate and 95% confidence interval as a comment, so
whoever pastes it sees how well the records pin it down.
"""

from __future__ import annotations

import json
import math
from typing import Any

from sim._version import __version__
from sim.i18n import _, number, plain, significant
from sim.inputs.counts import LEVEL, CountFit
from sim.inputs.fit import OutputFit


def fragment(fit: OutputFit) -> str:
    """Return the ``kitchens:`` (and ``products:``) YAML for the fitted inputs.

    The values are YAML, the same in every language; the comments are in the current one.
    """
    g = fit.grid
    header = _(
        "# Fitted by umkm-sim {version} from {source}: {kitchens} kitchens, {first} to {last} "
        "({days} days)."
    ).format(
        version=__version__,
        source=fit.source,
        kitchens=len(g.kitchens),
        first=g.days[0].date(),
        last=g.days[-1].date(),
        days=len(g.days),
    )
    lines = [
        header,
        _("# Paste under kitchens: (the supply under products:); names and counts are yours."),
        "kitchens:",
    ]
    product = fit.product or "PRODUCT"
    absence = _absence(fit)
    days = ", ".join(fit.working_days)
    shares = ", ".join(f"{d} {number(s, 2)}" for d, s in fit.weekday_share.items())
    groups = fit.groups or [{"name": "fitted", "kitchens": g.kitchens, "daily_output": None}]
    if fit.groups:
        split = (
            _("one group per third of them by mean output")
            if len(groups) == 3  # noqa: PLR2004
            else _("one group per half of them by mean output")
        )
        lines.append(
            _(
                "  # Kitchens differ more than one distribution allows (ANOVA p = {p}): {split}."
            ).format(p=significant(fit.kitchens_p, 2), split=split)
        )
    for group in groups:
        spec = group["daily_output"] or fit.output.chosen.spec()
        lines += [
            f"  - name: {group['name']}",
            f"    count: {len(group['kitchens'])}",
            f"    product: {product}",
            f"    daily_output: {_flow(spec)}",
        ]
        if group["daily_output"] is None:
            lines[-1] += _("  # mean {mean}, cv {cv}").format(
                mean=fit.mean.said(), cv=fit.cv.said(2)
            )
        delivered = _("share of kitchen-days delivered: {shares}").format(shares=shares)
        lines.append(f"    working_days: [{days}]  # {delivered}")
        lines += absence
    lines += _monthly(fit, product)
    return "\n".join(lines) + "\n"


def transit_fragment(source: str, fit: CountFit) -> str:
    """Return the ``transit_days`` line for a buyer, with the fit it came from."""
    x = fit.counts
    header = _(
        "# Fitted by umkm-sim {version} from {source}: {shipments} shipments, {shortest} to "
        "{longest} days (mean {mean})."
    ).format(
        version=__version__,
        source=source,
        shipments=len(x),
        shortest=x.min(),
        longest=x.max(),
        mean=significant(x.mean()),
    )
    return "\n".join(
        [
            header,
            _("# Paste under the buyer whose shipments these were."),
            f"transit_days: {_flow(fit.chosen.spec())}",
            "",
        ]
    )


def _absence(fit: OutputFit) -> list[str]:
    if not fit.absence.value > 0 or math.isnan(fit.spell.value):
        return [_("    # no absences in the records")]
    spec = {
        "fraction": float(f"{fit.absence.value:.3g}"),
        "mean_spell_days": float(f"{max(fit.spell.value, 1.0):.3g}"),
    }
    chain = (
        _("spells, not single days (chain test p {p})")
        if fit.chain_p < LEVEL
        else _("one long-run rate fits as well as spells (chain test p {p})")
    )
    said = _("share absent {share}, mean spell {spell} days; {chain}").format(
        share=fit.absence.said(2), spell=fit.spell.said(2), chain=chain.format(p=_p(fit.chain_p))
    )
    return [f"    absence: {_flow(spec)}", f"    # {said}"]


def _monthly(fit: OutputFit, product: str) -> list[str]:
    months = len(fit.monthly)
    short = len(fit.grid.days) < 2 * 365
    caveat = (
        _("; one year cannot tell a season from a one-off event: check with another year")
        if short
        else ""
    )
    if months < 12 or not fit.monthly_p < LEVEL:  # noqa: PLR2004
        reason = (
            _("{months} months recorded").format(months=months)
            if months < 12  # noqa: PLR2004
            else _("ANOVA p {p}").format(p=_p(fit.monthly_p))
        )
        return [
            _("# No month-to-month pattern to model ({reason}){caveat}.").format(
                reason=reason, caveat=caveat
            )
        ]
    factors = ", ".join(f"{f:.2f}" for f in fit.monthly.factor)
    differ = _("months differ (ANOVA of kitchen-month means, p {p}){caveat}").format(
        p=_p(fit.monthly_p), caveat=caveat
    )
    return [
        "products:",
        f"  {product}:",
        "    supply:",
        f"      monthly: [{factors}]  # " + _("January first; needs start_date"),
        f"      # {differ}",
    ]


def describe(fit: OutputFit) -> str:
    """Say what was fitted, in sentences, with the candidates' table."""
    g, c = fit.grid, fit.output
    zeros = (
        " "
        + _(
            "About {days} of the days without a delivery could be ordinary low output rather "
            "than absence."
        ).format(days=number(fit.ordinary_zeros))
        if fit.ordinary_zeros >= 1
        else ""
    )
    closed = (
        _("; {days} days nobody delivered (closed: holidays?)").format(days=len(fit.closed))
        if fit.closed
        else ""
    )
    groups = ", ".join(gr["name"] for gr in fit.groups)
    over = _("yes") if c.overdispersed else _("no")
    kitchens = _("Kitchens differ (ANOVA of their daily output): p {p}").format(
        p=_p(fit.kitchens_p)
    )
    said = [
        _(
            "{source}: {kitchens} kitchens over {days} days ({first} to {last}); working days "
            "{working}{closed}."
        ).format(
            source=fit.source,
            kitchens=len(g.kitchens),
            days=len(g.days),
            first=g.days[0].date(),
            last=g.days[-1].date(),
            working=", ".join(fit.working_days),
            closed=closed,
        ),
        _(
            "Daily output on days worked: {distribution} ({parameters}); mean {mean}, cv {cv} "
            "(CIs: bootstrap over {resampled})."
        ).format(
            distribution=c.chosen.name,
            parameters=_said(c.chosen.spec()),
            mean=fit.mean.said(),
            cv=fit.cv.said(2),
            resampled=_("kitchens") if fit.resampled == "kitchens" else _("days"),
        ),
        _("Over-dispersed against a Poisson: {answer} (likelihood-ratio p {p}).").format(
            answer=over, p=_p(c.overdispersion_p)
        ),
        _(
            "Absent: {share} of working days, in spells of {spell} days (chain against single "
            "days: p {p})."
        ).format(share=fit.absence.said(2), spell=fit.spell.said(2), p=_p(fit.chain_p))
        + zeros,
        kitchens + (_("; suggested groups: {groups}.").format(groups=groups) if groups else "."),
    ]
    return "\n".join([*said, "", candidates_text(c)])


def candidates_text(c: CountFit) -> str:
    """The candidates, best AIC first, with their goodness of fit."""
    distribution, parameters, chi = _("distribution"), _("parameters"), _("chi-square p")
    rows = [f"{distribution:<21}{parameters:<26}{'AIC':>11}{'BIC':>11}  {chi}"]
    chosen = _("  <- chosen")
    for r in c.table().to_dict("records"):
        mark = chosen if r["chosen"] else ""
        p = (
            _("n/a")
            if math.isnan(r["p_value"])
            else f"{significant(r['p_value'], 2)} (df {r['df']})"
        )
        aic, bic = (number(r[key], 1, grouped=False) for key in ("aic", "bic"))
        rows.append(f"  {r['distribution']:<19}{r['parameters']:<26}{aic:>11}{bic:>11}  {p}{mark}")
    return "\n".join(rows)


def as_dict(fit: OutputFit) -> dict[str, Any]:
    """The fit as a JSON-ready document."""
    document: dict[str, Any] = json.loads(
        json.dumps(
            {
                "kind": "fit",
                "source": fit.source,
                "version": __version__,
                "kitchens": len(fit.grid.kitchens),
                "days": len(fit.grid.days),
                "working_days": fit.working_days,
                "closed_days": fit.closed,
                "chosen": fit.output.chosen.spec(),
                "overdispersion_p": fit.output.overdispersion_p,
                **{name: vars(getattr(fit, name)) for name in ("mean", "cv", "absence", "spell")},
                "chain_p": fit.chain_p,
                "monthly_p": fit.monthly_p,
                "kitchens_p": fit.kitchens_p,
                "groups": fit.groups,
                "candidates": fit.output.table().to_dict("records"),
            },
            default=float,
        ).replace("NaN", "null")
    )
    return document


def _p(p: float) -> str:
    """A p-value to two digits; below 0.0001, said so."""
    if math.isnan(p):
        return _("n/a")
    return f"< {plain(1e-4)}" if p < 1e-4 else f"= {significant(p, 2)}"  # noqa: PLR2004


def _flow(spec: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in spec.items()) + "}"


def _said(spec: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in spec.items() if k != "distribution")
