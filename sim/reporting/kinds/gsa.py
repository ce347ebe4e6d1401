"""Global sensitivity: which uncertainties drive a KPI (Sobol' or Morris), and how noisy that is."""

from __future__ import annotations

from typing import Any

from sim.experiments.gsa import NOISY, GlobalSensitivity
from sim.i18n import _, interval, name, number, percent
from sim.reporting.html_parts import html_table, paragraph
from sim.reporting.kind import Kind, csv_file, figure, json_file, text_file
from sim.reporting.words import kpi_name
from sim.scenario.yamlio import to_yaml


def text(result: GlobalSensitivity) -> str:
    """Which uncertainties matter, which do not, and how noisy the answer is."""
    ranked = result.ranked()
    top = ranked.iloc[0]
    idle = list(ranked.factor[ranked.ci_lo <= 0])
    heading = _(
        "{scenario}: global sensitivity of {kpi} ({scope}), {how}, {points} points x "
        "{replications} replications, seed {seed}"
    ).format(
        scenario=result.scenario.name,
        kpi=kpi_name(result.kpi),
        scope=name(result.buyer) if result.buyer else _("all buyers"),
        how=_how(result.method, result.n),
        points=number(len(result.points)),
        replications=result.replications,
        seed=result.seed,
    )
    factor, ci = _("factor"), _("95% CI")
    lines = [heading, "", f"{factor:<46}{result.main_index:>8}  {ci}"]
    for r in ranked.to_dict("records"):
        bounds = interval(number(r["ci_lo"], 3), number(r["ci_hi"], 3))
        lines.append(f"  {r['factor']:<44}{number(r['value'], 3):>8}  {bounds}")
    leaders = list(ranked.factor[ranked.ci_hi >= top.value])  # their CI reaches the top value
    if len(leaders) == 1:
        lines += [
            "",
            _("{factor} matters most ({index} {value}).").format(
                factor=top.factor, index=result.main_index, value=number(top.value, 2)
            ),
        ]
    else:
        lines += [
            "",
            _(
                "{factors} matter most; their intervals overlap, so a larger --n is needed "
                "to rank them."
            ).format(factors=", ".join(leaders)),
        ]
    if idle:
        lines.append(
            _("No detectable effect (the CI reaches 0): {factors}.").format(
                factors=", ".join(map(str, idle))
            )
        )
    return "\n".join([*lines, _noise(result.noise_share)])


def _noise(share: float | None) -> str:
    if share is None or share != share:  # noqa: PLR0124 (NaN: one replication per point)
        return ""
    said = (
        _(
            "Replication noise is {share} of the variance across points: too much to trust "
            "these indices; ask for more --replications."
        )
        if share > NOISY
        else _("Replication noise is {share} of the variance across points.")
    )
    return said.format(share=percent(share, 0))


def _how(method: str, n: int) -> str:
    if method == "sobol":
        return _("Sobol' indices (Saltelli sampling, N = {n})").format(n=n)
    return _("Morris elementary effects ({n} trajectories)").format(n=n)


def section(document: dict[str, Any]) -> list[str]:
    """The report's section: what matters most, the noise share, the indices with CIs."""
    main = "ST" if document["method"] == "sobol" else "mu_star"
    rows = sorted((r for r in document["table"] if r["index"] == main), key=lambda r: -r["value"])
    how = (
        _(
            "Sobol' indices: the share of the variance of the result each uncertainty explains, "
            "with all its interactions (ST)"
        )
        if main == "ST"
        else _(
            "Morris elementary effects: how much the result moves when each uncertainty does (mu*)"
        )
    )
    idle = [r["factor"] for r in rows if r["ci_lo"] <= 0]
    noise = document["noise_share"]
    first = _(
        "Which uncertainties drive {kpi}? {how}, each with a 95% confidence interval. {top} "
        "matters most."
    ).format(kpi=kpi_name(document["kpi"]), how=how, top=rows[0]["factor"])
    lines = [first]
    if noise is not None:
        trust = (
            _(
                "Replication noise is {share} of the variance across the points; more "
                "replications are needed to trust these numbers."
            )
            if noise > NOISY
            else _("Replication noise is {share} of the variance across the points.")
        )
        lines.append(trust.format(share=percent(noise, 0)))
    if idle:
        lines.append(_("No detectable effect: {factors}.").format(factors=", ".join(idle)))
    table = [
        [
            r["factor"],
            number(r["value"], 2),
            f"{number(r['ci_lo'], 2)} \N{EN DASH} {number(r['ci_hi'], 2)}",
        ]
        for r in rows
    ]
    return [paragraph(lines), html_table([_("uncertainty"), main, _("95% CI")], table)]


KIND: Kind = Kind(
    name="gsa",
    result=GlobalSensitivity,
    document="gsa.json",
    files={
        "gsa.json": lambda r: json_file(KIND.published(r)),
        "gsa.csv": lambda r: csv_file(r.table),
        "gsa-points.csv": lambda r: csv_file(r.points),
        "gsa.png": lambda r: figure("gsa_plots", "plot_gsa", r),
        "convergence.png": lambda r: figure("gsa_plots", "plot_convergence", r),
        "scenario.yaml": lambda r: text_file(to_yaml(r.scenario)),
    },
    text=text,
    section=section,
    captions={
        "gsa.png": lambda: _(
            "The longest bars are the uncertainties worth narrowing first; a bar whose CI reaches "
            "zero may not matter at all."
        ),
        "convergence.png": lambda: _(
            "Once the curves are flat, the sample was large enough; curves still moving ask for a "
            "larger --n."
        ),
    },
    summary=lambda: _("global sensitivity to the uncertainties (SALib)"),
    description=lambda: _(
        "Global sensitivity of a KPI to the scenario's uncertainties (Sobol' or Morris, "
        "SALib). Prints each uncertainty's index with its 95% CI and the share of "
        "replication noise; --out writes the indices, their convergence and the figures."
    ),
    question=lambda: _(
        "Which uncertain inputs drive the result, alone and together with the others?"
    ),
)
