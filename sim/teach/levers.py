"""The page's levers and uncertainties, turned into a validated Config.

A lever at its "none" value leaves the scenario as it is (a red packet of 0 yuan adds no packets;
a scenario that already sends them keeps its own); any other value selects the policy and sets its
parameter, on top of the scenario's own policies. Uncertainties (tier shares, expectations) replace
the scenario's values. Strategy B of the side-by-side mode is the same world (scenario, seed,
uncertainties, people) under other levers: the scenario alone, or no policy at all.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ..api import PROJECT_DIR, compose, to_config
from ..config import SLOTS, Config, ConfigError

CHECK_IN_RULES = ("none", "deposit", "elimination", "supervision", "incentive", "iteration")  # DOMAIN.md
REPLICATION_TIMINGS = ("none", "size", "phase", "tie_density", "team_capacity", "day")  # sim/policies/replication.py
# strategy B of the side-by-side mode
COMPARE = ("off", "scenario alone", "no policy")


def scenario_names() -> list[str]:
    """The presets in scenarios/, default first."""
    names = sorted(p.stem for p in (PROJECT_DIR / "scenarios").glob("*.yaml"))
    return sorted(names, key=lambda n: n != "default")


@dataclass(frozen=True)
class Levers:
    """The operator's choices on the page (units in names; 0 or "none": as the scenario has it)."""

    red_packet_slot: str = "noon"
    red_packet_yuan: float = 0.0
    check_in_rule: str = "none"
    eviction_inactive_days: int = 0  # members silent this many days are removed weekly
    entry_fee_yuan: float = 0.0
    replication: str = "none"  # when a ready group is cloned

    def __post_init__(self) -> None:
        for name, choices in (("red_packet_slot", SLOTS), ("check_in_rule", CHECK_IN_RULES),
                              ("replication", REPLICATION_TIMINGS)):
            if getattr(self, name) not in choices:
                raise ConfigError(name, f"must be one of {', '.join(choices)}; got {getattr(self, name)!r}")
        for name in ("red_packet_yuan", "eviction_inactive_days", "entry_fee_yuan"):
            if getattr(self, name) < 0:
                raise ConfigError(name, f"must be >= 0, got {getattr(self, name)}")

    def policies(self) -> dict[str, dict]:
        """The policies these levers select, each with the parameters they set."""
        out: dict[str, dict] = {}
        if self.red_packet_yuan > 0:
            out["red_packet"] = {"amount_yuan": float(self.red_packet_yuan), "slot": self.red_packet_slot}
        if self.check_in_rule != "none":
            out["check_in"] = {"rule_set": self.check_in_rule}
        if self.eviction_inactive_days > 0:
            out["eviction"] = {"inactive_days": int(self.eviction_inactive_days)}
        if self.entry_fee_yuan > 0:
            out["entry_threshold"] = {"kind": "fee", "fee_yuan": float(self.entry_fee_yuan)}
        if self.replication != "none":
            out["replication"] = {"when": self.replication}
        return out


@dataclass(frozen=True)
class World:
    """What the operator does not choose: the scenario, the seed and the uncertain traits of people."""

    scenario: str = "default"
    seed: int = 0
    high_share: float = 0.1  # share of high-potential people (PopulationConfig.tier_shares[0])
    mid_share: float = 0.3  # share of mid-potential people; low-potential are the rest
    expectation_factor: float = 1.0  # x the scenario's expected value by tier (P8: high expect more)
    people: int = 0  # people on the graph; 0: as the scenario

    def tier_shares(self) -> tuple[float, float, float]:
        """(high, mid, low), mid cut so the three sum to 1."""
        high = min(max(float(self.high_share), 0.0), 1.0)
        mid = min(max(float(self.mid_share), 0.0), 1.0 - high)
        return round(high, 6), round(mid, 6), round(1.0 - high - mid, 6)


@functools.lru_cache(maxsize=32)
def scenario_config(name: str) -> Config:
    """The preset as composed (cached: the page composes it on every reset)."""
    if name not in scenario_names():
        raise ConfigError("scenario", f"unknown scenario {name!r}; choose one of {', '.join(scenario_names())}")
    return to_config(compose(name))


def _value(v) -> str:
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(_value(x) for x in v) + "]"
    return str(v).lower() if isinstance(v, bool) else str(v)


def overrides(world: World, levers: Levers | None) -> list[str]:
    """Hydra overrides for the world and the levers (``None``: no lever at all)."""
    base = scenario_config(world.scenario)
    out = [f"seed={int(world.seed)}"]
    shares = world.tier_shares()
    if shares != tuple(round(s, 6) for s in base.population.tier_shares):
        out.append(f"population.tier_shares={_value(shares)}")
    if world.expectation_factor != 1.0:
        scaled = [round(min(1.0, e * world.expectation_factor), 4) for e in base.population.expectation_by_tier]
        out.append(f"population.expectation_by_tier={_value(scaled)}")
    if world.people:
        needed = base.groups.count * (base.groups.seed_users + 1) + 1  # Config: founders and seed users fit
        out.append(f"population.size={max(int(world.people), needed)}")
    chosen = levers.policies() if levers is not None else {}
    if chosen:
        names = sorted({spec.name for spec in base.policy} | set(chosen))
        out.append(f"policy={_value(names)}")
        out += [f"policy.{name}.{key}={_value(v)}" for name, params in chosen.items() for key, v in params.items()]
    return out


def build_config(world: World, levers: Levers | None, no_policy: bool = False) -> Config:
    """The validated Config of the world under the levers; ``no_policy``: every policy removed."""
    cfg = compose(world.scenario, overrides(world, levers))  # overrides() has checked the name
    if no_policy:
        cfg.policy = {}
    return to_config(cfg)


def strategy_b(world: World, compare: str) -> Config | None:
    """The config of strategy B (``COMPARE``): None when off."""
    if compare not in COMPARE:
        raise ConfigError("compare", f"must be one of {', '.join(COMPARE)}; got {compare!r}")
    if compare == "off":
        return None
    return build_config(world, None, no_policy=compare == "no policy")


def describe(levers: Levers) -> str:
    """The levers in a few words, e.g. 'red packet 20 yuan at noon, eviction after 60 silent days'."""
    words = []
    chosen = levers.policies()
    if "red_packet" in chosen:
        words.append(f"red packet {levers.red_packet_yuan:g} yuan at {levers.red_packet_slot.replace('_', ' ')}")
    if "check_in" in chosen:
        words.append(f"check-ins ({levers.check_in_rule})")
    if "eviction" in chosen:
        words.append(f"eviction after {levers.eviction_inactive_days} silent days")
    if "entry_threshold" in chosen:
        words.append(f"entry fee {levers.entry_fee_yuan:g} yuan")
    if "replication" in chosen:
        words.append(f"replication by {levers.replication.replace('_', ' ')}")
    return ", ".join(words) if words else "no lever"


__all__ = ["CHECK_IN_RULES", "COMPARE", "Levers", "REPLICATION_TIMINGS", "World", "build_config",
           "describe", "overrides", "scenario_config", "scenario_names", "strategy_b"]
