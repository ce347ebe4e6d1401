"""A shareable report: one self-contained HTML page from an output folder.

It reads what a run or an experiment wrote (its JSON, scenario and figures) and says it for
people who decide: the question, the scenario in plain words, the answers as sentences with their
confidence intervals, the figures (embedded, so the file opens with no network), the tables, and
what produced it all. Nothing is simulated again.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sim._version import __version__
from sim.reporting.folders import OutputError, is_complete, write_text
from sim.scenario.loading import load_scenario
from sim.scenario.messages import ScenarioError
from sim.scenario.schema import Scenario

KINDS = {
    "summary.json": "run",
    "comparison.json": "compare",
    "sweep.json": "sweep",
    "target.json": "target",
    "sensitivity.json": "sensitivity",
}
FIGURES = {
    "stock.png": "Warehouse stock over time",
    "miss_rates.png": "How often each quota is missed",
    "shortfall.png": "How far short shipments fall",
    "survival.png": "How long the contracts last",
    "cash.png": "The cooperative's cash",
    "forest.png": "Policies against the baseline",
    "sweep.png": "The sweep",
    "tornado.png": "Which levers matter most",
}
QUESTION = (
    "Can a crowd of home kitchens hold an export buyer's quota, and which policy makes them "
    "hold it? This report answers it for one scenario, by simulating many possible years."
)


def write_report(folder: str | Path) -> Path:
    """Write ``report.html`` into an output folder; return its path.

    Raises:
        OutputError: The folder holds no result umkm-sim wrote.
    """
    out = Path(folder)
    kind, document = _read(out)
    scenario = _scenario(out)
    builder: Callable[[dict[str, Any]], list[str]] = {
        "run": _run_section,
        "compare": _compare_section,
        "sweep": _sweep_section,
        "target": _target_section,
        "sensitivity": _sensitivity_section,
    }[kind]
    page = _page(document, scenario, builder(document), _figures(out))
    path = out / "report.html"
    write_text(path, page)
    return path


def _read(out: Path) -> tuple[str, dict[str, Any]]:
    if not is_complete(out):
        raise OutputError(
            f"{out} is incomplete: the run that wrote it did not finish "
            "(finish it with the same command and --resume, then report)"
        )
    for name, kind in KINDS.items():
        if (out / name).is_file():
            try:
                document = json.loads((out / name).read_text(encoding="utf-8"))
            except (ValueError, OSError) as exc:
                raise OutputError(f"{out / name}: damaged, cannot be read ({exc})") from None
            if not isinstance(document, dict):
                raise OutputError(f"{out / name}: damaged, not a results document")
            return kind, document
    raise OutputError(f"{out}: no results to report (none of {', '.join(KINDS)})")


def _scenario(out: Path) -> Scenario | None:
    try:
        return load_scenario(out / "scenario.yaml")
    except ScenarioError:
        return None


# --- sentences ------------------------------------------------------------------------------


def _pct(stat: dict[str, Any]) -> str:
    """``23% (95% CI 21-25%)`` for a rate."""
    return _say(stat, lambda x: f"{100 * x:.0f}", "%")


def _num(stat: dict[str, Any], unit: str = "") -> str:
    return _say(stat, lambda x: f"{x:,.0f}", unit)


def _say(stat: dict[str, Any], fmt: Callable[[float], str], unit: str) -> str:
    mean, (lo, hi) = stat["mean"], stat["ci95"]
    if mean is None:
        return "not known"
    if lo is None or fmt(lo) == fmt(hi):
        return f"{fmt(mean)}{unit}"
    return f"{fmt(mean)}{unit} (95% CI {fmt(lo)}\N{EN DASH}{fmt(hi)}{unit})"


def describe(scenario: Scenario) -> list[str]:
    """Say in plain words what a scenario simulates."""
    start = f"from {scenario.start_date:%-d %B %Y}" if scenario.start_date else "from a Monday"
    groups = ", ".join(f"{g.count} making {g.product.replace('_', ' ')}" for g in scenario.kitchens)
    total = sum(g.count for g in scenario.kitchens)
    words = [
        (
            f"Over {scenario.horizon_days} days {start}, {total} home kitchens ({groups}) "
            "deliver to one cooperative warehouse, which ships to "
            f"{len(scenario.buyers)} buyer{'s' if len(scenario.buyers) > 1 else ''}."
        )
    ]
    for b in scenario.buyers:
        quota = " and ".join(f"{n:,} packs of {p.replace('_', ' ')}" for p, n in b.quota.items())
        lost = (
            "what is short is lost" if b.shortfall == "lost" else "what is short is owed next time"
        )
        words.append(f"{b.name.capitalize()} wants {quota} every {b.every_days} days; {lost}.")
    on = _mechanisms(scenario)
    if on:
        words.append("What can get in the way: " + "; ".join(on) + ".")
    return words


def _mechanisms(s: Scenario) -> list[str]:
    on = []
    c = s.calendar
    if c.holidays:
        on.append("public holidays and joint leave")
    if c.lebaran is not None:
        on.append(
            f"kitchens stop {c.lebaran.before_days} days before to {c.lebaran.after_days} "
            "after Eid al-Fitr"
        )
    if c.port_closures:
        on.append("port closures that delay shipments")
    if any(g.absence for g in s.kitchens):
        on.append("kitchens absent for spells")
    if any(p.supply for p in s.products.values()):
        on.append("seasons and dips in raw-material supply")
    on += [f"{shock.name.replace('-', ' ')} ({shock.per_year:g} a year)" for shock in s.shocks]
    if any(g.local_market for g in s.kitchens):
        on.append("the local market taking its share first")
    if s.warehouse.reject_fraction:
        on.append(f"{s.warehouse.reject_fraction:.0%} rejected at quality control")
    if any(b.cancel_after_misses for b in s.buyers):
        on.append("buyers cancelling after repeated misses")
    if s.finance is not None:
        on.append(f"a fund of Rp {s.finance.fund:,.0f} to pay the kitchens")
    return on


def _run_section(summary: dict[str, Any]) -> list[str]:
    lines = [
        (
            f"Across all buyers, {_pct(summary['quota_miss_rate'])} of shipment lines miss their "
            f"quota, and {_pct(summary['fill_rate'])} of the contracted packs are shipped."
        )
    ]
    for buyer, block in summary["buyers"].items():
        who = buyer.capitalize()
        text = (
            f"The {who} buyer's quota is missed in {_pct(block['quota_miss_rate'])} of shipments."
        )
        if "contract" in block:
            survival = _pct(block["contract"]["survival"])
            text += f" Its contract lasts the whole period in {survival} of the simulated years."
        if "on_time_rate" in block:
            text += f" Its shipments arrive on time in {_pct(block['on_time_rate'])} of cases."
        lines.append(text)
    if "cash" in summary:
        days = summary["cash"]["days_turning_output_away"]
        lines.append(
            f"For lack of cash the cooperative turns kitchens' output away on "
            f"{_say(days, lambda x: f'{x:.0f}', ' days')} a year."
        )
    return [
        _bullets(lines),
        _table(
            ["", "quota miss rate", "fill rate", "mean shortfall (packs)"],
            [
                [label, _pct(s["quota_miss_rate"]), _pct(s["fill_rate"]), _num(s["mean_shortfall"])]
                for label, s in _scopes(summary)
            ],
        ),
        _table(
            ["packs per year", *summary["products"]],
            [
                [field.replace("_", " "), *(_num(p[field]) for p in summary["products"].values())]
                for field in next(iter(summary["products"].values()))
            ],
        ),
    ]


def _scopes(summary: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    yield "all buyers", summary
    for buyer, block in summary["buyers"].items():
        yield buyer, block
        for product, line in block["products"].items():
            yield f"{buyer} / {product}", line


def _compare_section(document: dict[str, Any]) -> list[str]:
    rows = [
        r
        for r in document["table"]
        if r["kpi"] == "quota_miss_rate" and r["buyer"] == "all" and r["product"] == "all"
    ]
    base = next(r for r in rows if r["policy"] == "baseline")
    lines = [f"As it is, {100 * base['mean']:.0f}% of shipment lines miss their quota."]
    for r in rows:
        if r["policy"] == "baseline":
            continue
        change = "lowers" if r["diff"] < 0 else "raises"
        sure = "" if r["significant"] else " (not distinguishable from no change)"
        lines.append(
            f"Policy {r['policy']} {change} it by {abs(100 * r['diff']):.1f} percentage points "
            f"(95% CI {100 * r['diff_lo']:+.1f} to {100 * r['diff_hi']:+.1f}){sure}."
        )
    table = [
        [
            r["policy"],
            _pct({"mean": r["mean"], "ci95": [r["ci_lo"], r["ci_hi"]]}),
            "" if r["policy"] == "baseline" else f"{100 * r['diff']:+.1f} pts",
        ]
        for r in rows
    ]
    return [_bullets(lines), _table(["policy", "quota miss rate", "difference"], table)]


def _sweep_section(document: dict[str, Any]) -> list[str]:
    levers = list(document["sweep"]["levers"])
    rows = [
        r
        for r in document["table"]
        if r["kpi"] == "quota_miss_rate" and r["buyer"] == "all" and r["product"] == "all"
    ]
    best = min(rows, key=lambda r: r["mean"])
    worst = max(rows, key=lambda r: r["mean"])

    def at(row: dict[str, Any]) -> str:
        return ", ".join(f"{p} = {row[p]:g}" for p in levers)

    low, high = 100 * best["mean"], 100 * worst["mean"]
    lines = [
        (
            f"Across {len(rows)} combinations, the quota miss rate runs from {low:.0f}% "
            f"(at {at(best)}) to {high:.0f}% (at {at(worst)})."
        )
    ]
    table = [
        [
            *(f"{r[p]:g}" for p in levers),
            _pct({"mean": r["mean"], "ci95": [r["ci_lo"], r["ci_hi"]]}),
        ]
        for r in rows
    ]
    return [_para(lines), _table([*levers, "quota miss rate"], table)]


def _target_section(document: dict[str, Any]) -> list[str]:
    lever, goal = document["lever"], document["goal"]
    if document["met"]:
        answer = (
            f"The {document['seeking']} {lever} with {goal} is {document['value']:g}: there the "
            f"estimate is {_say(document['estimate'], lambda x: f'{x:.3g}', '')}."
        )
    else:
        answer = (
            f"No value of {lever} between {document['low']:g} and {document['high']:g} gives "
            f"{goal}."
        )
    table = [
        [
            f"{r['value']:g}",
            _say({"mean": r["mean"], "ci95": [r["ci_lo"], r["ci_hi"]]}, lambda x: f"{x:.3g}", ""),
            "yes" if r["meets"] else "no",
        ]
        for r in document["evaluations"]
    ]
    return [
        _para([answer]),
        _table([lever, document["goal"].split(" (")[0], "meets the target"], table),
    ]


def _sensitivity_section(document: dict[str, Any]) -> list[str]:
    rows = document["table"]
    change = document["change"]
    top = ", ".join(r["lever"] for r in rows[:3])
    kpi = document["kpi"].replace("_", " ")
    lines = [f"Moving each lever by {change:.0%} either way, the {kpi} responds most to: {top}."]
    table = [
        [
            r["lever"],
            f"{r['value']:,g}",
            f"{100 * r['diff_down']:+.1f} pts",
            f"{100 * r['diff_up']:+.1f} pts",
        ]
        for r in rows
    ]
    return [_para(lines), _table(["lever", "value", f"-{change:.0%}", f"+{change:.0%}"], table)]


# --- the page -------------------------------------------------------------------------------


def _figures(out: Path) -> list[str]:
    parts = []
    for name, caption in FIGURES.items():
        path = out / name
        if path.is_file():
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            parts.append(
                f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(caption)}">'
                f"<figcaption>{html.escape(caption)}</figcaption></figure>"
            )
    return parts


def _para(lines: list[str]) -> str:
    return "<p>" + " ".join(html.escape(line) for line in lines) + "</p>"


def _bullets(lines: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_HOW_TO_READ = (
    "Each figure is the average over {n} simulated years; the 95% confidence interval (CI) is "
    "the range in which the true average lies, given the assumptions of the scenario."
)

_CSS = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #111; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
figure { margin: 1.5rem 0; } img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: .9rem; color: #444; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .9rem; }
th, td { border-bottom: 1px solid #ccc; padding: .25rem .6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.provenance { font-size: .85rem; color: #444; }
"""


