"""A fit to records: what was found, with CIs, and a YAML fragment to paste into a scenario.

Every value in the fragment carries its estimate and 95% confidence interval as a comment, so
whoever pastes it sees how well the records pin it down. The values are YAML, the same in every
language; the words and comments are in the current one.
"""

from __future__ import annotations

import math
from typing import Any

from sim._version import __version__
from sim.i18n import _, number, plain, significant
from sim.inputs.counts import LEVEL, CountFit
from sim.inputs.estimates import Estimate
from sim.inputs.fit import OutputFit
from sim.reporting.html_parts import html_table, paragraph
from sim.reporting.kind import Kind, csv_file, figure, json_file, text_file


def said(estimate: Estimate, digits: int = 3) -> str:
    """``23.4 (95% CI 22.1 to 24.8)``."""
    return _("{value} (95% CI {low} to {high})").format(
        value=significant(estimate.value, digits),
        low=significant(estimate.low, digits),
        high=significant(estimate.high, digits),
    )


def fragment(fit: OutputFit) -> str:
    """The ``kitchens:`` (and ``products:``) YAML for the fitted inputs, commented."""
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
        *_zero_note(fit),
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
            _("  # Kitchens differ (compared day by day, p {p}): {split}.").format(
                p=_p(fit.kitchens_p), split=split
            )
        )
    for group in groups:
        spec = group["daily_output"] or fit.output.chosen.spec()
        lines += [
            f"  - name: {group['name']}",
            f"    count: {len(group['kitchens'])}",
            f"    product: {product}",
            f"    daily_output: {flow(spec)}",
        ]
        if group["daily_output"] is None:
            lines[-1] += _("  # mean {mean}, cv {cv}").format(
                mean=said(fit.mean), cv=said(fit.cv, 2)
            )
        delivered = _("share of kitchen-days delivered: {shares}").format(shares=shares)
        lines.append(f"    working_days: [{days}]  # {delivered}")
        lines += absence
    lines += _monthly(fit, product)
    return "\n".join(lines) + "\n"


def _zero_note(fit: OutputFit) -> list[str]:
    """What the fragment assumes about days worked with no output, where the records omit them."""
    if fit.split in ("fitted", "unclear"):
        note = _(
            "# Days worked with no output have no row in the records: daily_output includes "
            "them (P(0) {zero}, fitted zero-truncated), absence leaves them out."
        )
        return [note.format(zero=significant(fit.zero_share.value, 2))]
    none = _(
        "# Days worked with no output have no row and cannot be told from absences: absence "
        "includes them, daily_output has no 0."
    )
    return [none] if fit.split == "none" else []


def _absence(fit: OutputFit) -> list[str]:
    if not fit.absence.value > 0 or math.isnan(fit.spell.value):
        if fit.split in ("fitted", "unclear"):
            return [_("    # no absences beyond the days worked with no output")]
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
    line = _("share absent {share}, mean spell {spell} days; {chain}").format(
        share=said(fit.absence, 2), spell=said(fit.spell, 2), chain=chain.format(p=_p(fit.chain_p))
    )
    return [f"    absence: {flow(spec)}", f"    # {line}"]


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


def _findings(fit: OutputFit) -> list[str]:
    """What was fitted, in sentences."""
    g, c = fit.grid, fit.output
    closed = (
        _("; {days} days nobody delivered (closed: holidays?)").format(days=len(fit.closed))
        if fit.closed
        else ""
    )
    groups = ", ".join(gr["name"] for gr in fit.groups)
    over = _("yes") if c.overdispersed else _("no")
    kitchens = _("Kitchens differ (their daily output compared day by day): p {p}").format(
        p=_p(fit.kitchens_p)
    )
    return [
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
            parameters=parameters(c.chosen.spec()),
            mean=said(fit.mean),
            cv=said(fit.cv, 2),
            resampled=_("kitchens") if fit.resampled == "kitchens" else _("days"),
        )
        + " "
        + _zero_days(fit),
        _("Over-dispersed against a Poisson: {answer} (likelihood-ratio p {p}).").format(
            answer=over, p=_p(c.overdispersion_p)
        ),
        _(
            "Absent: {share} of working days, in spells of {spell} days (chain against single "
            "days: p {p})."
        ).format(share=said(fit.absence, 2), spell=said(fit.spell, 2), p=_p(fit.chain_p))
        + _split(fit),
        kitchens + (_("; suggested groups: {groups}.").format(groups=groups) if groups else "."),
    ]


def _zero_days(fit: OutputFit) -> str:
    """How the records show a day worked with no output, and what the fit made of it."""
    if fit.zero_days == "recorded":
        return _(
            "Days worked with no output are recorded (--zero-days recorded): {days} rows of 0 "
            "packs, {share} of days worked; a day without a row is an absence."
        ).format(days=number(fit.zero_days_expected), share=significant(fit.zero_share.value, 2))
    if fit.split == "none":
        return _(
            "Days with no output leave no row (--zero-days omitted), and the empirical output "
            "holds only days with a delivery."
        )
    if fit.split == "negligible":
        return _(
            "Days with no output leave no row (--zero-days omitted); under the fitted "
            "distribution they are too rare to matter (P(0) {zero})."
        ).format(zero=_p(fit.zero_share.value).removeprefix("= "))
    return _(
        "Days with no output leave no row (--zero-days omitted): fitted zero-truncated to the "
        "days with a delivery; mean, cv and P(0) {zero} are those before truncation, days "
        "with no output included."
    ).format(zero=said(fit.zero_share, 2))


