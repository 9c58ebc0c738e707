"""Replication (复制): clone a ready group into a new one by cross-introducing members (交叉引入).

When a group is ready (trigger ``when``, checked every morning on the state at the start of the day):

- ``size``: it has at least ``min_members`` members;
- ``phase``: its active members are at their running peak and growth is slowing (lifecycle phase:
  active, DOMAIN.md 活跃期): members grew by less than ``max_growth_share`` over the last
  ``growth_window_days`` days, the weekly active share is at least ``min_active_share``, and active
  members are at least ``near_peak_share`` of their running maximum;
- ``tie_density``: a subculture has formed: the mean summed tie strength of a member to fellow members
  (``ties_inside``) is at least ``min_ties_per_member``;
- ``team_capacity``: the team is ready to run more groups: at least ``min_organizers`` active organizers
  with motivation of at least ``min_motivation``;
- ``day``: a planned date: on or after day ``on_day``;

and the group is at least ``min_age_days`` old,
an organizer of the group spends ``setup_minutes`` (no replication without the time) and, after the
day's exits, ``move_share`` of its active ordinary members (spoke within ``rules.activity.active_window_days``,
drawn at random), its most motivated KOL and its most motivated admin move to a new group (a reserved
slot, ``max_groups`` in all) with the same topic. The admin becomes the new owner; without an admin,
the mover who posted most is promoted (rotating active members into the team, 不定期更换群管). The new
group then lives its own life: it grows from the pool along the movers' ties and by its owner's
recruiting, and ages, like any group. At most one replication a day, and none within
``min_days_between`` days of the last (the team sets up one group at a time); the largest ready
group goes first. Moves are not exits: the parent's outflow is its ``moved_out``, the child's inflow
``joins_moved``. Sources: DOMAIN.md (replication: timing, is the team ready, has a subculture formed,
cross-introduction; a group holds 500, so a large community is many groups, P6); numbers are assumptions.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from ..config import _check, _check_choice
from ..observe import active_members
from ..population import ROLE_ADMIN, ROLE_KOL, ROLE_MEMBER
from .base import Policy

TRIGGERS = ("size", "phase", "tie_density", "team_capacity", "day")


@dataclass(frozen=True)
class ReplicationParams:
    """When a group is cloned, how, and how often."""

    when: str = "phase"  # DOMAIN.md: replicate when ready (size, lifecycle phase, subculture, team); or a day
    min_members: int = 300  # size: members at which to clone; assumption (P6: a group holds 500)
    growth_window_days: int = 14  # phase: growth measured over this many days; assumption
    max_growth_share: float = 0.05  # phase: growth slowing: members grew by less than this share; assumption
    min_active_share: float = 0.15  # phase: still active: weekly active share at least this; assumption
    near_peak_share: float = 0.8  # phase: active members at least this share of their running peak; assumption
    min_ties_per_member: float = 1.5  # tie_density: mean summed tie strength inside (subculture); assumption
    min_organizers: int = 2  # team_capacity: motivated organizers needed (one leaves to run the clone)
    min_motivation: float = 0.7  # team_capacity: motivation counted as ready; assumption
    on_day: int = 180  # day: replicate on or after this day; assumption
    min_age_days: int = 30  # any trigger: a group is cloned only after this many days of its own life; assumption
    max_groups: int = 2  # groups this policy may found in a run (reserved slots); assumption
    min_days_between: int = 60  # days between two replications (one set-up at a time); assumption
    move_share: float = 0.3  # share of the active ordinary members cross-introduced (交叉引入); assumption
    setup_minutes: float = 60.0  # organizer minutes to set up the new group and introduce the movers; assumption

    def __post_init__(self) -> None:
        _check_choice(self, "when", TRIGGERS)
        _check(self, "min_members", 2)
        _check(self, "growth_window_days", 1, 365)
        _check(self, "min_organizers", 1)
        _check(self, "on_day", 0)
        _check(self, "min_age_days", 0)
        _check(self, "max_groups", 0, 1000)
        _check(self, "min_days_between", 0)
        _check(self, "min_ties_per_member", 0.0)
        _check(self, "setup_minutes", 0.0)
        for name in ("max_growth_share", "min_active_share", "near_peak_share", "min_motivation"):
            _check(self, name, 0.0, 1.0)
        _check(self, "move_share", 0.0, 1.0, lo_open=True)


class Replication(Policy):
    """Replication: a ready group seeds a new one with some of its members, an admin and a KOL."""

    name = "replication"
    order = 90  # after the other policies' removals
    Params = ReplicationParams

    def extra_groups(self) -> int:
        return self.params.max_groups

    def setup(self, model) -> None:
        G = model.groups.count
        self.sizes: deque[np.ndarray] = deque(maxlen=self.params.growth_window_days + 1)  # start-of-day members
        self.peak_active = np.zeros(G, dtype=np.int64)
        self.founded = 0
        self.last_day = -(10**9)
        self.pending = -1  # the group whose set-up was paid this morning

    # ------------------------------------------------------------------ morning: who is ready
    def ready(self, model) -> np.ndarray:
        """Per group: does the trigger hold today (state at the start of the day)."""
        p, groups, people = self.params, model.groups, model.people
        sizes, day = model.group_sizes, model.calendar.day
        if p.when == "size":
            due = sizes >= p.min_members
        elif p.when == "phase":
            active = active_members(model)
            old = self.sizes[0] if len(self.sizes) == self.sizes.maxlen else np.zeros_like(sizes)
            due = ((day - groups.founded_day >= p.growth_window_days) & (old > 0)
                   & (sizes - old < p.max_growth_share * np.maximum(old, 1))
                   & (active >= p.min_active_share * sizes)
                   & (active >= p.near_peak_share * self.peak_active))
        elif p.when == "tie_density":
            m = people.members
            ties = np.bincount(people.group[m], weights=people.ties_inside[m], minlength=groups.count)
            due = ties >= p.min_ties_per_member * np.maximum(people.group_sizes(), 1)
        elif p.when == "team_capacity":
            team = model.team
            slots = team.active_slots(organizer=True)
            slots = slots[team.motivation[slots] >= p.min_motivation]
            due = np.bincount(team.group[slots], minlength=groups.count) >= p.min_organizers
        else:  # day
            due = np.full(groups.count, day >= p.on_day)
        return due & groups.founded & (day - groups.founded_day >= p.min_age_days) & (sizes > 1)

    def plan_day(self, model) -> None:
        p = self.params
        self.sizes.append(model.group_sizes.copy())
        self.peak_active = np.maximum(self.peak_active, active_members(model))
        self.pending = -1
        if self.founded >= p.max_groups or model.calendar.day - self.last_day < p.min_days_between:
            return
        due = np.flatnonzero(self.ready(model))
        if len(due) == 0:
            return
        g = int(due[np.argmax(model.group_sizes[due])])  # the largest ready group first (ties: lowest id)
        if self.claim_minutes(g, p.setup_minutes, "replicate"):
            self.pending = g

    # ------------------------------------------------------------------ evening: the move
    def after_day(self, model) -> None:
        if self.pending < 0:
            return
        g, self.pending = self.pending, -1
        p, people, team = self.params, model.people, model.team
        day = model.calendar.day
        members = model.members_of(g)
        window = model.config.rules.activity.active_window_days
        active = members[(people.role[members] == ROLE_MEMBER) & (people.last_active_day[members] > day - window)]
        n = min(int(round(p.move_share * len(active))), model.groups.capacity[g] - 2)
        movers = np.sort(model.rng.choice(active, size=n, replace=False)) if n > 0 else active[:0]
        slots = team.active_slots()
        slots = slots[team.group[slots] == g]
        admins = slots[team.role[slots] == ROLE_ADMIN]
        kols = slots[team.role[slots] == ROLE_KOL]
        kol = [int(team.person[kols[np.argmax(team.motivation[kols])]])] if len(kols) else []
        if len(admins):
            owner, promoted = int(team.person[admins[np.argmax(team.motivation[admins])]]), False
        elif len(movers):
            top = int(np.argmax(people.posts_total[movers]))  # the most vocal mover (first on ties)
            owner, promoted, movers = int(movers[top]), True, np.delete(movers, top)
        else:
            self.log(g, "skipped_replicate", detail="nobody to run the new group (no admin, no active member)")
            return
        new = model.found_group(owner, np.concatenate([movers, kol]).astype(np.int64), kols=kol,
                                topic=int(model.groups.topic[g]), parent=g)
        self.founded += 1
        self.last_day = day
        moved = 1 + len(movers) + len(kol)
        self.log(g, "replicate", target_count=moved, organizer_minutes=p.setup_minutes,
                 detail=f"group {new} founded: {len(movers)} members, {len(kol)} KOL, owner {owner} "
                        f"({'promoted member' if promoted else 'admin'}); trigger {p.when}")
