"""Sharing sessions (社群分享): a guest talk on a schedule, run step by step as the texts prescribe.

Every ``every_days`` days from ``first_day`` after a group's founding (``max_sessions``, 0 = no limit)
a guest speaks in ``slot``. The organizers' steps, each claimed from their time budget in the morning
and logged (a step without time is skipped and logged as ``skipped_<step>``):

=================  ============================  ==============================================
step               minutes                       what it does
=================  ============================  ==============================================
announce           ``minutes_per_announcement``  on each of the ``announce_days_before`` days
                                                 before the talk; attendance = 0.5 + 0.5 x the
                                                 share of announcements made
prepare_topic      ``minutes_new_topic``         with ``vary_topics``: a new topic/format
warm_up            ``minutes_warm_up``           without it attendance x ``cold_start_factor``
introduce_guest    ``minutes_introduce``         the talk itself: ``talk_posts`` posts of quality
                                                 ``talk_quality``; the guest is paid ``guest_fee_yuan``;
                                                 skipped, the session is cancelled
guide_interaction  ``minutes_guide_interaction`` members online in the slot post at
                                                 1 + ``slot_boost`` x strength x attendance times their
                                                 rate (half the boost without guidance)
flood_control      ``minutes_flood_control``     with ``flood_control``; otherwise (or skipped) off-topic
                                                 flooding (刷屏) adds ``flood_noise_share`` x the day's
                                                 posts of members online in the slot as noise
summary            ``minutes_summary``           ``summary_posts`` posts of quality ``talk_quality``
perks              ``minutes_perks``             those online in the slot get ``perk_value`` today and
                                                 ``perks_yuan_per_participant`` yuan
=================  ============================  ==============================================

On the talk's day novelty is refreshed by ``novelty_refresh`` x strength of every member's novelty gap
(``Day.novelty_refresh``). The strength starts at 1 and, after each session of the same format and
topic, is multiplied by ``repeat_decay`` (the audience has seen it); with ``vary_topics`` a new topic
recovers ``variety_recovery`` of the lost strength after each session (if its preparation found time).
Sources: DOMAIN.md (invite a speaker, announce repeatedly, stress rules, warm up, introduce the guest,
prompt interaction, control flooding, summary, perks; "regular activities are the cure for boredom").
The numbers are assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import SLOTS, ConfigError, _check, _check_choice
from .base import Policy


@dataclass(frozen=True)
class SharingSessionParams:
    """A series of guest talks: when, the steps' costs, the effects and how repetition wears them out."""

    every_days: int = 14  # assumption: a talk every two weeks (DOMAIN.md: regular activities)
    first_day: int = 14  # assumption: the first talk two weeks after founding
    max_sessions: int = 0  # 0 = talks go on for the whole run
    slot: str = "evening"  # assumption: evening talks (DOMAIN.md timing: evenings, after 21:00)
    announce_days_before: int = 3  # DOMAIN.md: announce repeatedly; assumption: one notice a day for 3 days
    vary_topics: bool = False  # DOMAIN.md: regular activities cure boredom, but the same format wears out
    flood_control: bool = True  # DOMAIN.md: control off-topic flooding (刷屏)
    minutes_per_announcement: float = 5.0  # assumption
    minutes_new_topic: float = 30.0  # assumption: finding a new guest and topic
    minutes_warm_up: float = 10.0  # assumption
    minutes_introduce: float = 10.0  # assumption: introduce the guest and host the talk
    minutes_guide_interaction: float = 20.0  # assumption
    minutes_flood_control: float = 15.0  # assumption
    minutes_summary: float = 20.0  # assumption
    minutes_perks: float = 10.0  # assumption
    guest_fee_yuan: float = 0.0  # optional fee for the guest
    perks_yuan_per_participant: float = 0.0  # optional cash perks (e.g. a small packet) per participant
    perk_value: float = 0.05  # assumption: value of a perk (materials, honour), on rules.value's scale
    talk_posts: float = 12.0  # assumption: the guest's posts during the talk
    talk_quality: float = 0.9  # assumption: a prepared guest talk is high-quality content
    summary_posts: float = 1.0  # assumption
    novelty_refresh: float = 0.15  # assumption: share of members' novelty gap refreshed by a talk
    slot_boost: float = 2.0  # assumption: members online in the slot post at up to 3x their rate
    cold_start_factor: float = 0.7  # assumption: attendance without a warm-up
    flood_noise_share: float = 0.5  # assumption: flood posts per member post in the slot without control
    repeat_decay: float = 0.8  # assumption: strength kept after each session of the same format
    variety_recovery: float = 0.8  # assumption: share of the lost strength a new topic wins back

    def __post_init__(self) -> None:
        _check_choice(self, "slot", SLOTS)
        _check(self, "every_days", 1)
        _check(self, "first_day", 0)
        _check(self, "max_sessions", 0)
        _check(self, "announce_days_before", 0)
        if self.announce_days_before >= self.every_days:
            raise ConfigError("announce_days_before", f"must be less than every_days ({self.every_days})")
        for name in ("minutes_per_announcement", "minutes_new_topic", "minutes_warm_up", "minutes_introduce",
                     "minutes_guide_interaction", "minutes_flood_control", "minutes_summary", "minutes_perks",
                     "guest_fee_yuan", "perks_yuan_per_participant", "perk_value", "talk_posts", "summary_posts",
                     "slot_boost", "flood_noise_share"):
            _check(self, name, 0.0)
        for name in ("talk_quality", "novelty_refresh", "cold_start_factor", "repeat_decay", "variety_recovery"):
            _check(self, name, 0.0, 1.0)


