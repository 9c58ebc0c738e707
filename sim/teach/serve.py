"""commsim-teach: start the teaching page on this machine and print its address.

    commsim-teach                          # http://127.0.0.1:8765
    commsim-teach --port 9000 --scenario p8_evaporation --people 800

The page's front-end assets are fetched from the npm registry on the first start (sim/teach/assets.py)
and served locally from then on, so the page needs no internet. A wrong scenario, a port in use or
assets that cannot be fetched stop it with one line (exit status 2).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import warnings

DEFAULT_PORT = 8765  # solara's default


def _fail(message: str) -> None:
    print(f"commsim-teach: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def port_error(host: str, port: int) -> str | None:
    """Why the server could not listen on (host, port), or None if it can."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as err:
        return f"unknown host {host!r} ({err.strerror})"
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            s.bind(address)
        except OSError as err:
            if err.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
                return f"port {port} on {host} is in use; choose another with --port"
            return f"cannot listen on {host}:{port} ({err.strerror})"
    return None


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="commsim-teach", description="Start the teaching page (a local web page).")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine "
                                                             "only; 0.0.0.0 lets the class's devices connect)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("--scenario", default="default", help="the scenario shown first (scenarios/<name>.yaml)")
    parser.add_argument("--people", type=int, default=0,
                        help="people on the social graph (0: as the scenario); fewer play faster")
    parser.add_argument("--prepare", action="store_true", help="fetch the front-end assets if missing, then exit")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    from .levers import scenario_names  # light: reads the scenarios folder

    if args.scenario not in scenario_names():
        _fail(f"unknown scenario {args.scenario!r}; choose one of {', '.join(scenario_names())}")
    if args.people < 0:
        _fail(f"--people must be >= 0, got {args.people}")
    if not 0 < args.port < 65536:
        _fail(f"--port must be 1-65535, got {args.port}")
    if not args.prepare and (problem := port_error(args.host, args.port)):
        _fail(problem)
    from . import assets

    cache = assets.cache_dir()
    os.environ["SOLARA_ASSETS_PROXY_CACHE_DIR"] = str(cache)  # before solara reads its settings
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "false"  # no calls home
    os.environ["MPLBACKEND"] = "Agg"
    from .app import PEOPLE_ENV, SCENARIO_ENV

    os.environ[SCENARIO_ENV], os.environ[PEOPLE_ENV] = args.scenario, str(args.people)
    try:
        if assets.missing(cache, assets.needed()):
            print(f"commsim-teach: fetching the page's front-end assets once, from npm, into {cache}", flush=True)
            assets.ensure(cache)
    except assets.AssetError as err:
        _fail(f"cannot fetch the page's front-end assets: {err}")
    if args.prepare:
        print(f"commsim-teach: front-end assets ready in {cache}")
        return
    from solara.__main__ import cli

    from . import app, levers

    levers.scenario_config(args.scenario)  # compose once now, so the first page appears sooner
    del app  # imported now for the same reason: the server runs the page in this process

    # solara warns on every page load over plain http to an address other than "localhost"
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")

    everywhere = args.host in ("0.0.0.0", "::")
    shown = "127.0.0.1" if everywhere else f"[{args.host}]" if ":" in args.host else args.host
    print(f"commsim-teach: the teaching page is at http://{shown}:{args.port}"
          + (" (and at this machine's address on the network)" if everywhere else "") + "; Ctrl+C stops it", flush=True)
    cli(["run", "sim.teach.app", "--host", args.host, "--port", str(args.port), "--production", "--no-open",
         "--no-check-version", "--log-level", "warning"], standalone_mode=True)


if __name__ == "__main__":
    main()
