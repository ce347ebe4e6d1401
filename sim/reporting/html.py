"""A shareable report: one self-contained HTML page from an output folder.

It reads what a run or an experiment wrote (its JSON, scenario and figures) and says it for
people who decide: the question, the scenario in plain words, the answers as sentences with their
confidence intervals, the figures (embedded, so the file opens with no network), the tables, and
what produced it all. Nothing is simulated again.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from typing import Any

from sim._version import __version__
from sim.i18n import LANGUAGES, _, current
from sim.reporting.folders import STORE_NAME, OutputError, is_complete, write_text
from sim.reporting.fragments import html_table, paragraph
from sim.reporting.narrative import SECTIONS
from sim.reporting.scenario_words import describe
from sim.scenario.loading import load_scenario
from sim.scenario.messages import ScenarioError
from sim.scenario.schema import Scenario

KINDS = {
    "summary.json": "run",
    "comparison.json": "compare",
    "sweep.json": "sweep",
    "target.json": "target",
    "sensitivity.json": "sensitivity",
    "experiments.json": "explore",
    "selection.json": "select",
    "cheapest.json": "cheapest",
    "gsa.json": "gsa",
}


def figure_captions() -> dict[str, str]:
    """Each figure file a report shows -> its caption (in the current language)."""
    return {
        "stock.png": _("Warehouse stock over time"),
        "miss_rates.png": _("How often each quota is missed"),
        "shortfall.png": _("How far short shipments fall"),
        "survival.png": _("How long the contracts last"),
        "cash.png": _("The cooperative's cash"),
        "forest.png": _("Policies against the baseline"),
        "sweep.png": _("The sweep"),
        "tornado.png": _("Which levers matter most"),
        "futures.png": _("Policies across the futures"),
        "tradeoff.png": _("In which futures the policy fails: PRIM's trade-off"),
        "box.png": _("The box in the futures it describes"),
        "gsa.png": _("Which uncertainties drive the result"),
        "convergence.png": _("How the sensitivity indices settled"),
    }


def _question() -> str:
    return _(
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
    images = _redrawn(out, kind, document, scenario)
    figures = _figures(out, images or {})
    if figures and images is None:
        figures.insert(0, _drawn_in(document))
    page = _page(document, scenario, SECTIONS[kind](document), figures)
    path = out / "report.html"
    write_text(path, page)
    return path


def _read(out: Path) -> tuple[str, dict[str, Any]]:
    if not is_complete(out):
        raise OutputError(
            _(
                "{folder} is incomplete: the run that wrote it did not finish (finish it with the "
                "same command and --resume, then report)"
            ).format(folder=out)
        )
    for name, kind in KINDS.items():
        if (out / name).is_file():
            try:
                document = json.loads((out / name).read_text(encoding="utf-8"))
            except (ValueError, OSError) as exc:
                said = _("{file}: damaged, cannot be read ({problem})")
                raise OutputError(said.format(file=out / name, problem=exc)) from None
            if not isinstance(document, dict):
                said = _("{file}: damaged, not a results document")
                raise OutputError(said.format(file=out / name))
            return kind, document
    said = _("{folder}: no results to report (none of {files})")
    raise OutputError(said.format(folder=out, files=", ".join(KINDS)))


def _scenario(out: Path) -> Scenario | None:
    try:
        return load_scenario(out / "scenario.yaml")
    except ScenarioError:
        return None


# --- the page -------------------------------------------------------------------------------


def _redrawn(
    out: Path, kind: str, document: dict[str, Any], scenario: Scenario | None
) -> dict[str, bytes] | None:
    """A run's figures drawn again from its stored runs when the report speaks another language.

    Nothing is simulated: the run store holds every replication. ``None`` where the folder's
    own figures are in the report's language, or cannot be drawn again (an experiment, no store).
    """
    if document.get("language", "en") == current() or kind != "run" or scenario is None:
        return None
    from sim.experiments.store import RunStore, StoreError  # noqa: PLC0415
    from sim.reporting.plots import run_figures  # noqa: PLC0415
    from sim.results.tables import Results  # noqa: PLC0415

    n, seed, path = int(document["replications"]), int(document["seed"]), out / STORE_NAME
    try:
        store = RunStore(path) if path.is_file() else None
        found = {} if store is None else store.get(scenario, seed, range(n))
    except StoreError:
        return None
    if store is not None:
        store.close()
    if len(found) != n:
        return None
    results = Results(scenario, seed, [found[r] for r in range(n)])
    return {name: _png(draw()) for name, draw in run_figures(results).items()}


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=120)  # as the run wrote them
    return buffer.getvalue()


def _figures(out: Path, images: dict[str, bytes]) -> list[str]:
    """Each figure the folder holds (or ``images`` has instead), embedded with its caption."""
    parts = []
    for name, caption in figure_captions().items():
        path = out / name
        if name in images or path.is_file():
            png = images[name] if name in images else path.read_bytes()
            data = base64.b64encode(png).decode("ascii")
            parts.append(
                f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(caption)}">'
                f"<figcaption>{html.escape(caption)}</figcaption></figure>"
            )
    return parts


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


def _drawn_in(document: dict[str, Any]) -> str:
    """Say so when the figures are in another language than the report (they are images)."""
    drawn = document.get("language", "en")
    if drawn == current() or drawn not in LANGUAGES:
        return ""
    names = {"en": _("English"), "id": _("Bahasa Indonesia")}
    return paragraph(
        [
            _(
                "The figures are in {language}, the language of the run that drew them; run it "
                "again with --lang {code} to draw them in the language of this report."
            ).format(language=names[drawn], code=current())
        ]
    )


def _page(
    document: dict[str, Any], scenario: Scenario | None, answers: list[str], figures: list[str]
) -> str:
    name = html.escape(str(document["scenario"]))
    about = [] if scenario is None else describe(scenario)
    if scenario is not None and scenario.description:
        about.insert(0, scenario.description_in(current()))
    provenance = [
        (_("scenario"), document["scenario"]),
        (_("scenario file"), document.get("scenario_file") or "-"),
        (_("scenario digest (SHA-256)"), document.get("scenario_sha256", "-")),
        (_("seed"), document["seed"]),
        (_("replications"), document["replications"]),
        (_("made with"), f"umkm-sim {document.get('version', __version__)}"),
    ]
    how_to_read = _(
        "Each figure is the average over {n} simulated years; the 95% confidence interval (CI) "
        "is the range in which the true average lies, given the assumptions of the scenario."
    ).format(n=document["replications"])
    title, heading = _("umkm-sim report"), _("Can the kitchens hold the quota?")
    question, scenario_heading = _("The question"), _("The scenario")
    answers_heading, figures_heading = _("The answers"), _("Figures")
    provenance_heading = _("Provenance")
    return (
        f'<!DOCTYPE html>\n<html lang="{current()}"><head><meta charset="utf-8">'
        f"<title>{title}: {name}</title><style>{_CSS}</style></head><body>"
        f"<h1>{heading} {name}</h1>"
        f"<h2>{question}</h2>{paragraph([_question()])}"
        f"<h2>{scenario_heading}</h2>{paragraph(about) if about else ''}"
        f"<h2>{answers_heading}</h2>{paragraph([how_to_read])}"
        f"{''.join(answers)}"
        + (f"<h2>{figures_heading}</h2>{''.join(figures)}" if figures else "")
        + f"<h2>{provenance_heading}</h2>"
        + html_table(["", ""], [[k, str(v)] for k, v in provenance]).replace(
            "<table>", '<table class="provenance">'
        )
        + "</body></html>\n"
    )
