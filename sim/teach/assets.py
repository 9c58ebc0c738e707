"""The page's front-end assets, served from a local cache so the page works with no internet.

Solara's server passes the browser's requests for front-end packages (``/_solara/cdn/NAME@VERSION/...``)
to a public CDN and keeps what it fetched in ``SOLARA_ASSETS_PROXY_CACHE_DIR``; a file already there is
served as is. The packages the page loads are named, with exact versions, in solara's page template
and in its grid-layout widget (the panels' grid); each is fetched once from the npm registry with
``npm pack`` and unpacked to ``<cache>/NAME@VERSION/``, the layout the server looks in.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

# files of the solara package that name the packages the page loads: the page template and the
# grid that lays out Mesa's panels (GridDraggable)
SOURCES = ("server/templates/solara.html.j2", "widgets/vue/gridlayout.vue")
SPEC = re.compile(r"(?:\{\{\s*cdn\s*\}\}|\$\{this\.getCdn\(\)\})/((?:@[\w.-]+/)?[\w.-]+)@(\d[\w.+-]*)/")
NPM_TIMEOUT_S = 300  # the largest package (solara's app bundle) is about 15 MB
STALE_FETCH_S = 3600  # a fetch directory this old belongs to no running fetch
# one quick retry, so an unreachable registry is reported in seconds, not after npm's minutes of backoff
NPM_RETRY = ("--fetch-retries=1", "--fetch-retry-mintimeout=2000", "--fetch-retry-maxtimeout=5000")


class AssetError(RuntimeError):
    """The assets could not be fetched; the message says why in one line."""


def cache_dir() -> Path:
    """Where the cache lives: SOLARA_ASSETS_PROXY_CACHE_DIR if set, else solara's default in this environment."""
    env = os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR")
    return Path(env) if env else Path(sys.prefix) / "share" / "solara" / "cdn"


def needed() -> list[str]:
    """The packages the page loads, as NAME@VERSION (from solara's installed files)."""
    import solara

    root = Path(solara.__file__).parent
    vue3 = version("ipyvue").startswith("3")
    specs = set()
    for source in SOURCES:
        for name, ver in SPEC.findall((root / source).read_text(encoding="utf-8")):
            if ("vuetify3" in name) == vue3 or "vuetify" not in name:  # the template names both app bundles
                specs.add(f"{name}@{ver}")
    from solara.server import settings

    fontawesome = settings.assets.fontawesome_path.strip("/").split("/")[0]  # e.g. font-awesome@4.5.0
    if settings.assets.fontawesome_enabled and "@" in fontawesome:
        specs.add(fontawesome)
    return sorted(specs)


def missing(cache: Path, specs: list[str]) -> list[str]:
    """The packages not yet unpacked in ``cache``."""
    return [s for s in specs if not (cache / s / "package.json").is_file()]


def fill(cache: Path, specs: list[str]) -> None:
    """Fetch ``specs`` with ``npm pack`` and unpack each to ``cache/NAME@VERSION`` (whole or not at all)."""
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError("npm not found; it is needed once to fetch the page's front-end assets "
                         "(Debian: apt-get install -y npm)")
    cache.mkdir(parents=True, exist_ok=True)
    for stale in cache.glob(".fetch-*"):  # left by a fetch that was killed; a running one is younger
        if time.time() - stale.stat().st_mtime > STALE_FETCH_S:
            shutil.rmtree(stale, ignore_errors=True)
    with tempfile.TemporaryDirectory(dir=cache, prefix=".fetch-") as tmp:
        try:
            out = subprocess.run([npm, "pack", *specs, "--json", "--pack-destination", tmp, *NPM_RETRY], cwd=tmp,
                                 capture_output=True, text=True, timeout=NPM_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise AssetError(f"npm pack timed out after {NPM_TIMEOUT_S} s fetching {', '.join(specs)}") from None
        if out.returncode != 0:
            raise AssetError(f"npm pack failed for {', '.join(specs)}: {npm_reason(out.stderr)}")
        for packed in json.loads(out.stdout):
            target = cache / f"{packed['name']}@{packed['version']}"
            staging = Path(tmp) / f"unpacked-{packed['name'].replace('/', '_')}"
            with tarfile.open(Path(tmp) / packed["filename"]) as tar:
                tar.extractall(staging, filter="data")
            if target.exists():
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            (staging / "package").rename(target)


def npm_reason(stderr: str) -> str:
    """The line of npm's error output that says why (a 'reason:' line, else its first error line)."""
    lines = [line.strip() for line in stderr.splitlines()
             if line.startswith("npm error") and "complete log" not in line]
    return next((line for line in lines if "reason:" in line), lines[0] if lines else "no message")


def ensure(cache: Path | None = None) -> list[str]:
    """Fill the cache with whatever is missing; returns what was fetched (empty when complete)."""
    cache = cache or cache_dir()
    todo = missing(cache, needed())
    if todo:
        fill(cache, todo)
    return todo


__all__ = ["AssetError", "cache_dir", "ensure", "needed"]
