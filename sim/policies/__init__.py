"""Operators' levers as plug-ins: one module per policy here, one YAML file per policy in conf/policy/.

See ``sim.policies.base`` for the protocol (hooks, order, organizer time, event rows).
"""

from __future__ import annotations

from pathlib import Path

from .base import Policies, Policy, PolicySpec, build_specs

CONF_POLICY_DIR = Path(__file__).resolve().parents[2] / "conf" / "policy"


def available() -> list[str]:
    """Names of the policies that ``policy=[...]`` can select (the YAML files in conf/policy/)."""
    return sorted(p.stem for p in CONF_POLICY_DIR.glob("*.yaml"))


def spec(name: str, **params) -> PolicySpec:
    """A validated PolicySpec from ``conf/policy/<name>.yaml`` with ``params`` overriding its values.

    For notebooks and tests: ``Config(policy=(spec("red_packet", slot="noon"),))``.
    """
    import yaml

    path = CONF_POLICY_DIR / f"{name}.yaml"
    if not path.is_file():
        from ..config import ConfigError

        raise ConfigError(f"policy.{name}", f"unknown policy; available: {', '.join(available())}")
    node = dict(yaml.safe_load(path.read_text())[name])
    node.update(params)
    return build_specs({name: node})[0]


__all__ = ["Policies", "Policy", "PolicySpec", "available", "build_specs", "spec"]