def _split(fit: OutputFit) -> str:
    """How absences were told from days worked with no output, where the records omit those."""
    missing, sentences = significant(fit.missing_share, 2), []
    if fit.split == "fitted":
        sentences.append(
            _(
                "Of the working kitchen-days without a row ({missing}), about {days} would be "
                "days worked with no output, the rest absences. The records cannot show this "
                "split: it rests on the fitted distribution's P(0), and the spells on days with "
                "no output coming singly, independently of absences."
            ).format(missing=missing, days=number(fit.zero_days_expected))
        )
    elif fit.split == "unclear":
        low, high = (significant(v, 2) for v in (fit.absence.low, fit.absence.high))
        sentences.append(
            _(
                "The records cannot tell absences from days worked with no output here: of the "
                "working kitchen-days without a row ({missing}), the fitted P(0) leaves the share "
                "absent anywhere from {low} to {high}. Record days with 0 packs and fit with "
                "--zero-days recorded to tell them apart."
            ).format(missing=missing, low=low, high=high)
        )
    elif fit.split == "none":
        sentences.append(
            _(
                "No distribution of ours fits the output, so absences cannot be told from days "
                "worked with no output: every working day without a row ({missing}) is counted "
                "as absent."
            ).format(missing=missing)
        )
    if not fit.spell_net:
        sentences.append(
            _(
                "Nor can the spells be told from days with no output: the spell given is that "
                "of runs of days without a row."
            )
        )
    return "".join(" " + sentence for sentence in sentences)


def text(fit: OutputFit) -> str:
    """What was fitted, the candidates' table, and the fragment to paste."""
    return "\n".join([*_findings(fit), "", candidates(fit.output), "", fragment(fit)])


def candidates(c: CountFit) -> str:
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


def _p(p: float) -> str:
    """A p-value to two digits; below 0.0001, said so."""
    if math.isnan(p):
        return _("n/a")
    return f"< {plain(1e-4)}" if p < 1e-4 else f"= {significant(p, 2)}"  # noqa: PLR2004


def flow(spec: dict[str, Any]) -> str:
    """A distribution as YAML's flow mapping: ``{distribution: poisson, mean: 12.3}``."""
    return "{" + ", ".join(f"{k}: {v}" for k, v in spec.items()) + "}"


def parameters(spec: dict[str, Any]) -> str:
    """A distribution's parameters in words: ``mean 12.3, cv 0.45``."""
    return ", ".join(f"{k} {v}" for k, v in spec.items() if k != "distribution")


def section(document: dict[str, Any]) -> list[str]:
    """The report's section: the distribution chosen, the estimates, the candidates."""
    chosen = _("Daily output on days worked: {distribution} ({parameters}).").format(
        distribution=document["chosen"]["distribution"],
        parameters=parameters(document["chosen"]),
    )
    truncation = _(
        "Days with no output leave no row in these records: each distribution was fitted "
        "zero-truncated, and its parameters are those before truncation."
    )
    words = [chosen, truncation] if document.get("zero_truncated") else [chosen]
    return [paragraph(words), candidates_table(document)]


def candidates_table(document: dict[str, Any]) -> str:
    """The candidates of a fit's document as an HTML table, best first."""
    table = [
        [
            r["distribution"],
            r["parameters"],
            number(r["aic"], 1, grouped=False),
            "" if r["p_value"] is None else significant(r["p_value"], 2),
        ]
        for r in document["candidates"]
    ]
    header = [_("distribution"), _("parameters"), "AIC", _("chi-square p")]
    return html_table(header, table)


FIT: Kind = Kind(
    name="fit",
    result=OutputFit,
    document="fit.json",
    files={
        "fragment.yaml": lambda f: text_file(fragment(f)),
        "fit.json": lambda f: json_file(FIT.published(f)),
        "candidates.csv": lambda f: csv_file(f.table),
        "counts.png": lambda f: figure("fit_plots", "plot_rootogram", f.output),
        "profiles.png": lambda f: figure("fit_plots", "plot_profiles", f),
    },
    text=text,
    section=section,
    captions={
        "counts.png": lambda: _(
            "When the hanging bars end near zero and the P-P curve stays on the diagonal, the "
            "chosen distribution fits the records."
        ),
        "profiles.png": lambda: _(
            "Which weekdays the kitchens deliver, and each month's output against the mean "
            "(dashed): what the scenario's working days and monthly factors should say."
        ),
    },
    summary=lambda: _("fit kitchens' inputs to a cooperative's records"),
    question=lambda: _(
        "What do the cooperative's records say about its kitchens' output, for a scenario to "
        "use: how much a kitchen makes on a day it works, how often it is away, which days "
        "and months it works?"
    ),
    heading=lambda: _("What the records say:"),
    description=lambda: _(
        "Fit a kitchen group's inputs (daily output, absences, working days, months) to "
        "records. Prints what was found with confidence intervals, and a YAML fragment to "
        "paste into a scenario; --transit fits a buyer's transit_days to shipment dates; "
        "--out writes the fragment, the candidates' table and figures."
    ),
)