def _page(
    document: dict[str, Any], scenario: Scenario | None, answers: list[str], figures: list[str]
) -> str:
    name = html.escape(str(document["scenario"]))
    about = [] if scenario is None else describe(scenario)
    if scenario is not None and scenario.description:
        about.insert(0, scenario.description)
    provenance = [
        ("scenario", document["scenario"]),
        ("scenario file", document.get("scenario_file") or "-"),
        ("scenario digest (SHA-256)", document.get("scenario_sha256", "-")),
        ("seed", document["seed"]),
        ("replications", document["replications"]),
        ("made with", f"umkm-sim {document.get('version', __version__)}"),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>umkm-sim report: {name}</title><style>{_CSS}</style></head><body>"
        f"<h1>Can the kitchens hold the quota? {name}</h1>"
        f"<h2>The question</h2>{_para([QUESTION])}"
        f"<h2>The scenario</h2>{_para(about) if about else ''}"
        f"<h2>The answers</h2>{_para([_HOW_TO_READ.format(n=document['replications'])])}"
        f"{''.join(answers)}"
        + (f"<h2>Figures</h2>{''.join(figures)}" if figures else "")
        + "<h2>Provenance</h2>"
        + _table(["", ""], [[k, str(v)] for k, v in provenance]).replace(
            "<table>", '<table class="provenance">'
        )
        + "</body></html>\n"
    )
