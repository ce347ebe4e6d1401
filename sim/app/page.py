"""The what-if page (a Streamlit script, run top to bottom on every interaction).

A person opens a scenario, moves its main levers, runs the variant against the baseline with
common random numbers, and reads the miss rates with their intervals, the paired difference,
the stock and the cash; then downloads the variant as a policy and the report.
"""

from __future__ import annotations

import io
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st
from matplotlib.figure import Figure

import sim
from sim.app.best import best_tab
from sim.app.fields import number_field
from sim.app.jobs import Job, what_if
from sim.app.levers import Lever, levers_of
from sim.i18n import (
    LANGUAGES,
    _,
    current,
    interval,
    name,
    naming,
    number,
    percent,
    set_language,
    signed,
)
from sim.reporting.plots import plot_cash, plot_stock
from sim.reporting.scenario_words import describe
from sim.scenario.limits import MAX_FILE_BYTES
from sim.scenario.messages import ScenarioError
from sim.scenario.yamlio import to_yaml

_NAMES = {"en": "English", "id": "Bahasa Indonesia"}
_POLL_SECONDS = 0.5


def main() -> None:
    """Draw the page: the what-if tab, and the tab that finds the best policy."""
    st.set_page_config(page_title="umkm-sim", layout="wide")
    codes: list[str] = list(LANGUAGES)
    language = st.sidebar.selectbox(
        "Language / Bahasa", codes, format_func=lambda code: _NAMES[code], key="language"
    )
    set_language(language)
    st.title(_("Can the kitchens hold the quota?"))
    scenario = _scenario()
    if scenario is None:
        return
    with naming(scenario.labels):
        st.caption(" ".join(describe(scenario)))
        replications, seed, precision = _settings(scenario)
        store = st.session_state.setdefault("store", _fresh_store())
        asking, choosing = st.tabs([_("What if"), _("Which policy is best")])
        with asking:
            overrides = _levers(scenario)
            _run_controls(scenario, overrides, replications, seed, precision)
            _progress_and_results()
        with choosing:
            best_tab(scenario, replications, seed, store)


def _settings(scenario: sim.Scenario) -> tuple[int, int, sim.Precision | None]:
    """Replications (the scenario's, as the command line runs it), seed, precision target."""
    side = st.sidebar
    replications = number_field(
        _("replications"), 10, 2000, min(2000, max(10, scenario.replications)), "replications",
        where=side,
    )  # fmt: skip
    seed = number_field(_("seed"), 0, 2**31 - 1, scenario.seed, "seed", grouped=False, where=side)
    precision = None
    if side.toggle(_("add replications until precise"), key="precise"):
        half = number_field(
            _("half-width of the miss rate's 95% CI"), 0.001, 0.2, 0.01, "half", whole=False,
            where=side,
        )  # fmt: skip
        precision = sim.Precision(half, max_replications=5000)
    return int(replications), int(seed), precision


def _scenario() -> sim.Scenario | None:
    """The scenario opened: the one the app was started with, or one uploaded."""
    # Streamlit's drop zone speaks English and states its own limit: say ours instead.
    st.html("<style>[data-testid='stFileUploaderDropzoneInstructions'] {display: none}</style>")
    uploaded = st.sidebar.file_uploader(
        _("Open a scenario (YAML)"),
        type=["yaml", "yml"],
        help=_("A scenario file (.yaml), at most {size} MiB.").format(
            size=MAX_FILE_BYTES // 1024**2
        ),
    )
    try:
        if uploaded is not None:
            return sim.parse_scenario(uploaded.getvalue().decode("utf-8"), uploaded.name)
        return sim.load_scenario(_started_with())
    except (ScenarioError, UnicodeDecodeError) as exc:
        st.error(_("This scenario cannot be used:"))
        st.code(str(exc), language=None)
        return None


def _started_with() -> Path:
    """The scenario named on the command line (``streamlit run page.py -- SCENARIO``)."""
    given = sys.argv[1:]
    return Path(given[0]) if given else Path("scenarios/balikpapan.yaml")


def _levers(scenario: sim.Scenario) -> dict[str, Any]:
    """Draw a widget per lever; return the overrides where they differ from the scenario."""
    st.subheader(_("Levers"))
    overrides: dict[str, Any] = {}
    levers = levers_of(scenario)
    numbers = [lever for lever in levers if lever.kind == "number"]
    columns = st.columns(3)
    for i, lever in enumerate(numbers):
        with columns[i % 3]:
            overrides |= lever.overrides(_number(lever))
    st.markdown(_("**Mechanisms** (switch one off to see what it costs):"))
    halves = st.columns(2)  # two columns: the switches' labels are long and must not be cut
    for i, lever in enumerate(lever for lever in levers if lever.kind == "switch"):
        with halves[i % 2]:
            on = st.toggle(lever.label, value=bool(lever.value), key=f"lever:{lever.path}")
            overrides |= lever.overrides(on)
    if "finance" in overrides:  # no cash limit: the fund's size no longer matters
        overrides = {k: v for k, v in overrides.items() if not k.startswith("finance.")}
    return overrides


def _number(lever: Lever) -> Any:
    whole = isinstance(lever.value, int)
    value = number_field(
        lever.label, lever.low, lever.high, lever.value, f"lever:{lever.path}", whole=whole
    )
    return int(value) if whole else float(value)


