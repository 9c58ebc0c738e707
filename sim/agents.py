"""The actors who decide: organizers (owner, admins) and KOLs as Mesa agents; members as views.

Core-team members have a motivation in [0, 1] that wears out with time (and, for organizers, with
overload of their daily time budget) and is fed by a lively group; below a threshold they quit
(core-team churn and burnout, DOMAIN.md; "even keen admins rarely last longer than two years", P3).
A KOL's posts are headline content and draw the KOL's friends in (``kols.influence``), but a dominant
KOL who holds too large a share of the messages silences others (tyranny).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import mesa
import numpy as np

from .config import EXIT_REASONS, KOLConfig, OrganizerConfig
from .population import (MEMBER, ROLE_ADMIN, ROLE_KOL, ROLE_NAMES, ROLE_OWNER, STATUS_NAMES, VIA_NAMES)

if TYPE_CHECKING:
    from .model import CommunityModel

BURNOUT = EXIT_REASONS.index("burnout")


class Roster(NamedTuple):
    """Who is active in the core team (read-only arrays): slots in order, and the organizers among them."""

    slots: np.ndarray  # active slots
    group: np.ndarray  # (len(slots),) their groups
    organizer: np.ndarray  # (len(slots),) bool: an owner or admin
    organizers: np.ndarray  # active organizer slots
    kols: np.ndarray  # active KOL slots
    organizer_group: np.ndarray  # group of each active organizer
    organizers_per_group: np.ndarray  # (groups,) active organizers
    kols_per_group: np.ndarray  # (groups,) active KOLs
    team_size: np.ndarray  # (len(organizers),) float: organizers in each organizer's group


class SlotValues(NamedTuple):
    """The active slots' values that change only with the roster, as Python lists (for the scalar paths)."""

    slots: list[int]
    group: list[int]
    organizer: list[bool]
    person: list[int]
    posts_per_day: list[float]
    post_quality: list[float]
    dominance: list[float]
    decay_per_day: list[float]
    feedback_per_day: list[float]
    feedback_reference: list[float]
    quit_below: list[float]
    organizers_per_group: list[int]  # (groups,)


class CoreTeam:
    """Array store of every core-team member's state, one row ("slot") per agent ever created.

    The agents are Mesa agents whose attributes read and write their row, so the core team's daily
    work is computed for all of them at once (``sim.rules.core_team``) while each stays an agent that
    can be inspected, quit, and be counted in ``model.agents``. Change a slot through its agent (or
    call ``changed()``): the roster of active slots is cached until then.
    """

    FIELDS = {"person": np.int64, "group": np.int64, "role": np.int8, "active": bool, "organizer": bool,
              "motivation": np.float64, "decay_per_day": np.float64, "posts_per_day": np.float64,
              "post_quality": np.float64, "dominance": np.float64, "feedback_per_day": np.float64,
              "feedback_reference": np.float64, "quit_below": np.float64, "posts_today": np.int64,
              "minutes_demanded": np.float64}

    def __init__(self, n_groups: int = 1):
        self.n_groups = n_groups  # group slots (the per-group counts of the roster)
        for name, dtype in self.FIELDS.items():
            setattr(self, name, np.zeros(0, dtype=dtype))
        self.agents: list[CoreMember] = []
        self._roster: Roster | None = None
        self._values: SlotValues | None = None

    def append(self, agent: "CoreMember", **values) -> int:
        for name, dtype in self.FIELDS.items():
            setattr(self, name, np.append(getattr(self, name), np.asarray(values.get(name, 0), dtype=dtype)))
        self.agents.append(agent)
        self.changed()
        return len(self.agents) - 1

    def changed(self) -> None:
        """A slot was added or changed: the roster is recomputed on next use."""
        self._roster = self._values = None

    def roster(self) -> Roster:
        """The active slots and their organizers (cached until ``changed()``)."""
        r = self._roster
        if r is None:
            n_groups = self.n_groups
            slots = np.flatnonzero(self.active)
            organizer = self.organizer[slots]
            organizers, kols = slots[organizer], slots[~organizer]
            organizer_group = self.group[organizers]
            per_group = np.bincount(organizer_group, minlength=n_groups)
            r = Roster(slots, self.group[slots], organizer, organizers, kols, organizer_group, per_group,
                       np.bincount(self.group[kols], minlength=n_groups), per_group[organizer_group].astype(np.float64))
            for a in r:
                a.flags.writeable = False
            self._roster = r
        return r

    def values(self) -> SlotValues:
        """The active slots' roster values as Python lists (cached until ``changed()``)."""
        v = self._values
        if v is None:
            r = self.roster()
            slots = r.slots
            v = self._values = SlotValues(
                slots.tolist(), r.group.tolist(), r.organizer.tolist(),
                *(getattr(self, name)[slots].tolist() for name in SlotValues._fields[3:-1]),
                r.organizers_per_group.tolist())
        return v

    def active_slots(self, organizer: bool | None = None) -> np.ndarray:
        """Active slots: all, or only the organizers (True) or the KOLs (False)."""
        r = self.roster()
        return r.slots if organizer is None else r.organizers if organizer else r.kols


