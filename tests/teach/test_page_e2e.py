"""The teaching page end to end, in a real headless browser (Debian's chromium, driven by Playwright).

It starts ``commsim-teach`` on a free port, loads the page, picks a scenario and a strategy B, resets,
steps and plays, and checks that the day counter advances, the lifecycle chart changes, the phase is
named and the commentary speaks. A screenshot is kept as a test artifact (``COMMSIM_TEST_ARTIFACTS``,
default tests/artifacts/). The page loads no internet asset: the machine has no internet.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import teach_browser as browser
from sim.detect import PHASES

ARTIFACTS = Path(os.environ.get("COMMSIM_TEST_ARTIFACTS", Path(__file__).resolve().parents[1] / "artifacts"))
PEOPLE = 300  # a small world: a frame is quick
PHASE_WORDS = tuple(p.replace("_", " ") for p in PHASES)


@pytest.fixture(scope="module")
def chromium():
    problem = browser.install_chromium() or browser.chromium_available()
    if problem:
        pytest.skip(f"no browser for the page test: {problem}")


def chart(page) -> str:
    return page.locator(".teach-lifecycle img").get_attribute("src")


def test_the_page_plays_a_scenario_and_names_its_phase(chromium):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    outside = []
    with browser.serving("--people", str(PEOPLE), log=ARTIFACTS / "teach-server.log") as (url, seconds):
        (ARTIFACTS / "teach-start-seconds.txt").write_text(f"{seconds:.2f}\n")
        with browser.browser_page() as page:
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((url, "data:", "blob:"))
                    else None)
            page.goto(url)
            page.wait_for_selector(".teach-day", timeout=60_000)
            assert browser.day(page) == -1  # nothing has happened yet
            assert page.inner_text(".teach-phase").startswith("germination")

            browser.choose(page, "Scenario", "p8_evaporation")
            browser.choose(page, "Side by side: strategy B", "no policy")
            browser.press(page, "Reset")
            page.wait_for_function("document.querySelector('.teach-lifecycle').innerText.includes('p8 evaporation')",
                                   timeout=30_000)
            before = chart(page)

            browser.press(page, "Step")  # one frame: a week
            assert browser.wait_day(page, 6, timeout_s=30) == 6
            stepped = chart(page)
            assert stepped != before

            browser.press(page, "▶")
            browser.wait_day(page, 60, timeout_s=120)
            browser.press(page, "❚❚")
            page.wait_for_timeout(1_500)  # the last frame drawn
            assert browser.day(page) >= 60
            assert chart(page) != stepped
            phase = page.inner_text(".teach-phase")
            assert phase.startswith(PHASE_WORDS) and phase != "germination (萌芽期)"
            assert page.locator(".teach-line").count() >= 1
            assert page.inner_text(".teach-now-b").startswith("B: no policy: members ")
            page.screenshot(path=str(ARTIFACTS / "teach.png"), full_page=True)
    assert outside == []  # every asset came from the page's own server
