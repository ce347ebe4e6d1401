"""What a fit says: a summary in words, and a YAML fragment ready to paste into a scenario.

Every value in the fragment carries its estimate and 95% confidence interval as a comment, so
whoever pastes it sees how well the records pin it down.
"""

from __future__ import annotations

import json
import math
from typing import Any

from sim._version import __version__
from sim.inputs.counts import LEVEL, CountFit
from sim.inputs.fit import OutputFit


def fragment(fit: OutputFit) -> str:
    """Return the ``kitchens:`` (and ``products:``) YAML for the fitted inputs."""
    g = fit.grid
    header = (
        f"# Fitted by umkm-sim {__version__} from {fit.source}: {len(g.kitchens)} kitchens, "
        f"{g.days[0].date()} to {g.days[-1].date()} ({len(g.days)} days)."
    )
    lines = [
        header,
        "# Paste under kitchens: (the supply under products:); names and counts are yours.",
        "kitchens:",
    ]
    product = fit.product or "PRODUCT"
    absence = _absence(fit)
    days = ", ".join(fit.working_days)
    shares = ", ".join(f"{d} {s:.2f}" for d, s in fit.weekday_share.items())
    groups = fit.groups or [{"name": "fitted", "kitchens": g.kitchens, "daily_output": None}]
    if fit.groups:
        lines.append(
            f"  # Kitchens differ more than one distribution allows (ANOVA p = "
            f"{fit.kitchens_p:.2g}): one group per {'third' if len(groups) == 3 else 'half'} "  # noqa: PLR2004
            "of them by mean output."
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
            lines[-1] += f"  # mean {fit.mean.said()}, cv {fit.cv.said(2)}"
        lines.append(f"    working_days: [{days}]  # share of kitchen-days delivered: {shares}")
        lines += absence
    lines += _monthly(fit, product)
    return "\n".join(lines) + "\n"


def transit_fragment(source: str, fit: CountFit) -> str:
    """Return the ``transit_days`` line for a buyer, with the fit it came from."""
    x = fit.counts
    return (
        f"# Fitted by umkm-sim {__version__} from {source}: {len(x)} shipments, "
        f"{x.min()} to {x.max()} days (mean {x.mean():.3g}).\n"
        "# Paste under the buyer whose shipments these were.\n"
        f"transit_days: {_flow(fit.chosen.spec())}\n"
    )


def _absence(fit: OutputFit) -> list[str]:
    if not fit.absence.value > 0 or math.isnan(fit.spell.value):
        return ["    # no absences in the records"]
    spec = {
        "fraction": float(f"{fit.absence.value:.3g}"),
        "mean_spell_days": float(f"{max(fit.spell.value, 1.0):.3g}"),
    }
    chain = (
        f"spells, not single days (chain test p {_p(fit.chain_p)})"
        if fit.chain_p < LEVEL
        else f"one long-run rate fits as well as spells (chain test p {_p(fit.chain_p)})"
    )
    return [
        f"    absence: {_flow(spec)}",
        f"    # share absent {fit.absence.said(2)}, mean spell {fit.spell.said(2)} days; {chain}",
    ]


def _monthly(fit: OutputFit, product: str) -> list[str]:
    months = len(fit.monthly)
    short = len(fit.grid.days) < 2 * 365
    caveat = (
        "; one year cannot tell a season from a one-off event: check with another year"
        if short
        else ""
    )
    if months < 12 or not fit.monthly_p < LEVEL:  # noqa: PLR2004
        reason = f"{months} months recorded" if months < 12 else f"ANOVA p {_p(fit.monthly_p)}"  # noqa: PLR2004
        return [f"# No month-to-month pattern to model ({reason}){caveat}."]
    factors = ", ".join(f"{f:.2f}" for f in fit.monthly.factor)
    return [
        "products:",
        f"  {product}:",
        "    supply:",
        f"      monthly: [{factors}]  # January first; needs start_date",
        f"      # months differ (ANOVA of kitchen-month means, p {_p(fit.monthly_p)}){caveat}",
    ]


def describe(fit: OutputFit) -> str:
    """Say what was fitted, in sentences, with the candidates' table."""
    g, c = fit.grid, fit.output
    zeros = (
        f" About {fit.ordinary_zeros:.0f} of the days without a delivery could be ordinary low "
        "output rather than absence."
        if fit.ordinary_zeros >= 1
        else ""
    )
    closed = f"; {len(fit.closed)} days nobody delivered (closed: holidays?)" if fit.closed else ""
    groups = ", ".join(gr["name"] for gr in fit.groups)
    said = [
        (
            f"{fit.source}: {len(g.kitchens)} kitchens over {len(g.days)} days ({g.days[0].date()} "
            f"to {g.days[-1].date()}); working days {', '.join(fit.working_days)}{closed}."
        ),
        (
            f"Daily output on days worked: {c.chosen.name} ({_said(c.chosen.spec())}); mean "
            f"{fit.mean.said()}, cv {fit.cv.said(2)} (CIs: bootstrap over {fit.resampled})."
        ),
        (
            f"Over-dispersed against a Poisson: {'yes' if c.overdispersed else 'no'} "
            f"(likelihood-ratio p {_p(c.overdispersion_p)})."
        ),
        (
            f"Absent: {fit.absence.said(2)} of working days, in spells of {fit.spell.said(2)} days "
            f"(chain against single days: p {_p(fit.chain_p)}).{zeros}"
        ),
        f"Kitchens differ (ANOVA of their daily output): p {_p(fit.kitchens_p)}"
        + (f"; suggested groups: {groups}." if groups else "."),
    ]
    return "\n".join([*said, "", candidates_text(c)])


def candidates_text(c: CountFit) -> str:
    """The candidates, best AIC first, with their goodness of fit."""
    rows = [f"{'distribution':<21}{'parameters':<26}{'AIC':>11}{'BIC':>11}  chi-square p"]
    table = c.table()
    for r in table.to_dict("records"):
        mark = "  <- chosen" if r["chosen"] else ""
        p = "n/a" if math.isnan(r["p_value"]) else f"{r['p_value']:.2g} (df {r['df']})"
        rows.append(
            f"  {r['distribution']:<19}{r['parameters']:<26}{r['aic']:>11.1f}{r['bic']:>11.1f}"
            f"  {p}{mark}"
        )
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
    return "n/a" if math.isnan(p) else "< 0.0001" if p < 1e-4 else f"= {p:.2g}"  # noqa: PLR2004


def _flow(spec: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in spec.items()) + "}"


def _said(spec: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in spec.items() if k != "distribution")