def _slot_property(name: str, cast):
    def get(self):
        return cast(getattr(self.model.team, name)[self.slot])

    def set(self, value):
        getattr(self.model.team, name)[self.slot] = value
        self.model.team.changed()

    return property(get, set, doc=f"{name} (stored in model.team)")


class CoreMember(mesa.Agent):
    """A member of a group's core team: a person on the graph with a motivation that wears out."""

    person = _slot_property("person", int)
    group = _slot_property("group", int)
    role = _slot_property("role", int)
    active = _slot_property("active", bool)
    motivation = _slot_property("motivation", float)
    decay_per_day = _slot_property("decay_per_day", float)
    posts_today = _slot_property("posts_today", int)

    def __init__(self, model: "CommunityModel", person: int, group: int, config, role: int, organizer: bool):
        super().__init__(model)
        self.config = config
        spread = config.motivation_decay_spread
        decay = config.motivation_decay_per_day * float(model.rng.lognormal(-spread**2 / 2, spread))
        self.slot = model.team.append(
            self, person=person, group=group, role=role, active=True, organizer=organizer,
            motivation=config.motivation_start, decay_per_day=decay, posts_per_day=config.posts_per_day,
            post_quality=config.post_quality, dominance=config.dominance,
            feedback_per_day=config.motivation_feedback_per_day,
            feedback_reference=config.feedback_reference_active_share, quit_below=config.quit_below_motivation)

    def quit(self) -> None:
        """Leave the core team and the group (core-team churn), recorded as an event."""
        model = self.model
        self.active = False
        model.people.remove(np.array([self.person]), model.calendar.day, BURNOUT)
        model.day_state.count_exits(BURNOUT, model.people.tier[self.person], self.group)
        model.log_event(group=self.group, source="core_team", action=f"{ROLE_NAMES[self.role]}_quit",
                        target_count=1, detail=f"person {self.person}, motivation {self.motivation:.2f}")
        self.remove()
        model.core_team_changed(self.group)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(person={self.person}, group={self.group}, role={ROLE_NAMES[self.role]}, "
                f"motivation={self.motivation:.2f}, active={self.active})")


class Organizer(CoreMember):
    """Owner or admin: posts notices, welcomes newcomers, answers newbie questions, recruits leads."""

    def __init__(self, model, person, group, config: OrganizerConfig, owner: bool):
        super().__init__(model, person, group, config, ROLE_OWNER if owner else ROLE_ADMIN, organizer=True)


class KOL(CoreMember):
    """Key opinion leader: headline posts; a dominant one silences the rest (tyranny)."""

    def __init__(self, model, person, group, config: KOLConfig):
        super().__init__(model, person, group, config, ROLE_KOL, organizer=False)


class Member:
    """A read-only view of one person's row in the MemberTable, for inspection and teaching."""

    __slots__ = ("_people", "_day", "id")

    def __init__(self, people, person: int, day: int):
        self._people, self.id, self._day = people, int(person), day

    def __getattr__(self, name):
        arr = getattr(self._people, name)
        value = arr[self.id]
        return value.item() if hasattr(value, "item") else value

    @property
    def tier_name(self) -> str:
        return ("high", "mid", "low")[self._people.tier[self.id]]

    @property
    def state(self) -> str:
        return STATUS_NAMES[self._people.status[self.id]]

    @property
    def tenure_days(self) -> int:
        p = self._people
        if p.joined_day[self.id] < 0:
            return 0
        end = p.left_day[self.id] if p.left_day[self.id] >= 0 else self._day + 1
        return int(end - p.joined_day[self.id])

    def __repr__(self) -> str:
        p = self._people
        parts = [f"Member({self.id}", self.state, self.tier_name, ROLE_NAMES[p.role[self.id]]]
        if p.status[self.id] == MEMBER:
            parts += [f"group={p.group[self.id]}", f"tenure={self.tenure_days}d",
                      f"satisfaction={p.satisfaction[self.id]:.2f}", f"novelty={p.novelty[self.id]:.2f}",
                      f"via={VIA_NAMES[p.via[self.id]]}"]
        return ", ".join(parts) + ")"
