"""Eviction (淘汰, 主动洗粉, 及时清理不同频的人): organizers remove dead weight so new members can come in.

Every ``every_days`` days (a round) the organizers go through their group's ordinary members and
choose whom to remove, in this priority:

1. ad spammers (``evict_spammers``) who posted since the last round (发小广告);
2. off-topic posters (``evict_off_topic``): posted since the last round, interest match with the
   group's topic below ``off_topic_below_match`` (不同频);
3. the inactive (``evict_inactive``): nothing posted for ``inactive_days`` days, counted from joining
   for those who never posted, so nobody who joined less than ``inactive_days`` ago is removed;
   the longest silent first.

At most ``max_per_round`` per group and round; each removal takes ``minutes_per_removal`` of the
organizers' time, claimed in the morning (policies' work comes first in the core team's day); what
does not fit is skipped, logged and counted as overload. The chosen are removed in the evening
(``after_day``, reason "evicted"; those who left on their own that day are not counted), logged per
kind. With ``refill`` the organizers recruit as many replacement leads as they removed, from the next
day on (``organizers.minutes_per_lead`` each; leads accept with ``organizers.lead_accept_prob``), on
top of the invitations along ties that any vacancy lets in: "new in, bad out keeps a group lively".
Sources: DOMAIN.md (eviction / curation; "without elimination, lazy people multiply"), P7
(elimination with fresh inflow keeps a group more active than no elimination), P8 (curation keeps the
mean quality up). The thresholds and costs are assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import _check
from ..population import MEMBER, ROLE_MEMBER
from .base import Policy

KINDS = ("spammer", "off_topic", "inactive")  # in order of priority


@dataclass(frozen=True)
class EvictionParams:
    """Who is removed, how often, how many at most, at what cost in organizer time, and whether to refill."""

    every_days: int = 7  # assumption: a weekly clean-up (DOMAIN.md: 及时清理)
    evict_inactive: bool = True  # DOMAIN.md: "without elimination, lazy people multiply"
    inactive_days: int = 60  # assumption: two months without a word (and at least two months in the group)
    evict_off_topic: bool = True  # DOMAIN.md: 及时清理不同频的人 (off-key members)
    off_topic_below_match: float = 0.2  # assumption: interest match with the group's topic below this
    evict_spammers: bool = True  # DOMAIN.md: ad spam (发小广告) drives valued members away
    max_per_round: int = 30  # assumption: per group and round (a clean-up, not a purge)
    minutes_per_removal: float = 1.0  # assumption: check the member, remove, note the reason
    refill: bool = True  # DOMAIN.md / P7: "new in, bad out"; recruit as many leads as removed

    def __post_init__(self) -> None:
        _check(self, "every_days", 1)
        _check(self, "inactive_days", 1)
        _check(self, "off_topic_below_match", 0.0, 1.0)
        _check(self, "max_per_round", 0)
        _check(self, "minutes_per_removal", 0.0)


class Eviction(Policy):
    """Scheduled removal of spammers, off-topic posters and the inactive, optionally refilled (P7)."""

    name = "eviction"
    order = 30
    Params = EvictionParams

    def setup(self, model) -> None:
        G = model.groups.count
        self.chosen: dict[int, list[tuple[str, np.ndarray, float]]] = {}  # group -> [(kind, people, minutes)]
        self.pending_leads = np.zeros(G, dtype=np.int64)  # replacements still to recruit (refill)

    # ------------------------------------------------------------------ morning
    def candidates(self, model, group: int) -> list[tuple[str, np.ndarray]]:
        """Today's candidates of ``group`` by kind, in priority order, each person once."""
        p, people, day = self.params, model.people, model.day_state
        crowd = day.crowd[day.group == group]
        today = day.index
        posted = people.last_active_day[crowd] > today - p.every_days  # since the last round
        spam = people.spammer[crowd] & posted
        off = posted & (people.relevance[crowd] < p.off_topic_below_match) & ~spam
        silent_since = np.maximum(people.last_active_day[crowd], people.joined_day[crowd])
        inactive = (today - silent_since >= p.inactive_days) & ~spam & ~off
        out = []
        if p.evict_spammers:
            out.append(("spammer", crowd[spam]))
        if p.evict_off_topic:
            out.append(("off_topic", crowd[off]))
        if p.evict_inactive:
            idx = np.flatnonzero(inactive)
            idx = idx[np.argsort(silent_since[idx], kind="stable")]  # longest silent first
            out.append(("inactive", crowd[idx]))
        return out

    def fit(self, model, group: int, n: int, minutes_each: float, action: str) -> int:
        """How many of ``n`` tasks of ``minutes_each`` fit in the group's time left today; those are
        claimed, and the rest is asked for in vain (a skipped event, counted as overload)."""
        if n <= 0:
            return 0
        if minutes_each <= 0:
            return n
        left = model.policies.budget_minutes(group) - model.day_state.policy_minutes[group]
        k = min(n, max(0, int(np.floor((left + 1e-9) / minutes_each))))
        if k:
            self.claim_minutes(group, k * minutes_each, action)
        if k < n:
            self.claim_minutes(group, (n - k) * minutes_each, action)  # denied: logged, counts as overload
        return k

    def plan_day(self, model) -> None:
        p, day = self.params, model.day_state
        self.chosen = {}
        for g in np.flatnonzero(self.pending_leads):  # refill: replacements for yesterday's removals
            g = int(g)
            k = self.fit(model, g, int(self.pending_leads[g]), model.config.organizers.minutes_per_lead,
                         "recruit_replacements")
            if k:
                day.leads[g] += k
                self.pending_leads[g] -= k
                self.log(g, "recruit_replacements", target_count=k,
                         organizer_minutes=k * model.config.organizers.minutes_per_lead,
                         detail=f"{int(self.pending_leads[g])} still to recruit")
        if day.index == 0 or day.index % p.every_days:
            return
        for g in np.flatnonzero(model.group_sizes > 0):
            g = int(g)
            picked, room = [], p.max_per_round
            for kind, who in self.candidates(model, g):
                take = who[:room]
                room -= len(take)
                if len(take):
                    picked.append((kind, take))
            n = sum(len(t) for _, t in picked)
            k = self.fit(model, g, n, p.minutes_per_removal, "evict")
            chosen = []
            for kind, take in picked:  # the time goes to the highest priority first
                take = take[:k]
                k -= len(take)
                if len(take):
                    chosen.append((kind, take, len(take) * p.minutes_per_removal))
            if chosen:
                self.chosen[g] = chosen

    # ------------------------------------------------------------------ evening
    def after_day(self, model) -> None:
        people = model.people
        for g, chosen in self.chosen.items():
            removed = 0
            for kind, who, minutes in chosen:
                ok = (people.status[who] == MEMBER) & (people.role[who] == ROLE_MEMBER) & (people.group[who] == g)
                still = who[ok]
                model.expel(still, "evicted")
                removed += len(still)
                self.log(g, f"evict_{kind}", target_count=len(still), organizer_minutes=minutes,
                         detail=f"{len(who) - len(still)} of {len(who)} chosen had left already")
            if self.params.refill:
                self.pending_leads[g] += removed
        self.chosen = {}
