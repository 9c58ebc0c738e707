"""The policy protocol: what an operator's lever is, how it is configured, and when it acts.

A policy is one module in ``sim/policies/`` (a ``Policy`` subclass with a frozen ``Params`` dataclass)
plus one YAML file in ``conf/policy/`` naming it with ``_target_``. Hydra selects policies with
``policy=[red_packet,check_in]`` and sets their parameters with ``policy.red_packet.slot=noon``.
Adding a policy touches nothing else.

The organizers run the policies. Each day, at fixed points of the schedule (``CommunityModel.step``),
every selected policy gets these hooks, in the order of ``Policy.order`` (then name), so the order in
which policies are listed on the command line never changes a run:

=============  ======================================================================================
hook           when, and what it is for
=============  ======================================================================================
setup          once, after the groups are founded: allocate the policy's own state
plan_day       morning, before the core team plans: decide today's actions, claim organizer minutes,
               set today's effects (rewards, boosts, extra content) on ``model.day_state``
react          after members' online slots and posts are drawn: who grabs a packet, checks in, buys
after_day      after voluntary exits: removals, rotations, replication, crises
screen         while joins are drawn: which candidates pass an entry threshold (a boolean mask)
on_join        after joins: fees paid, welcome packets
=============  ======================================================================================

Every action is logged as an event row (day, slot, group, policy, action, target count, yuan spent,
organizer minutes spent) with ``Policy.log``. Organizer minutes come out of the group's daily time
budget (``organizers.budget_minutes_per_day`` per active organizer): ``Policy.claim_minutes`` grants
them while the budget lasts; an action that finds no time left is skipped and logged as such, and the
minutes it asked for count as overload, which burns organizers out (core-team churn, DOMAIN.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ..config import ConfigError, build, to_dict

if TYPE_CHECKING:
    from ..model import CommunityModel


@dataclass(frozen=True)
class NoParams:
    """A policy without parameters."""


class Policy:
    """Base class of every policy: parameters, hooks (no-ops by default) and bookkeeping helpers."""

    name: ClassVar[str] = ""  # the key under ``policy.`` and the name of the YAML file in conf/policy/
    order: ClassVar[int] = 50  # hooks run in increasing order (then by name)
    Params: ClassVar[type] = NoParams

    def __init__(self, **params: Any):
        """Validate ``params`` against ``Params`` (a ConfigError names ``policy.<name>.<key>``)."""
        self.params = build(self.Params, params, f"policy.{self.name}")
        self.model: CommunityModel | None = None
        self.income_yuan = 0.0  # money members paid the operator (fees, deposits, sales), from log()

    # ------------------------------------------------------------------ hooks
    @classmethod
    def check(cls, params: Any, config: Any) -> None:
        """Raise ConfigError if ``params`` cannot work with the rest of ``config`` (checked at build time)."""

    def extra_groups(self) -> int:
        """Group slots this policy may found during the run (replication); reserved at construction."""
        return 0

    def setup(self, model: "CommunityModel") -> None:
        """Once, after founding."""

    def plan_day(self, model: "CommunityModel") -> None:
        """Morning: decide today's actions and set their effects."""

    def react(self, model: "CommunityModel") -> None:
        """After online slots and posts are drawn."""

    def after_day(self, model: "CommunityModel") -> None:
        """After voluntary exits."""

    def screen(self, model: "CommunityModel", people: np.ndarray, groups: np.ndarray) -> np.ndarray | None:
        """Which join candidates pass (bool mask), or None for all."""
        return None

    def on_join(self, model: "CommunityModel", people: np.ndarray, groups: np.ndarray) -> None:
        """After joins."""

    def totals(self) -> dict:
        """Extra totals of this policy for summary.json (e.g. revenue), beside spend and minutes."""
        return {}

    # ------------------------------------------------------------------ helpers
    def claim_minutes(self, group: int, minutes: float, action: str = "") -> bool:
        """Take ``minutes`` of the group's organizer time today; False (and logged as skipped) if short."""
        granted = self.model.policies.claim_minutes(group, minutes)
        if not granted:
            self.log(group, f"skipped_{action}" if action else "skipped", detail="no organizer time left today")
        return granted

    def log(self, group: int, action: str, *, target_count: int = 0, slot: str = "", spend_yuan: float = 0.0,
            organizer_minutes: float = 0.0, income_yuan: float = 0.0, detail: str = "") -> None:
        """One event row, and today's spend in the group's total (minutes are counted when claimed).

        ``spend_yuan`` is money the operator pays out (>= 0); ``income_yuan`` is money members pay in
        (fees, deposits, purchases): it goes into the row's detail and the policy's ``income_yuan`` total.
        """
        assert spend_yuan >= 0 and income_yuan >= 0, "spend and income are amounts; log money in as income"
        if income_yuan:
            self.income_yuan += income_yuan
            detail = f"income_yuan={income_yuan:.2f}" + (f"; {detail}" if detail else "")
        self.model.log_event(group=group, source=self.name, action=action, target_count=target_count, slot=slot,
                             spend_yuan=spend_yuan, organizer_minutes=organizer_minutes, detail=detail)
        self.model.day_state.policy_spend_yuan[group] += spend_yuan

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in to_dict(self.params).items())
        return f"{type(self).__name__}({fields})"


