"""The web app as a person uses it: Debian's Chromium, headless, driven by Playwright."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("streamlit", reason="the app extra: pip install 'umkm-sim[app]'")
from playwright.sync_api import Page, expect, sync_playwright
from test_browser import CHROMIUM

import sim
from sim.app import command, free_port
from sim.i18n import percent, speaking

from conftest import ROOT

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason="Chromium is not installed (apt-get install chromium); CI installs it",
)
SCENARIO = ROOT / "scenarios" / "balikpapan.yaml"
REPLICATIONS = 12
STARTUP_SECONDS = 60
RUN_MS = 180_000


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    """The app, served on a free loopback port for the module's tests."""
    port = free_port()
    server = subprocess.Popen(
        command(SCENARIO, port), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):  # noqa: S310
                break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("the app did not start")
            time.sleep(0.5)
    yield url
    server.terminate()
    server.wait(timeout=20)


def _set_number(page: Page, label: str, value: int) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Enter")


CUT_OFF = """() => [...document.querySelectorAll(
    '[data-testid="stWidgetLabel"] p, [data-testid="stTab"] p, button p'
)].filter(e => e.offsetWidth > 0 && e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""
"""The labels, tab names and button texts that do not fit their box (cut or ellipsised)."""


def _the_best_policy_is_found(page: Page) -> None:
    """The second tab: the baseline against one policy, KN, with a progress bar; its answer."""
    page.get_by_role("tab", name="Which policy is best").click()
    page.wait_for_timeout(2000)  # let the tab draw
    for policy in sim.load_scenario(SCENARIO).policies:  # every policy is picked at first
        if policy != "buyers-full-ask":
            page.get_by_label(f"Remove {policy}").click()
            expect(page.get_by_label(f"Remove {policy}")).to_have_count(0)
    page.wait_for_timeout(1000)  # let the page take the choice
    page.get_by_role("button", name="Find the best").click()
    expect(page.get_by_text("is best with 95% confidence")).to_be_visible(timeout=RUN_MS)
    expect(page.get_by_role("cell", name="buyers-full-ask")).to_be_visible()


def test_a_what_if_run_shows_what_sim_run_gives_and_speaks_indonesian(app_url, tmp_path):
    """Open, move a lever, run, read the miss rate, download the report, switch language."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1300, "height": 1600}, accept_downloads=True)
        page.goto(app_url)
        expect(page.get_by_text("Can the kitchens hold the quota?")).to_be_visible(timeout=60_000)
        _set_number(page, "replications", REPLICATIONS)
        _set_number(page, "kitchens in peyek-makers", 12)
        page.wait_for_timeout(1000)  # let the page take the new values
        page.get_by_role("button", name="Run").click()
        shown = page.locator("#variant-miss")
        expect(shown).to_be_visible(timeout=RUN_MS)
        variant = sim.derive(sim.load_scenario(SCENARIO), {"kitchens.peyek-makers.count": 12})
        expected = sim.run(variant, replications=REPLICATIONS, seed=1, workers=1)
        with speaking("en"):
            assert shown.inner_text() == percent(expected.document()["quota_miss_rate"]["mean"])
        page.screenshot(path=tmp_path / "app-en.png", full_page=True)
        assert page.evaluate(CUT_OFF) == []
        _the_best_policy_is_found(page)
        page.get_by_role("tab", name="What if").click()
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the report (HTML)").click()
        report = tmp_path / "report.html"
        download.value.save_as(report)
        assert "<html" in report.read_text(encoding="utf-8")
        page.get_by_label("Language / Bahasa").click()
        page.get_by_role("option", name="Bahasa Indonesia").click()
        expect(page.get_by_text("Sanggupkah dapur-dapur memenuhi kuota?")).to_be_visible(
            timeout=30_000
        )
        expect(page.locator("#variant-miss")).to_be_visible(timeout=30_000)
        expect(page.get_by_role("button", name="Unduh laporan (HTML)")).to_be_visible(
            timeout=30_000
        )
        with speaking("id"):
            assert page.locator("#variant-miss").inner_text() == percent(
                expected.document()["quota_miss_rate"]["mean"]
            )
        # Numbers in the reader's marks, names by the scenario's labels, the value kept.
        expect(page.get_by_label("dana bergulir (Rp)", exact=True)).to_have_value("2.000.000.000")
        expect(page.get_by_label("jumlah dapur pembuat peyek", exact=True)).to_have_value("12")
        page.screenshot(path=tmp_path / "app-id.png", full_page=True)
        assert page.evaluate(CUT_OFF) == []
        if os.environ.get("UMKM_SCREENSHOTS"):  # refresh the README's pictures
            for name in ("app-en.png", "app-id.png"):
                (ROOT / "docs" / name).write_bytes((tmp_path / name).read_bytes())
        browser.close()
