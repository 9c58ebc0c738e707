"""Offline events (线下活动): members meet in person and weak ties become strong ones.

Every ``every_days`` days (or on the days listed in ``on_days``) each group holds a meet-up for
``minutes_per_event`` of the organizers' time (none without it). ``attend_share`` of its ordinary members
come, at most ``max_attendees`` (a venue); who comes is drawn with weight 1 + ``active_weight`` x (spoke
within ``rules.activity.active_window_days``) + ``ties_weight`` x ties inside (friends come along; the
model has no geography, so closeness in the group stands for "nearby"). Among the attendees every tie
between friends grows by ``tie_gain`` and, in ``new_ties_per_person`` rounds of random pairing, attendees
who were not friends meet: a new tie of ``new_tie_strength`` (so each gains at most that many), all
capped at ``max_tie_strength``. The graph and ``ties_inside`` change together
(``MemberTable.strengthen``); stronger ties inside raise each attendee's daily value (``rules.value``,
ties term) and so retention. The operator pays ``venue_yuan_per_attendee``; attendees pay
``fee_yuan_per_attendee`` (AA, ``paid_yuan``).
Sources: DOMAIN.md (offline exchanges create strong ties, core team and core + periphery; a group's
value includes turning weak ties into strong ones, 创造连接); Granovetter 1973 (tie strength); numbers
are assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import _check
from .base import Policy


@dataclass(frozen=True)
class OfflineEventParams:
    """When meet-ups happen, who comes, what they do to ties, and what they cost."""

    every_days: int = 60  # a meet-up every two months; assumption
    on_days: tuple[int, ...] = ()  # if given, events on exactly these simulation days instead
    attend_share: float = 0.1  # of ordinary members; assumption
    max_attendees: int = 30  # a venue; assumption
    active_weight: float = 3.0  # an active member is (1 + this) x as likely to come as a lurker; assumption
    ties_weight: float = 1.0  # per unit of tie strength inside (friends come along, "nearby"); assumption
    tie_gain: float = 0.3  # strength added to ties between attendees who are friends (weak to strong); assumption
    new_ties_per_person: int = 2  # new acquaintances per attendee, at most; assumption
    new_tie_strength: float = 0.3  # a new tie is weak (graph.weak_tie_strength); assumption
    max_tie_strength: float = 1.0  # ties are capped here (graph.strong_tie_strength)
    venue_yuan_per_attendee: float = 30.0  # venue and snacks paid by the operator; assumption
    fee_yuan_per_attendee: float = 0.0  # paid by attendees (AA制); assumption
    minutes_per_event: float = 60.0  # announcing, sign-up, logistics in the chat; assumption

    def __post_init__(self) -> None:
        _check(self, "every_days", 1)
        _check(self, "on_days", 0)
        _check(self, "attend_share", 0.0, 1.0)
        _check(self, "max_attendees", 2, 500)
        _check(self, "new_ties_per_person", 0, 50)
        for name in ("active_weight", "ties_weight", "venue_yuan_per_attendee", "fee_yuan_per_attendee",
                     "minutes_per_event"):
            _check(self, name, 0.0)
        _check(self, "tie_gain", 0.0, 1.0)
        _check(self, "new_tie_strength", 0.0, 1.0)
        _check(self, "max_tie_strength", 0.0, 1.0, lo_open=True)


class OfflineEvent(Policy):
    """Offline meet-ups: ties among attendees strengthen, new ones form (DOMAIN.md)."""

    name = "offline_event"
    order = 55
    Params = OfflineEventParams

    def setup(self, model) -> None:
        self.on_days = frozenset(self.params.on_days)
        self.history: list[dict] = []  # per event: day, group, attendees, tie strength each gained

    def _due(self, day: int) -> bool:
        if self.on_days:
            return day in self.on_days
        return (day + 1) % self.params.every_days == 0

    def plan_day(self, model) -> None:
        if not self._due(model.day_state.index):
            return
        for g in np.flatnonzero(model.group_sizes > 0):
            self._event(model, int(g))

    def _event(self, model, g: int) -> None:
        p, day, people, rng = self.params, model.day_state, model.people, model.rng
        rows = np.flatnonzero(day.group == g)
        k = min(p.max_attendees, round(p.attend_share * len(rows)))
        if k < 2:
            return
        if not self.claim_minutes(g, p.minutes_per_event, "meetup"):
            return
        who = day.crowd[rows]
        window = model.config.rules.activity.active_window_days
        active = people.last_active_day[who] > day.index - window
        weight = 1.0 + p.active_weight * active + p.ties_weight * people.ties_inside[who].astype(np.float64)
        attendees = np.sort(rng.choice(who, size=k, replace=False, p=weight / weight.sum()))
        before = people.ties_inside[attendees].copy()
        # friends among the attendees: their ties grow
        src, nbr, _ = model.graph.neighbors(attendees)
        here = np.zeros(people.n, dtype=bool)
        here[attendees] = True
        friends = here[nbr] & (src < nbr)
        a, b = src[friends], nbr[friends]
        gained = people.strengthen(a, b, p.tie_gain, p.max_tie_strength) if p.tie_gain > 0 else np.empty(0)
        # strangers among them meet: rounds of random pairs, each attendee at most one new tie per round
        known = set((a * people.n + b).tolist())
        pairs = []
        for _ in range(p.new_ties_per_person):
            perm = rng.permutation(attendees)
            pairs.append(np.stack([perm[0:-1:2], perm[1::2]]))
        met = 0
        if pairs and p.new_tie_strength > 0:
            lo, hi = np.concatenate(pairs, axis=1)
            lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)
            key = np.unique(lo * people.n + hi)
            key = key[~np.isin(key, np.fromiter(known, dtype=np.int64, count=len(known)))]
            met = len(key)
            people.strengthen(key // people.n, key % people.n, p.new_tie_strength, p.max_tie_strength)
        added = people.ties_inside[attendees] - before
        people.paid_yuan[attendees] += p.fee_yuan_per_attendee
        self.history.append({"day": day.index, "group": g, "attendees": attendees, "added": added})
        self.log(g, "meetup", target_count=k, spend_yuan=p.venue_yuan_per_attendee * k,
                 organizer_minutes=p.minutes_per_event, income_yuan=p.fee_yuan_per_attendee * k,
                 detail=f"{int((gained > 0).sum())} ties strengthened, {met} new, "
                        f"+{float(added.sum()) / 2:.2f} tie strength")
