"""The report in a real browser: Debian's Chromium, headless, driven by Playwright."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from conftest import ROOT, cli

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# In CI the browser is installed by .ci/run, and a missing one must fail, not skip.
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason="Chromium is not installed (apt-get install chromium); CI installs it",
)


def test_report_renders_without_errors_and_every_image_loads(tmp_path):
    """No console errors, no page errors, every image decoded; a screenshot is taken."""
    out = tmp_path / "run"
    args = ("run", ROOT / "scenarios" / "balikpapan.yaml", "--replications", "3")
    done = cli(*args, "--out", out, "--report", "--quiet")
    assert done.returncode == 0, done.stderr
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",  # CI runs as root
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
        page.goto((out / "report.html").as_uri())
        widths = page.evaluate("Array.from(document.images).map(i => i.complete && i.naturalWidth)")
        heading = page.inner_text("h1")
        page.screenshot(path=tmp_path / "report.png", full_page=True)
        browser.close()
    assert errors == []
    assert len(widths) == 5
    assert all(w and w > 100 for w in widths), widths
    assert "balikpapan-baseline" in heading
    assert (tmp_path / "report.png").stat().st_size > 50_000