class SharingSession(Policy):
    """Scheduled guest talks: content, novelty and a posting spike in the slot, worn out by repetition."""

    name = "sharing_session"
    order = 35
    Params = SharingSessionParams

    def setup(self, model) -> None:
        G = model.groups.count
        self.slot = SLOTS.index(self.params.slot)
        self.strength = np.ones(G)  # effect multiplier of the next session
        self.held = np.zeros(G, dtype=np.int64)
        self.announced = np.zeros(G, dtype=np.int64)  # announcements made for the coming session
        self.today = np.zeros(G, dtype=bool)  # a talk is on today
        self.flooding = np.zeros(G, dtype=bool)  # today's talk runs without flood control
        self.perks = np.zeros(G, dtype=bool)  # today's perks step found time
        self.history: list[dict] = []  # one entry per session held: day, group, strength, effects

    def _offset(self, model, g: int) -> int:
        """Days until group g's next talk (0: today), or -1 if none is scheduled in the future."""
        p = self.params
        t = model.day_state.index - int(model.groups.created_day[g]) - p.first_day
        if p.max_sessions and self.held[g] >= p.max_sessions:
            return -1
        return -t if t <= 0 else (-t) % p.every_days

    # ------------------------------------------------------------------ morning
    def plan_day(self, model) -> None:
        p = self.params
        self.today[:] = self.flooding[:] = self.perks[:] = False
        groups = model.groups
        founded = getattr(groups, "founded", np.ones(groups.count, dtype=bool))
        for g in range(groups.count):
            if not founded[g] or model.group_sizes[g] == 0:
                continue
            ahead = self._offset(model, g)
            if ahead == 0:
                self._session(model, g)
            elif 0 < ahead <= p.announce_days_before and self._step(g, "announce", p.minutes_per_announcement,
                                                                     f"talk in {ahead} days"):
                self.announced[g] += 1

    def _step(self, g: int, step: str, minutes: float, detail: str = "", spend_yuan: float = 0.0) -> bool:
        if not self.claim_minutes(g, minutes, step):
            return False
        self.log(g, step, slot=self.params.slot, organizer_minutes=minutes, spend_yuan=spend_yuan, detail=detail)
        return True

    def _session(self, model, g: int) -> None:
        p, day = self.params, model.day_state
        n = int(self.held[g]) + 1
        varied = p.vary_topics and self._step(g, "prepare_topic", p.minutes_new_topic, f"session {n}: a new topic")
        warm = self._step(g, "warm_up", p.minutes_warm_up)
        if not self._step(g, "introduce_guest", p.minutes_introduce, f"session {n}, strength {self.strength[g]:.2f}",
                          spend_yuan=p.guest_fee_yuan):
            self.announced[g] = 0  # cancelled: nobody to host the guest (logged as skipped_introduce_guest)
            return
        s = float(self.strength[g])
        attendance = 1.0 if p.announce_days_before == 0 else 0.5 + 0.5 * min(1.0, self.announced[g]
                                                                              / p.announce_days_before)
        if not warm:
            attendance *= p.cold_start_factor
        guided = self._step(g, "guide_interaction", p.minutes_guide_interaction)
        controlled = p.flood_control and self._step(g, "flood_control", p.minutes_flood_control)
        summary = self._step(g, "summary", p.minutes_summary)
        self.perks[g] = self._step(g, "perks", p.minutes_perks, "perks for those in the talk")
        posts = p.talk_posts * s + (p.summary_posts if summary else 0.0)
        boost = p.slot_boost * s * attendance * (1.0 if guided else 0.5)
        day.policy_posts[g] += posts
        day.policy_quality_sum[g] += posts * p.talk_quality
        day.novelty_refresh[g] += p.novelty_refresh * s
        day.boost_slot(g, self.slot, boost)
        self.today[g] = True
        self.flooding[g] = not controlled
        self.history.append({"day": day.index, "group": g, "session": n, "strength": s, "attendance": attendance,
                             "posts": posts, "boost": boost, "novelty_refresh": p.novelty_refresh * s,
                             "varied": varied})
        self.held[g] += 1
        self.announced[g] = 0
        self.strength[g] = s * p.repeat_decay
        if varied:
            self.strength[g] += (1.0 - self.strength[g]) * p.variety_recovery

    # ------------------------------------------------------------------ in the slot
    def react(self, model) -> None:
        if not self.today.any():
            return
        p, day, people = self.params, model.day_state, model.people
        in_slot = day.online[:, self.slot]
        for g in np.flatnonzero(self.today):
            rows = np.flatnonzero(in_slot & (day.group == g))
            if self.flooding[g]:  # 刷屏: the interaction spike floods the group with off-topic posts
                noise = p.flood_noise_share * float(day.posts[rows].sum())
                day.policy_noise_posts[g] += noise
                self.log(int(g), "flooding", slot=p.slot, target_count=round(noise),
                         detail="no flood control: off-topic posts")
            if self.perks[g] and len(rows):
                yuan = p.perks_yuan_per_participant * len(rows)
                people.received_yuan[day.crowd[rows]] += p.perks_yuan_per_participant
                day.crowd_array("reward", 0.0)[rows] += np.float32(p.perk_value)
                self.log(int(g), "perks_given", slot=p.slot, target_count=len(rows), spend_yuan=yuan)
