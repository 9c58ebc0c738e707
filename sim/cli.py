"""Command line: ``commsim [scenario=NAME] [key=value ...]`` runs one simulation (a Hydra app).

Config errors (unknown key, wrong type, out-of-range value, missing or malformed graph file) are
reported as one line on stderr with exit status 2, before anything is written.
"""

from __future__ import annotations

import logging
import sys

from . import sweep  # registers the job-directory resolver before Hydra composes
from .api import CONF_DIR, compose, register, run, to_config
from .config import ConfigError
from .graph import GraphFileError

log = logging.getLogger("commsim")


def _one_line(err: BaseException) -> str:
    """Condense an exception (Hydra's are multi-line) to one line, with its cause (e.g. why a merge failed)."""
    lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
    cause = err.__cause__
    if cause is not None and str(cause).strip() and str(cause).strip() not in str(err):
        lines += [ln.strip() for ln in str(cause).splitlines() if ln.strip()]
    if "Config search path:" in lines:  # Hydra's search path listing after "Could not find ..."
        lines = lines[:lines.index("Config search path:")]
    keep = [ln for ln in lines if not ln.startswith(("object_type=", "reference_type=", "Set the environment",
                                                     "To append to your config use"))]
    text = "; ".join(keep) or type(err).__name__
    return text.replace("full_key: ", "key: ")


def fail(message: str, code: int = 2) -> None:
    message = "; ".join(ln.strip() for ln in str(message).splitlines() if ln.strip())
    print(f"commsim: error: {message}", file=sys.stderr)
    sys.exit(code)


def _policy_hint(message: str) -> str | None:
    """A clearer line for the two common policy mistakes: an unknown policy, or one not selected."""
    import re

    from .policies import available

    unknown = re.search(r"Could not load 'policy/([^']+)'", message)
    if unknown:
        return (f"policy: unknown policy {unknown.group(1)!r}; available: {', '.join(available())} "
                f"(conf/policy/)")
    missing = re.search(r"Could not override 'policy\.([A-Za-z0-9_]+)", message)
    if missing and f"Key '{missing.group(1)}' is not in struct" in message:
        name = missing.group(1)
        if name not in available():
            return f"policy.{name}: unknown policy; available: {', '.join(available())}"
        return f"policy.{name}: this policy is not selected; add policy=[{name}] (or list it with the others)"
    return None


def check(overrides: list[str]) -> None:
    """Compose and validate the config the way the run will, failing with one line."""
    from pathlib import Path

    try:
        config = to_config(compose(overrides=overrides))
    except ConfigError as err:
        fail(str(err))
    except Exception as err:  # Hydra/OmegaConf composition errors: unknown key, wrong type, bad override
        fail(_policy_hint(_one_line(err)) or _one_line(err) + " (see `commsim --help` and conf/ for valid keys)")
    if config.graph.kind == "file":  # read it now, so a bad file fails before Hydra creates the run directory
        from .graph import load

        try:
            graph = load(Path(config.graph.path), config.graph)
        except GraphFileError as err:
            fail(str(err))
        if graph.n < config.groups.count:
            fail(f"groups.count: {config.groups.count} groups need {config.groups.count} owners but "
                 f"{config.graph.path} has {graph.n} people")


def headline(result, path) -> str:
    h, g0 = result.headline, next(iter(result.summary["groups"].values()))
    exits = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in g0["exits_by_reason"].items() if v)
    life = h["lifetime_days"]
    life_text = (f"{life} days (then the weekly active share stayed below "
                 f"{100 * result.config.lifecycle.dormant_active_share:.0f} %)" if life < result.config.days
                 else f"still active after {result.config.days} days")
    rows = [
        ("scenario", f"{result.config.scenario.name} (seed {result.config.seed}, {result.config.days} days, "
                     f"{h['groups']} group{'s' if h['groups'] > 1 else ''}, "
                     f"{result.summary['graph']['people']} people)"),
        ("peak members", f"{h['peak_members']} on day {h['peak_day']}"),
        ("members at end", f"{h['final_members']}"),
        ("peak active share", f"{100 * h['peak_active_share']:.1f} % (spoke within a week)"),
        ("lifetime", life_text),
        ("ever joined / left", f"{h['ever_joined']} / {h['left']}" + (f" ({exits})" if exits else "")),
        ("phases (from day)", " -> ".join(f"{s['phase'].replace('_', ' ')} {s['start']}" for s in g0.get("phases", []))
                              or "-"),
        ("failures detected", ", ".join(f"{f.replace('_', ' ')} (day {v['first_day']})" for f, v in
                                        sorted(g0.get("failures", {}).items(), key=lambda kv: kv[1]["first_day"] or 0)
                                        if v["detected"]) or "none"),
        ("run directory", str(path)),
    ]
    return "\n".join(f"  {k:<20}{v}" for k, v in rows)


def _task(cfg) -> None:
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    hydra_cfg = HydraConfig.get()
    if hydra_cfg.mode == RunMode.MULTIRUN:  # a sweep's job: resumable, failures recorded (sim/sweep.py)
        sweep.run_job(cfg, hydra_cfg.runtime.output_dir, list(hydra_cfg.overrides.task))
        return
    try:
        config = to_config(cfg)
        out = HydraConfig.get().runtime.output_dir
        result = run(config, progress=config.output.progress and sys.stderr.isatty())
        result.save(out)
    except (ConfigError, GraphFileError) as err:
        fail(str(err))
    print(headline(result, out))


def main() -> None:
    """Entry point of ``commsim``: validate first (one-line errors), then hand over to Hydra."""
    import hydra

    register()
    args = sys.argv[1:]
    if not any(a.startswith("-") for a in args):
        check(args)  # hydra.* overrides too: a bad one is a one-line error like any other
    app = hydra.main(config_path=str(CONF_DIR), config_name="config", version_base="1.3")(_task)
    app()


if __name__ == "__main__":
    main()
