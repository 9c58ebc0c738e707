"""Welfare and house rules (福利, 群规): five levers, each switched on or off in the parameters.

- Quiet hours (``quiet_hours``): no chat in ``quiet_slots`` (default after 21:00 and the night: "no chat
  after 22:00"), enforced with WeChat's mute-all, ``quiet_minutes_per_day`` a day. Being online in a
  quiet slot no longer counts toward posting (``Day.slot_weight`` 0), so a member online only then is
  silent and one online in k slots, q of them quiet, posts at (k - q) / k of the rate. Spammers are
  muted too, so spam falls with volume; the noise *share* does not change (their habits are everyone's).
- Weekly games (``games``): on ``games_weekday`` in ``games_slot`` members online post at
  (1 + ``games_posting_boost``) x their rate and ``games_novelty_refresh`` of the novelty gap is
  refreshed ("regular activities are the cure for boredom"), for ``games_minutes``.
- Perks (``perks``): every ``perks_every_days`` days the ``perks_count`` members who posted most since
  the last perks (``most_active``), or the most prolific high-potential members (``high_potential``),
  get ``perks_value`` of value that day. material / monetary perks cost ``perks_yuan_each`` (monetary
  is paid to the member: ``received_yuan``; material goes to a shop); learning / honour perks cost
  ``perks_minutes_each`` organizer minutes each (a course seat to arrange, a title to write up).
- Periodic summaries (``summaries``): every ``summary_every_days`` days an organizer posts a summary
  (one post of ``summary_quality``) in ``summary_slot``; every member gets ``summary_value`` of value
  that day (belonging), for ``summary_minutes``.
- 1:1 private chats (``private_chats``): each day an organizer chats privately with up to
  ``chats_per_day`` lurkers (silent for ``lurker_days``), ``chat_minutes`` each, stopping when time runs
  out; with ``chat_success_prob`` a lurker wakes: satisfaction + ``woken_satisfaction_bump`` and
  posting x ``woken_post_factor`` for ``woken_days`` days.
Sources: DOMAIN.md (welfare: material, monetary, learning, honour perks; weekly games; quiet hours;
private chats to wake lurkers; periodic summaries for belonging; boredom); numbers are assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import SLOTS, ConfigError, _check, _check_choice
from ..population import HIGH
from .base import Policy

PERK_KINDS = ("material", "monetary", "learning", "honour")
PERK_TARGETS = ("most_active", "high_potential")


@dataclass(frozen=True)
class WelfareParams:
    """Which welfare levers run, and their sizes and costs."""

    # quiet hours (群规: "no chat after 22:00", DOMAIN.md)
    quiet_hours: bool = True  # switch: mute-all in the quiet slots every day
    quiet_slots: tuple[str, ...] = ("after_21", "night")  # DOMAIN.md: no chat after 22:00
    quiet_minutes_per_day: float = 1.0  # turning mute-all on and off; assumption
    # weekly games (DOMAIN.md: games weekly; regular activities cure boredom)
    games: bool = True  # switch: a game each week
    games_weekday: int = 5  # 0 = Monday .. 6 = Sunday; Saturday (weekends are livelier, Yuan et al.); assumption
    games_slot: str = "evening"  # DOMAIN.md timing advice: evening, after 21:00; assumption
    games_posting_boost: float = 1.0  # members online in the slot post (1 + boost) x their rate; assumption
    games_novelty_refresh: float = 0.02  # share of the novelty gap a game refreshes; assumption
    games_minutes: float = 30.0  # prepare and host; assumption
    # perks (DOMAIN.md: material, monetary, learning, honour perks)
    perks: bool = True  # switch: perks every perks_every_days days
    perks_every_days: int = 30  # monthly; assumption
    perks_kind: str = "honour"  # material | monetary | learning | honour (DOMAIN.md)
    perks_target: str = "most_active"  # most_active | high_potential (DOMAIN.md: reward people you value)
    perks_count: int = 5  # members rewarded per group each time; assumption
    perks_value: float = 1.0  # value on the day received; assumption: as a 20-yuan packet (red_packet.value_per_yuan)
    perks_yuan_each: float = 20.0  # material / monetary perks; assumption
    perks_minutes_each: float = 10.0  # learning / honour perks: organizer minutes each; assumption
    # periodic summaries (DOMAIN.md: summaries for belonging)
    summaries: bool = True  # switch: a summary every summary_every_days days
    summary_every_days: int = 7  # weekly; assumption
    summary_slot: str = "evening"  # when it is posted (for the record); assumption
    summary_quality: float = 0.8  # an organizer's careful post (organizers.post_quality is 0.7); assumption
    summary_value: float = 0.02  # belonging: value to every member that day; assumption
    summary_minutes: float = 30.0  # assumption
    # 1:1 private chats to wake lurkers (DOMAIN.md)
    private_chats: bool = True  # switch: daily 1:1 chats with lurkers
    chats_per_day: int = 2  # assumption
    chat_minutes: float = 10.0  # per chat; assumption
    lurker_days: int = 14  # silent this long = a lurker to wake; assumption
    chat_success_prob: float = 0.3  # a chat wakes the lurker; assumption
    woken_satisfaction_bump: float = 0.1  # assumption (as rules.satisfaction.answer_bonus)
    woken_post_factor: float = 2.0  # a woken lurker posts at this multiple of their rate; assumption
    woken_days: int = 14  # for this many days; assumption

    def __post_init__(self) -> None:
        if not self.quiet_slots:
            raise ConfigError("quiet_slots", "give at least one slot (or set quiet_hours=false)")
        for i, slot in enumerate(self.quiet_slots):
            if slot not in SLOTS:
                raise ConfigError(f"quiet_slots[{i}]", f"must be one of {', '.join(SLOTS)}; got {slot!r}")
        _check_choice(self, "games_slot", SLOTS)
        _check_choice(self, "summary_slot", SLOTS)
        _check_choice(self, "perks_kind", PERK_KINDS)
        _check_choice(self, "perks_target", PERK_TARGETS)
        _check(self, "games_weekday", 0, 6)
        for name in ("perks_every_days", "summary_every_days", "lurker_days", "woken_days"):
            _check(self, name, 1)
        _check(self, "perks_count", 0, 500)
        _check(self, "chats_per_day", 0, 500)
        for name in ("games_novelty_refresh", "summary_quality", "chat_success_prob", "woken_satisfaction_bump"):
            _check(self, name, 0.0, 1.0)
        for name in ("quiet_minutes_per_day", "games_posting_boost", "games_minutes", "perks_value",
                     "perks_yuan_each", "perks_minutes_each", "summary_value", "summary_minutes", "chat_minutes",
                     "woken_post_factor"):
            _check(self, name, 0.0)


class Welfare(Policy):
    """Welfare: quiet hours, weekly games, perks, periodic summaries and private chats (DOMAIN.md)."""

    name = "welfare"
    order = 45
    Params = WelfareParams

    def setup(self, model) -> None:
        p = self.params
        self.quiet = [SLOTS.index(s) for s in dict.fromkeys(p.quiet_slots)]
        self.games_slot = SLOTS.index(p.games_slot)
        self.woken_until = np.full(model.people.n, -1, dtype=np.int32)  # last day of a woken lurker's boost
        self.posts_mark = model.people.posts_total.copy()  # posts_total at the last perks (activity since)
        self.chats_today: list[tuple[np.ndarray, np.ndarray]] = []  # (lurkers chatted to, woken?) per group

    # ------------------------------------------------------------------ morning
    def plan_day(self, model) -> None:
        p, day, cal = self.params, model.day_state, model.calendar
        live = np.flatnonzero(model.group_sizes > 0)
        self.chats_today = []
        perks_today = p.perks and p.perks_count > 0 and (day.index + 1) % p.perks_every_days == 0
        for g in live:
            g = int(g)
            if p.quiet_hours and self.claim_minutes(g, p.quiet_minutes_per_day, "quiet_hours"):
                for s in self.quiet:
                    day.weight_slot(g, s, 0.0)
                self.log(g, "quiet_hours", slot=",".join(SLOTS[s] for s in self.quiet),
                         organizer_minutes=p.quiet_minutes_per_day)
            if p.games and cal.weekday == p.games_weekday and self.claim_minutes(g, p.games_minutes, "game"):
                day.boost_slot(g, self.games_slot, p.games_posting_boost)
                day.novelty_refresh[g] += p.games_novelty_refresh
                self.log(g, "game", slot=p.games_slot, organizer_minutes=p.games_minutes)
            if p.summaries and (day.index + 1) % p.summary_every_days == 0:
                self._summary(model, g)
            if perks_today:
                self._perks(model, g)
            if p.private_chats and p.chats_per_day > 0:
                self._chats(model, g)
        if perks_today:
            self.posts_mark = model.people.posts_total.copy()
        woken = np.flatnonzero(self.woken_until[day.crowd] >= day.index)
        if len(woken):
            day.crowd_array("post_factor", 1.0)[woken] *= np.float32(p.woken_post_factor)

    def _summary(self, model, g: int) -> None:
        p, day = self.params, model.day_state
        if not self.claim_minutes(g, p.summary_minutes, "summary"):
            return
        day.policy_posts[g] += 1
        day.policy_quality_sum[g] += p.summary_quality
        rows = np.flatnonzero(day.group == g)
        if p.summary_value > 0:
            day.crowd_array("reward", 0.0)[rows] += np.float32(p.summary_value)
        self.log(g, "summary", target_count=len(rows), slot=p.summary_slot, organizer_minutes=p.summary_minutes)

    def _perks(self, model, g: int) -> None:
        """The chosen members get a perk today: value, and yuan or organizer minutes."""
        p, day, people = self.params, model.day_state, model.people
        rows = np.flatnonzero((day.group == g) & ~people.spammer[day.crowd])
        who = day.crowd[rows]
        recent = people.posts_total[who] - self.posts_mark[who]
        if p.perks_target == "high_potential":
            keep = people.tier[who] == HIGH
        else:
            keep = recent > 0
        rows, recent = rows[keep], recent[keep]
        rows = rows[np.argsort(-recent, kind="stable")][: p.perks_count]  # crowd rows are in person order
        if len(rows) == 0:
            return
        money = p.perks_kind in ("material", "monetary")
        minutes = 0.0 if money else p.perks_minutes_each * len(rows)
        if not self.claim_minutes(g, minutes, f"perks_{p.perks_kind}"):
            return
        yuan = p.perks_yuan_each * len(rows) if money else 0.0
        if p.perks_kind == "monetary":
            people.received_yuan[day.crowd[rows]] += p.perks_yuan_each
        day.crowd_array("reward", 0.0)[rows] += np.float32(p.perks_value)
        self.log(g, f"perks_{p.perks_kind}", target_count=len(rows), spend_yuan=yuan, organizer_minutes=minutes,
                 detail=f"{p.perks_target}")

    def _chats(self, model, g: int) -> None:
        """Private chats with lurkers, one at a time while the organizers have time."""
        p, day, people, rng = self.params, model.day_state, model.people, model.rng
        rows = np.flatnonzero(day.group == g)
        who = day.crowd[rows]
        lurking = ((people.last_active_day[who] <= day.index - p.lurker_days) & ~people.spammer[who]
                   & (self.woken_until[who] < day.index))
        rows = rows[lurking]
        if len(rows) == 0:
            return
        rows = rng.permutation(rows)[: p.chats_per_day]
        done = 0
        for _ in rows:  # at most chats_per_day
            if not self.claim_minutes(g, p.chat_minutes, "private_chat"):
                break
            done += 1
        if done == 0:
            return
        rows = rows[:done]
        success = rng.random(done) < p.chat_success_prob
        self.chats_today.append((day.crowd[rows], success))
        woke = rows[success]
        target = day.crowd[woke]
        people.satisfaction[target] = np.minimum(people.satisfaction[target] + np.float32(p.woken_satisfaction_bump),
                                                 np.float32(1.0))
        self.woken_until[target] = day.index + p.woken_days - 1
        self.log(g, "private_chat", target_count=done, organizer_minutes=done * p.chat_minutes,
                 detail=f"{len(woke)} woken")