def _run_controls(
    scenario: sim.Scenario,
    overrides: dict[str, Any],
    replications: int,
    seed: int,
    precision: sim.Precision | None,
) -> None:
    job: Job | None = st.session_state.get("job")
    left, right, _spare = st.columns([1, 1, 4])
    if left.button(_("Run"), type="primary", disabled=job is not None and job.running):
        try:
            sim.derive(scenario, overrides)  # a variant that cannot be made is said at once
        except ScenarioError as exc:
            st.error(str(exc))
            return
        work = what_if(scenario, overrides, replications, seed, precision)
        job = Job(work, st.session_state["store"], {"scenario": scenario, "overrides": overrides})
        st.session_state["job"] = job
        job.start()
    if right.button(_("Cancel"), disabled=job is None or not job.running) and job is not None:
        job.cancel()


@st.fragment(run_every=_POLL_SECONDS)
def _progress_and_results() -> None:
    """The run's progress, redrawn twice a second while it goes on; then what it gave."""
    set_language(st.session_state.get("language"))  # a fragment's rerun skips main()
    job: Job | None = st.session_state.get("job")
    if job is None:
        st.info(_("Move the levers, then press Run."))
    elif job.running:
        text = _("running: {done} of {total} runs").format(
            done=number(job.progress.done), total=number(job.progress.total)
        )
        st.progress(job.share_done, text=text)
    elif job.error is not None:
        said = str(job.error).splitlines()[0][:300] or type(job.error).__name__
        if job.error == "cancelled":
            said = _("cancelled")
        st.warning(_("The run stopped: {reason}").format(reason=said))
    elif job.result is not None:
        with naming(job.asked["scenario"].labels):
            _results(job)


def _results(job: Job) -> None:
    """Miss rates beside the baseline's, their paired difference, stock and cash, downloads."""
    comparison: sim.Comparison = job.result
    st.subheader(_("Results"))
    table = comparison.table
    rows = table[(table.kpi == "quota_miss_rate") & (table["product"] == "all")]
    change = _("change (points)")
    cells = []
    for buyer, block in rows.groupby("buyer", sort=False):
        base = block[block.policy == "baseline"].iloc[0]
        mine = block[block.policy == "variant"].iloc[0]
        cells.append(
            {
                _("buyer"): _("all buyers") if buyer == "all" else name(str(buyer)),
                _("baseline"): _interval(base["mean"], base.ci_lo, base.ci_hi),
                _("your variant"): _interval(mine["mean"], mine.ci_lo, mine.ci_hi),
                change: _points(mine["diff"], mine.diff_lo, mine.diff_hi, mine.significant),
            }
        )
    st.markdown(
        _(
            "**Quota miss rate**, mean and 95% CI over {n} simulated years, common random numbers:"
        ).format(n=number(comparison.replications))
    )
    st.table(cells)
    st.caption(
        _(
            "Change: your variant minus the baseline, in percentage points. Lower is better: "
            "below zero, your variant misses fewer shipments. * marks a change whose 95% CI "
            "excludes zero (a real change, not chance)."
        )
    )
    variant = comparison.results["variant"]
    headline = variant.document()["quota_miss_rate"]["mean"]
    shown = f'<b id="variant-miss">{percent(headline)}</b>'
    said = _("Your variant misses {share} of shipment lines, all buyers together.")
    st.markdown(f"<p>{said.format(share=shown)}</p>", unsafe_allow_html=True)
    stock, *cash = st.tabs(
        [_("Stock"), *([_("Cash")] if variant.scenario.finance is not None else [])]
    )
    stock.image(_picture(job, "stock", lambda: plot_stock(variant)), width="stretch")
    for tab in cash:
        tab.image(_picture(job, "cash", lambda: plot_cash(variant)), width="stretch")
    _downloads(job)


def _fresh_store() -> Path:
    """A run store for this page's runs (kept while the app runs)."""
    return Path(tempfile.mkdtemp(prefix="umkm-app-store-")) / "runs.sqlite"


def _picture(job: Job, name: str, draw: Callable[[], Figure]) -> bytes:
    """A figure as PNG, drawn once per run and language (the page is redrawn twice a second)."""
    key = (name, current())
    if key not in job.pictures:
        buffer = io.BytesIO()
        draw().savefig(buffer, format="png", dpi=110)
        job.pictures[key] = buffer.getvalue()
    return job.pictures[key]


def _downloads(job: Job) -> None:
    baseline = job.asked["scenario"]
    called = st.text_input(_("Name of this policy"), "my-policy")
    policies = {**baseline.policies, called: job.asked["overrides"]}
    text = to_yaml(baseline.model_copy(update={"policies": policies}))
    st.download_button(
        _("Download the scenario with this policy (YAML)"),
        text,
        file_name="scenario-with-policy.yaml",
        mime="application/x-yaml",
    )
    report = _report(job)
    st.download_button(
        _("Download the report (HTML)"), report, file_name="report.html", mime="text/html"
    )


def _report(job: Job) -> bytes:
    """The variant's report, written once per run."""
    path = job.folder / "variant" / "report.html"
    if not path.exists():
        from sim.reporting.html import write_report  # noqa: PLC0415

        sim.write(job.result.results["variant"], job.folder / "variant", overwrite=True)
        write_report(job.folder / "variant")
    return path.read_bytes()


def _interval(mean: float, low: float, high: float) -> str:
    return f"{percent(mean)} {interval(percent(low), percent(high))}"


def _points(mean: float, low: float, high: float, significant: bool) -> str:
    ends = interval(signed(100 * low, 1), signed(100 * high, 1))
    return f"{signed(100 * mean, 1)} {ends}" + (" *" if significant else "")


main()
