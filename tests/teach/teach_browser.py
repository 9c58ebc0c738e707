"""Driving the teaching page in Debian's Chromium with Playwright (no browser download: /usr/bin/chromium).

Shared by the end-to-end test and the README screenshot (readme_shot.py). The page is Mesa's
SolaraViz: Vuetify selects and buttons in the sidebar, the page's panels in the main area, marked with
the classes ``teach-day``, ``teach-phase`` and ``teach-line``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# as root, in a sandbox with no network but the package registries (see the test's set-up)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
START_TIMEOUT_S = 180  # the first start fetches the front-end assets from npm (about 15 MB)
VIEWPORT = {"width": 1500, "height": 1000}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def teach_command() -> list[str]:
    exe = Path(sys.executable).with_name("commsim-teach")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "sim.teach.serve"]


@contextmanager
def serving(*args: str, log: Path | None = None):
    """Run commsim-teach on a free port until the page answers; yields (url, seconds to answer)."""
    port = free_port()
    out = open(log, "w") if log else subprocess.DEVNULL
    start = time.monotonic()
    proc = subprocess.Popen([*teach_command(), "--port", str(port), *args], stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if proc.poll() is not None:
                said = log.read_text().strip().splitlines()[-1:] if log else []
                raise RuntimeError(f"commsim-teach exited with status {proc.returncode}"
                                   + (f": {said[0]}" if said else "") + (f" (log: {log})" if log else ""))
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except OSError:
                if time.monotonic() - start > START_TIMEOUT_S:
                    raise RuntimeError(f"commsim-teach did not answer within {START_TIMEOUT_S} s") from None
                time.sleep(0.2)
        yield url, time.monotonic() - start
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        if log:
            out.close()


@contextmanager
def browser_page():
    """A fresh headless Chromium page (its own empty profile)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="teach-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                       headless=True, viewport=VIEWPORT)
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def day(page) -> int:
    """The day counter (-1 before the first step)."""
    m = re.search(r"day (\d+)", page.inner_text(".teach-day"))
    return int(m.group(1)) if m else -1


def choose(page, label: str, value: str) -> None:
    """Pick ``value`` in the sidebar select labelled ``label``."""
    field = page.locator(".v-select").filter(has=page.locator("label", has_text=re.compile(f"^{re.escape(label)}$")))
    field.click()
    page.locator(".menuable__content__active .v-list-item", has_text=re.compile(f"^{re.escape(value)}$")).click()
    page.keyboard.press("Escape")


def press(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def wait_day(page, at_least: int, timeout_s: float = 60) -> int:
    page.wait_for_function(f"() => {{ const m = /day (\\d+)/.exec(document.querySelector('.teach-day').innerText);"
                           f" return m && parseInt(m[1]) >= {at_least}; }}", timeout=timeout_s * 1000)
    return day(page)


def chromium_available() -> str | None:
    """None if Chromium and Playwright are ready, else why not."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not found"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


def install_chromium() -> str | None:
    """Install Debian's chromium (and a CJK font for the page's Chinese terms) with apt-get when missing;
    returns why it could not, or None."""
    if Path(CHROMIUM).exists():
        return None
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        return "Debian's chromium is missing and cannot be installed here (needs apt-get as root)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in ([apt, "update"], [apt, "install", "-y", "--no-install-recommends", "chromium", "fonts-wqy-microhei"]):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            return f"{' '.join(cmd[1:3])} failed: {(done.stderr.strip().splitlines() or ['no message'])[-1]}"
    return None
