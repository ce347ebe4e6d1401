"""The page's second tab: which of the scenario's policies is best (``compare --select best``).

The person picks policies; the baseline and those run in the background (Kim and Nelson's
fully sequential procedure, common random numbers, replications added only where needed), with
a progress bar; the answer is said as the command line's report says it.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

import sim
from sim.app.jobs import Job, best_of
from sim.i18n import _, naming, number, set_language
from sim.reporting.kinds import select as select_kind
from sim.reporting.words import policy_name

POLL_SECONDS = 0.5


def best_tab(scenario: sim.Scenario, replications: int, seed: int, store: Path) -> None:
    """Pick policies, find the best of them and the baseline, read how sure that is."""
    if not scenario.policies:
        st.info(_("This scenario has no policies: add some under policies: to compare them."))
        return
    st.markdown(
        _(
            "Which policy misses the fewest quotas? The baseline and the policies you pick meet "
            "the same simulated years; replications are added until the best is known with 95% "
            "confidence (differences under 1 point do not count)."
        )
    )
    names = list(scenario.policies)
    picked = st.multiselect(
        _("policies to compare"), names, default=names, format_func=policy_name, key="picked"
    )
    job: Job | None = st.session_state.get("best")
    left, right, _spare = st.columns([1, 1, 4])
    if left.button(
        _("Find the best"), type="primary", disabled=not picked or (job is not None and job.running)
    ):
        job = Job(best_of(scenario, picked, max(10, replications), seed), store)
        st.session_state["best"] = job
        job.start()
    stop = right.button(_("Cancel"), key="cancel-best", disabled=job is None or not job.running)
    if stop and job is not None:
        job.cancel()
    _answer()


@st.fragment(run_every=POLL_SECONDS)
def _answer() -> None:
    """The choice's progress, redrawn while it goes on; then the answer."""
    set_language(st.session_state.get("language"))  # a fragment's rerun skips the page
    job: Job | None = st.session_state.get("best")
    if job is None:
        return
    if job.running:
        text = _("running: {done} runs so far").format(done=number(job.progress.done))
        st.progress(job.share_done, text=text)
    elif job.error is not None:
        said = _("cancelled") if job.error == "cancelled" else str(job.error).splitlines()[0]
        st.warning(_("The run stopped: {reason}").format(reason=said[:300]))
    elif job.result is not None:
        selection: sim.Selection = job.result
        with naming(selection.scenario.labels):
            st.html("".join(select_kind.section(selection.document())))
