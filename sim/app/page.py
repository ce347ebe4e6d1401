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
from sim.app.jobs import Job
from sim.app.levers import Lever, levers_of
from sim.i18n import LANGUAGES, _, current, interval, number, percent, set_language
from sim.reporting.plots import plot_cash, plot_stock
from sim.reporting.scenario_words import describe
from sim.scenario.messages import ScenarioError
from sim.scenario.yamlio import to_yaml

_NAMES = {"en": "English", "id": "Bahasa Indonesia"}
_POLL_SECONDS = 0.5


def main() -> None:
    """Draw the page."""
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
    st.caption(" ".join(describe(scenario)))
    # Keys, so that a change of language (of the labels) keeps what was set.
    replications = st.sidebar.number_input(  # the scenario's, as the command line runs it
        _("replications"),
        10,
        2000,
        min(2000, max(10, scenario.replications)),
        step=10,
        key="replications",
    )
    seed = st.sidebar.number_input(_("seed"), 0, 2**31 - 1, scenario.seed, key="seed")
    precision = None
    if st.sidebar.toggle(_("add replications until precise"), key="precise"):
        half = st.sidebar.number_input(
            _("half-width of the miss rate's 95% CI"), 0.001, 0.2, 0.01, step=0.005, key="half"
        )
        precision = sim.Precision(float(half), max_replications=5000)
    overrides = _levers(scenario)
    _run_controls(scenario, overrides, int(replications), int(seed), precision)
    _progress_and_results()


def _scenario() -> sim.Scenario | None:
    """The scenario opened: the one the app was started with, or one uploaded."""
    uploaded = st.sidebar.file_uploader(_("Open a scenario (YAML)"), type=["yaml", "yml"])
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
    columns = st.columns(3)
    for i, lever in enumerate(levers_of(scenario)):
        with columns[i % 3]:
            overrides |= lever.overrides(_widget(lever))
    if "finance" in overrides:  # no cash limit: the fund's size no longer matters
        overrides = {k: v for k, v in overrides.items() if not k.startswith("finance.")}
    return overrides


def _widget(lever: Lever) -> Any:
    label, key = lever.label, f"lever:{lever.path}"
    if lever.kind == "switch":
        return st.toggle(label, value=bool(lever.value), key=key)
    if isinstance(lever.value, int):
        return int(st.number_input(label, lever.low, lever.high, lever.value, key=key))
    return float(
        st.number_input(label, float(lever.low), float(lever.high), float(lever.value), key=key)
    )


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
        store = st.session_state.setdefault("store", _fresh_store())
        job = Job(scenario, overrides, replications, seed, store, precision)
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
    elif job.comparison is not None:
        _results(job)


def _results(job: Job) -> None:
    """Miss rates beside the baseline's, their paired difference, stock and cash, downloads."""
    comparison = job.comparison
    assert comparison is not None  # noqa: S101 (drawn only when there are results)
    st.subheader(_("Results"))
    table = comparison.table
    rows = table[(table.kpi == "quota_miss_rate") & (table["product"] == "all")]
    cells = []
    for buyer, block in rows.groupby("buyer", sort=False):
        base = block[block.policy == "baseline"].iloc[0]
        mine = block[block.policy == "variant"].iloc[0]
        cells.append(
            {
                _("buyer"): _("all buyers") if buyer == "all" else buyer,
                _("baseline"): _interval(base["mean"], base.ci_lo, base.ci_hi),
                _("your variant"): _interval(mine["mean"], mine.ci_lo, mine.ci_hi),
                _("difference (points)"): _points(mine["diff"], mine.diff_lo, mine.diff_hi),
            }
        )
    st.markdown(
        _(
            "**Quota miss rate**, mean and 95% CI over {n} simulated years, common random numbers:"
        ).format(n=number(comparison.replications))
    )
    st.table(cells)
    variant = comparison.results["variant"]
    headline = variant.document()["quota_miss_rate"]["mean"]
    shown = f'<b id="variant-miss">{percent(headline)}</b>'
    said = _("Your variant misses {share} of shipment lines, all buyers together.")
    st.markdown(f"<p>{said.format(share=shown)}</p>", unsafe_allow_html=True)
    left, right = st.columns(2)
    left.image(_picture(job, "stock", lambda: plot_stock(variant)))
    if variant.scenario.finance is not None:
        right.image(_picture(job, "cash", lambda: plot_cash(variant)))
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
    comparison = job.comparison
    assert comparison is not None  # noqa: S101
    name = st.text_input(_("Name of this policy"), "my-policy")
    policies = {**job.baseline.policies, name: job.overrides}
    text = to_yaml(job.baseline.model_copy(update={"policies": policies}))
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

        assert job.comparison is not None  # noqa: S101
        sim.write(job.comparison.results["variant"], job.folder / "variant", overwrite=True)
        write_report(job.folder / "variant")
    return path.read_bytes()


def _interval(mean: float, low: float, high: float) -> str:
    return f"{percent(mean)} {interval(percent(low), percent(high))}"


def _points(mean: float, low: float, high: float) -> str:
    return f"{number(100 * mean, 1)} {interval(number(100 * low, 1), number(100 * high, 1))}"


main()
