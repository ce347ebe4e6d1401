"""Scenario discovery: in which futures a policy fails, said as a few conditions (PRIM)."""

from __future__ import annotations

from typing import Any

from sim.experiments.discover import Discovery
from sim.i18n import _, number, percent, significant
from sim.reporting.html_parts import bullet_list, html_table, paragraph
from sim.reporting.kind import Kind, figure, json_file
from sim.reporting.words import criterion_words, policy_name


def text(found: Discovery, cart: str | None = None) -> str:
    """The chosen box in words, then PRIM's trajectory, CART's rules if given, the stability."""
    document = KIND.published(found)
    return f"{_described(document)}\n{_tables(found, cart)}"


def _described(document: dict[str, Any]) -> str:
    row = document["trajectory"][document["box"]]
    intro = _(
        "{policy}: {where} in {failures} of {futures} futures. Box {box} of {boxes} on "
        "PRIM's trajectory holds {coverage} of those failures (coverage), and {density} of "
        "the futures in it fail (density), restricting {restricted} of {uncertainties} "
        "uncertainties:"
    ).format(
        policy=policy_name(document["policy"]),
        where=criterion_words(document["criterion"]),
        failures=document["failures"],
        futures=document["futures"],
        box=document["box"],
        boxes=len(document["trajectory"]),
        coverage=percent(row["coverage"], 0),
        density=percent(row["density"], 0),
        restricted=int(row["res_dim"]),
        uncertainties=len(document["feature_scores"]),
    )
    scores = list(document["feature_scores"].items())[:3]
    top = ", ".join(f"{p} ({number(s, 2)})" for p, s in scores)
    return "\n".join(
        [
            intro,
            *(f"  - {c}" for c in words(document)["conditions"]),
            _("What matters most (extra-trees feature scores): {top}.").format(top=top),
        ]
    )


def words(document: dict[str, Any]) -> dict[str, Any]:
    """Each restriction of the box in plain words, with its quasi-p value."""
    conditions = []
    for r in document["restrictions"]:
        parts = []
        if r["min"] is not None:
            parts.append(_("at least {value}").format(value=significant(r["min"])))
        if r["max"] is not None:
            parts.append(_("at most {value}").format(value=significant(r["max"])))
        restriction = _(" and ").join(parts)
        conditions.append(f"{r['uncertainty']} {restriction} (qp {significant(r['qp'], 1)})")
    return {"where": criterion_words(document["criterion"]), "conditions": conditions}


def _tables(found: Discovery, cart: str | None) -> str:
    """PRIM's trajectory (the chosen box marked), CART's rules if given, the box's stability."""
    header = [_("box"), _("coverage"), _("density"), _("mass"), _("uncertainties restricted")]
    rows = [
        [
            str(i),
            *(percent(r[c], 0) for c in ("coverage", "density", "mass")),
            str(int(r["res_dim"])),
        ]
        for i, r in enumerate(found.trajectory.to_dict("records"))
    ]
    trajectory = _aligned(header, rows, names=False)
    trajectory[1 + found.box] += "  <- " + _("chosen")
    lines = ["", _("PRIM's peeling trajectory (pick another box with --box):"), *trajectory, ""]
    if cart is not None:
        weights = _("CART, the alternative view (weights: futures [acceptable, failing]):")
        lines += [weights, cart.rstrip(), ""]
    if found.stability.empty:
        lines.append(_("Too few futures to resample the box for its stability."))
        return "\n".join(lines)
    header = [_("uncertainty"), _("reproduce coverage"), _("reproduce density")]
    rows = [
        [str(name), *(percent(float(v) / 100, 0) for v in values)]
        for name, values in zip(found.stability.index, found.stability.to_numpy(), strict=True)
    ]
    lines += [
        _("Resampling stability of the box (% of resampled runs that restrict each):"),
        *_aligned(header, rows),
    ]
    return "\n".join(lines)


def _aligned(header: list[str], rows: list[list[str]], *, names: bool = True) -> list[str]:
    """A table for a terminal: figures to the right, a first column of ``names`` to the left."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = f"{cells[0]:<{widths[0]}}" if names else f"{cells[0]:>{widths[0]}}"
        figures = "".join(f"  {c:>{w}}" for c, w in zip(cells[1:], widths[1:], strict=True))
        return f"  {first}{figures}"

    return [line(header), *(line(row) for row in rows)]


def section(document: dict[str, Any]) -> list[str]:
    """The report's section: the box in words, and PRIM's trade-off along the trajectory."""
    table = [
        [str(i), percent(r["coverage"], 0), percent(r["density"], 0), str(int(r["res_dim"]))]
        for i, r in enumerate(document["trajectory"])
    ]
    header = [_("box"), _("coverage"), _("density"), _("uncertainties restricted")]
    return [
        paragraph(_described(document).splitlines()[:1]),
        bullet_list(words(document)["conditions"]),
        html_table(header, table),
    ]


KIND: Kind = Kind(
    name="discover",
    result=Discovery,
    document="discovery.json",
    files={
        "discovery.json": lambda d: json_file(KIND.published(d)),
        "tradeoff.png": lambda d: figure("futures_plots", "plot_tradeoff", d),
        "box.png": lambda d: figure("futures_plots", "plot_box", d),
    },
    text=text,
    section=section,
    words=words,
    captions={
        "tradeoff.png": lambda: _(
            "Each box PRIM peeled: further right holds more of the failures, higher holds fewer "
            "futures that did not fail; the square is the box chosen."
        ),
        "box.png": lambda: _(
            "Black futures failed, grey did not; a sharp box (dashed) holds most black points and "
            "few grey ones."
        ),
    },
    summary=lambda: _("in which futures does a policy fail (PRIM)"),
    description=lambda: _(
        "Find the futures in which a policy fails, as a few conditions on the uncertainties "
        "(PRIM). Reads the results of umkm-sim explore in DIR; prints the box chosen on "
        "PRIM's coverage-density trajectory (default: the knee) in plain words, with quasi-p "
        "values, resampling stability and which uncertainties matter most; writes "
        "DIR/discovery.json and DIR/tradeoff.png."
    ),
)