@dataclass(frozen=True)
class PolicySpec:
    """A selected policy: its key, its class path (``_target_``) and its validated parameters."""

    name: str
    target: str
    params: Any

    def node(self) -> dict:
        """The config node Hydra instantiates: ``{_target_: ..., **params}``."""
        return {"_target_": self.target, **to_dict(self.params)}

    def policy_class(self) -> type:
        from hydra.utils import get_class

        return get_class(self.target)

    def instantiate(self) -> Policy:
        from hydra.utils import instantiate

        return instantiate(self.node(), _convert_="all")


def policy_class(name: str, target: Any) -> type:
    """Import ``target`` and check that it is a Policy registered under ``name``."""
    key = f"policy.{name}._target_"
    if not target:
        from . import available

        if name in available():
            raise ConfigError(f"policy.{name}", f"parameters are set (by a scenario or an override) but the policy "
                                                f"is not selected; add it: policy=[...,{name}]")
    if not isinstance(target, str) or not target:
        raise ConfigError(f"policy.{name}", "no _target_: select policies with policy=[name,...] "
                                            "(files in conf/policy/), or give _target_: module.Class")
    from hydra.utils import get_class

    try:
        cls = get_class(target)
    except Exception as err:  # ImportError, AttributeError, ValueError from Hydra
        raise ConfigError(key, f"cannot import {target!r} ({type(err).__name__})") from None
    if not (isinstance(cls, type) and issubclass(cls, Policy)):
        raise ConfigError(key, f"{target} is not a sim.policies.Policy")
    if cls.name != name:
        raise ConfigError(f"policy.{name}", f"{target} is the {cls.name!r} policy; use the key policy.{cls.name}")
    return cls


def build_specs(tree: Any) -> tuple[PolicySpec, ...]:
    """Validated PolicySpecs from the composed ``policy`` node (a mapping name -> node)."""
    if tree is None:
        return ()
    if isinstance(tree, (tuple, list)) and all(isinstance(s, PolicySpec) for s in tree):
        return tuple(sorted(tree, key=lambda s: s.name))
    if not isinstance(tree, dict):
        raise ConfigError("policy", f"expected a section of policies, got {tree!r}")
    specs = []
    for name, node in tree.items():
        if isinstance(node, PolicySpec):
            specs.append(node)
            continue
        if not isinstance(node, dict):
            raise ConfigError(f"policy.{name}", f"expected a section of parameters, got {node!r}")
        node = dict(node)
        target = node.pop("_target_", None)
        cls = policy_class(str(name), target)
        specs.append(PolicySpec(str(name), target, build(cls.Params, node, f"policy.{name}")))
    return tuple(sorted(specs, key=lambda s: s.name))


class Policies:
    """The selected policies of one model, run hook by hook in a fixed order, with the time ledger."""

    def __init__(self, specs: tuple[PolicySpec, ...]):
        items = [spec.instantiate() for spec in specs]
        self.items: list[Policy] = sorted(items, key=lambda p: (p.order, p.name))
        self.model: CommunityModel | None = None

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self):
        return iter(self.items)

    def __getitem__(self, name: str) -> Policy:
        for p in self.items:
            if p.name == name:
                return p
        raise KeyError(name)

    def extra_groups(self) -> int:
        return sum(p.extra_groups() for p in self.items)

    def setup(self, model: "CommunityModel") -> None:
        self.model = model
        for p in self.items:
            p.model = model
            p.setup(model)

    def plan_day(self, model: "CommunityModel") -> None:
        for p in self.items:
            p.plan_day(model)

    def react(self, model: "CommunityModel") -> None:
        for p in self.items:
            p.react(model)

    def after_day(self, model: "CommunityModel") -> None:
        for p in self.items:
            p.after_day(model)

    def screen(self, model: "CommunityModel", people: np.ndarray, groups: np.ndarray) -> np.ndarray:
        keep = np.ones(len(people), dtype=bool)
        for p in self.items:
            mask = p.screen(model, people[keep], groups[keep])
            if mask is not None:
                idx = np.flatnonzero(keep)
                keep[idx[~np.asarray(mask, dtype=bool)]] = False
        return keep

    def on_join(self, model: "CommunityModel", people: np.ndarray, groups: np.ndarray) -> None:
        for p in self.items:
            p.on_join(model, people, groups)

    # ------------------------------------------------------------------ organizer time
    def budget_minutes(self, group: int) -> float:
        """The group's organizer minutes today: the budget of each active organizer."""
        model = self.model
        team = model.team
        slots = team.active_slots(organizer=True)
        n = int(np.count_nonzero(team.group[slots] == group))
        return n * model.config.organizers.budget_minutes_per_day

    def claim_minutes(self, group: int, minutes: float) -> bool:
        """Grant ``minutes`` if the group's organizers have them left today; else count them as overload."""
        day = self.model.day_state
        if minutes <= 0:
            return True
        left = self.budget_minutes(group) - day.policy_minutes[group]
        if minutes <= left + 1e-9:
            day.policy_minutes[group] += minutes
            return True
        day.policy_minutes_short[group] += minutes
        return False

