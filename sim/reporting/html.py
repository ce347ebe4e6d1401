"""A shareable report: one self-contained HTML page from an output folder.

It reads what a run or an experiment wrote (its JSON, scenario and figures) and says it for
people who decide: the question, the scenario in plain words, the answers as sentences with their
confidence intervals, the figures (embedded, so the file opens with no network), the tables, and
what produced it all. Nothing is simulated again.
"""

from __future__ import annotations

import base64
import html
import tempfile
from pathlib import Path
from typing import Any

from sim._version import __version__
from sim.i18n import LANGUAGES, _, current, naming
from sim.reporting.folders import REPORT, STORE_NAME, Folder, OutputError, read_document, write_text
from sim.reporting.html_parts import html_table, paragraph
from sim.reporting.kind import Kind
from sim.reporting.kinds import KINDS
from sim.reporting.scenario_words import describe
from sim.scenario.loading import load_scenario
from sim.scenario.messages import ScenarioError, show
from sim.scenario.schema import Scenario


def write_report(folder: str | Path, to: str | Path | None = None) -> Path:
    """Write ``report.html`` into an output folder (or the report to ``to``); return its path.

    Every result the folder holds gets its section (an exploration, and the discovery made in
    its futures), in the current language; nothing is simulated again. A report in another
    language can be written beside the first: ``to=folder / "report.id.html"``.

    Raises:
        OutputError: The folder is incomplete, holds no result umkm-sim wrote, or a damaged one;
            or ``to`` cannot be written (whole or not at all).
    """
    out = Path(folder)
    with Folder.existing(out):
        return report_into(out, None if to is None else Path(to))


def report_into(out: Path, to: Path | None = None) -> Path:
    """Write the report of a folder this process holds (``write_report`` locks it) to ``to``.

    Default: ``out/report.html``.
    """
    found = _read(out)
    scenario = _scenario(out)
    with naming({} if scenario is None else scenario.labels):
        return _report(out, to, found, scenario)


def _report(
    out: Path, to: Path | None, found: list[tuple[Kind, dict[str, Any]]], scenario: Scenario | None
) -> Path:
    kind, document = found[0]
    images = _redrawn(out, kind, document, scenario)
    figures = _figures(out, [k for k, __ in found], images or {})
    if figures and images is None:
        figures.insert(0, _drawn_in(document))
    answers = [part for k, d in found for part in _section(out, k, d)]
    path = out / REPORT if to is None else to
    write_text(path, _page(kind, document, scenario, answers, figures))
    return path


def _read(out: Path) -> list[tuple[Kind, dict[str, Any]]]:
    """Every result document in the folder, the folder's own kind first."""
    found = [(k, read_document(out / k.document)) for k in KINDS if (out / k.document).is_file()]
    if not found:
        said = _("{folder}: no results to report (none of {files})")
        raise OutputError(said.format(folder=out, files=", ".join(k.document for k in KINDS)))
    return found


def _section(out: Path, kind: Kind, document: dict[str, Any]) -> list[str]:
    """A kind's section of the report; a document that lacks what it needs is said damaged."""
    try:
        return kind.section(document)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, StopIteration) as exc:
        said = _("{file}: damaged, not a results document ({problem})")
        raise OutputError(said.format(file=out / kind.document, problem=show(str(exc)))) from None


def _scenario(out: Path) -> Scenario | None:
    try:
        return load_scenario(out / "scenario.yaml")
    except ScenarioError:
        return None


# --- the page -------------------------------------------------------------------------------


def _redrawn(
    out: Path, kind: Kind, document: dict[str, Any], scenario: Scenario | None
) -> dict[str, bytes] | None:
    """A run's figures drawn again from its stored runs when the report speaks another language.

    Nothing is simulated: the run store holds every replication. ``None`` where the folder's
    own figures are in the report's language, or cannot be drawn again (an experiment, no store).
    """
    if document.get("language", "en") == current() or kind.name != "run" or scenario is None:
        return None
    from sim.experiments.store import RunStore, StoreError  # noqa: PLC0415
    from sim.reporting.kinds.run import figures  # noqa: PLC0415
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
    drawn = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name, write in figures(results).items():
            write(Path(scratch) / name)
            drawn[name] = (Path(scratch) / name).read_bytes()
    return drawn


def _figures(out: Path, kinds: list[Kind], images: dict[str, bytes]) -> list[str]:
    """Each figure the folder holds (or ``images`` has instead), embedded with its caption."""
    parts = []
    for kind in kinds:
        for name, caption in kind.captions.items():
            path = out / name
            if name in images or path.is_file():
                png = images[name] if name in images else path.read_bytes()
                data = base64.b64encode(png).decode("ascii")
                said = html.escape(caption())
                parts.append(
                    f'<figure><img src="data:image/png;base64,{data}" alt="{said}">'
                    f"<figcaption>{said}</figcaption></figure>"
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
    kind: Kind,
    document: dict[str, Any],
    scenario: Scenario | None,
    answers: list[str],
    figures: list[str],
) -> str:
    name = html.escape(str(document.get("scenario") or document.get("records_file") or ""))
    about = [] if scenario is None else describe(scenario)
    if scenario is not None and scenario.description:
        about.insert(0, scenario.description_in(current()))
    provenance = [
        (label, document[key])
        for key, label in (
            ("scenario", _("scenario")),
            ("scenario_file", _("scenario file")),
            ("scenario_sha256", _("scenario digest (SHA-256)")),
            ("records_file", _("records file")),
            ("records_sha256", _("records digest (SHA-256)")),
            ("seed", _("seed")),
            ("replications", _("replications")),
            ("command", _("command")),
        )
        if document.get(key) is not None
    ]
    provenance.append((_("made with"), f"umkm-sim {document.get('version', __version__)}"))
    how_to_read = (
        _(
            "Each figure is the average over {n} simulated years; the 95% confidence interval "
            "(CI) is the range in which the true average lies, given the assumptions of the "
            "scenario."
        ).format(n=document["replications"])
        if "replications" in document
        else ""
    )
    title, heading = _("umkm-sim report"), kind.heading()
    question, scenario_heading = _("The question"), _("The scenario")
    answers_heading, figures_heading = _("The answers"), _("Figures")
    provenance_heading = _("Provenance")
    return (
        f'<!DOCTYPE html>\n<html lang="{current()}"><head><meta charset="utf-8">'
        f"<title>{title}: {name}</title><style>{_CSS}</style></head><body>"
        f"<h1>{name}: {heading}</h1>"
        f"<h2>{question}</h2>{paragraph([kind.question()])}"
        + (f"<h2>{scenario_heading}</h2>{paragraph(about)}" if about else "")
        + f"<h2>{answers_heading}</h2>{paragraph([how_to_read]) if how_to_read else ''}"
        + "".join(answers)
        + (f"<h2>{figures_heading}</h2>{''.join(figures)}" if figures else "")
        + f"<h2>{provenance_heading}</h2>"
        + html_table(["", ""], [[k, str(v)] for k, v in provenance]).replace(
            "<table>", '<table class="provenance">'
        )
        + "</body></html>\n"
    )
