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


__all__ = ["Policies", "Policy", "PolicySpec", "available", "build_specs"]
