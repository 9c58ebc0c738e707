"""Make docs/img/teach.png, the README's picture of the teaching page.

    .venv/bin/python tests/teach/readme_shot.py [--out docs/img/teach.png] [--day 300]

The default group with check-ins on the deposit rule set, side by side with no policy, played to a day
of its active life, in the same headless Chromium as the end-to-end test.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import teach_browser as browser

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "teach.png")
    parser.add_argument("--day", type=int, default=300, help="play until this day")
    args = parser.parse_args()
    problem = browser.install_chromium() or browser.chromium_available()
    if problem:
        sys.exit(f"readme_shot: {problem}")
    with browser.serving() as (url, _), browser.browser_page() as page:
        page.goto(url)
        page.wait_for_selector(".teach-day", timeout=60_000)
        browser.choose(page, "Check-in rule set (none: as the scenario)", "deposit")
        browser.choose(page, "Side by side: strategy B", "no policy")
        browser.press(page, "Reset")
        page.wait_for_function("document.querySelector('.teach-settings').innerText.includes('deposit')",
                               timeout=30_000)
        browser.press(page, "▶")
        browser.wait_day(page, args.day, timeout_s=600)
        browser.press(page, "❚❚")
        page.wait_for_timeout(2_000)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.out))
    print(f"readme_shot: wrote {args.out}")


if __name__ == "__main__":
    main()
