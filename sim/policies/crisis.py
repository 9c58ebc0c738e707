"""Crisis: a competitor's better offer posted in the group, and the operators' response (or none).

DOMAIN.md names the failure: "unanswered crises: a competitor's better offer posted in the group with
no operator response caused mass exit". On crisis days (``timing=schedule``: on ``schedule_days``;
``timing=random``: each day with ``rate_per_day`` per group) a competitor's plant, a random ordinary
member, posts the offer in ``slot``: ``noise_posts`` posts of noise. Every ordinary member online that
day sees it, and one who sees it leaves for the competitor (exit reason "competitor", after the day's
voluntary exits) with
    p = pull_prob x (1 - satisfaction_shield x satisfaction) x (1 - ties_shield x ties / (ties + ties_half))
        x exit mobility of the tier x the response's factor
(dissatisfied members and those with few friends inside go first; ``ties_half`` is
``rules.value.ties_half_strength``; high-potential members have alternatives, P8). Responses, each
needing organizer time (a leaderless group cannot respond, and a response without time is skipped):

- ``none``: the full pull (mass exit).
- ``rebut``: an organizer answers the offer in the group (``rebut_minutes``); pull x ``rebut_pull_factor``.
- ``counter_offer``: the operator matches it (``counter_minutes``): each member who saw the offer and
  stays gets ``counter_yuan_per_member`` (into ``received_yuan``); pull x ``counter_pull_factor``.
- ``remove``: an organizer deletes the post and evicts the poster at once (``remove_minutes``): only
  members online in the post's slot see it, each with ``remove_seen_share`` (before the deletion); its
  noise shrinks by the same share. Full pull for those who saw it.

Sources: DOMAIN.md (unanswered crises, operators' time); the numbers are assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import SLOTS, _check, _check_choice
from ..population import MEMBER, ROLE_MEMBER
from .base import Policy

TIMINGS = ("schedule", "random")
RESPONSES = ("none", "rebut", "counter_offer", "remove")


@dataclass(frozen=True)
class CrisisParams:
    """When a competitor strikes, how hard it pulls, and how the operators respond."""

    timing: str = "schedule"  # schedule (on schedule_days) or random (rate_per_day); assumption
    schedule_days: tuple[int, ...] = (120,)  # days of the competitor's post; assumption (a grown group draws poachers)
    rate_per_day: float = 0.005  # random: chance per group and day (about twice a year); assumption
    slot: str = "evening"  # when the offer is posted (Yuan et al.: the evening is the busiest time)
    noise_posts: float = 3.0  # the offer and the chatter about it, all noise; assumption
    response: str = "none"  # none | rebut | counter_offer | remove; DOMAIN.md: none causes mass exit
    pull_prob: float = 0.6  # chance that an unhappy member with no friends inside who sees it leaves; assumption
    satisfaction_shield: float = 0.5  # share of the pull a fully satisfied member resists; assumption
    ties_shield: float = 0.5  # share of the pull many friends inside resist (创造连接); assumption
    rebut_minutes: float = 20.0  # an organizer answers the offer in the group; assumption
    rebut_pull_factor: float = 0.5  # the pull left after a rebuttal; assumption
    counter_minutes: float = 30.0  # an organizer designs and posts the counter-offer; assumption
    counter_yuan_per_member: float = 5.0  # paid to each member who saw the offer and stays; assumption
    counter_pull_factor: float = 0.25  # the pull left after a counter-offer; assumption
    remove_minutes: float = 5.0  # delete the post, evict the poster; assumption
    remove_seen_share: float = 0.3  # share of members online in the slot who see it before the deletion; assumption

    def __post_init__(self) -> None:
        _check_choice(self, "timing", TIMINGS)
        _check_choice(self, "slot", SLOTS)
        _check_choice(self, "response", RESPONSES)
        _check(self, "schedule_days", 0)
        for name in ("rate_per_day", "pull_prob", "satisfaction_shield", "ties_shield", "rebut_pull_factor",
                     "counter_pull_factor", "remove_seen_share"):
            _check(self, name, 0.0, 1.0)
        for name in ("noise_posts", "rebut_minutes", "counter_minutes", "counter_yuan_per_member", "remove_minutes"):
            _check(self, name, 0.0)


def pull(satisfaction: np.ndarray, ties: np.ndarray, mobility: np.ndarray, params: CrisisParams,
         ties_half: float, factor: float = 1.0) -> np.ndarray:
    """Chance that a member who sees the competitor's offer leaves for it (at most 1)."""
    p = params
    sat = np.asarray(satisfaction, dtype=np.float64)
    ties = np.asarray(ties, dtype=np.float64)
    shield = (1.0 - p.satisfaction_shield * sat) * (1.0 - p.ties_shield * ties / (ties + ties_half))
    return np.minimum(1.0, p.pull_prob * shield * mobility * factor)


class Crisis(Policy):
    """A competitor's offer in the group; unanswered, a mass exit; answered, a smaller one."""

    name = "crisis"
    order = 90
    Params = CrisisParams

    def setup(self, model) -> None:
        G = model.groups.count
        self.slot = SLOTS.index(self.params.slot)
        self.schedule = frozenset(self.params.schedule_days)
        self.striking = np.zeros(G, dtype=bool)  # groups hit today
        self.responding = np.zeros(G, dtype=bool)  # ... whose organizers had the time to respond
        self.poster = np.full(G, -1, dtype=np.int64)
        self.leavers: list[np.ndarray] = []  # today's members who go to the competitor
        self.evict: list[int] = []  # today's removed posters
        self.counter_yuan = 0.0  # all counter-offer money paid

    # ------------------------------------------------------------------ morning
    def plan_day(self, model) -> None:
        p, day = self.params, model.day_state
        self.striking[:] = False
        self.responding[:] = False
        self.poster[:] = -1
        self.leavers, self.evict = [], []
        has_crowd = np.bincount(day.group, minlength=day.n_groups) > 0
        if p.timing == "random":
            hit = model.rng.random(day.n_groups) < p.rate_per_day
        else:
            hit = np.full(day.n_groups, day.index in self.schedule)
        minutes = {"rebut": p.rebut_minutes, "counter_offer": p.counter_minutes, "remove": p.remove_minutes}
        for g in np.flatnonzero(hit & has_crowd):
            g = int(g)
            rows = np.flatnonzero(day.group == g)
            self.striking[g] = True
            self.poster[g] = day.crowd[rows[model.rng.integers(len(rows))]]
            if p.response != "none":
                self.responding[g] = self.claim_minutes(g, minutes[p.response], p.response)
            seen_share = p.remove_seen_share if self.responding[g] and p.response == "remove" else 1.0
            day.policy_noise_posts[g] += p.noise_posts * seen_share

    # ------------------------------------------------------------------ in the slot
    def react(self, model) -> None:
        if not self.striking.any():
            return
        p, day, people, rng = self.params, model.day_state, model.people, model.rng
        mobility = np.asarray(model.config.population.exit_mobility_by_tier)
        ties_half = model.config.rules.value.ties_half_strength
        factors = {"none": 1.0, "rebut": p.rebut_pull_factor, "counter_offer": p.counter_pull_factor, "remove": 1.0}
        for g in np.flatnonzero(self.striking):
            g = int(g)
            response = p.response if self.responding[g] else "none"
            rows = np.flatnonzero(day.group == g)
            if response == "remove":  # deleted within the slot: seen by some of those online then
                rows = rows[day.online[rows, self.slot]]
                rows = rows[rng.random(len(rows)) < p.remove_seen_share]
            else:  # it stays in the chat: everyone online today scrolls past it
                rows = rows[day.online[rows].any(axis=1)]
            who = day.crowd[rows]
            seen = who[who != self.poster[g]]
            rows = rows[who != self.poster[g]]
            prob = pull(people.satisfaction[seen], people.ties_inside[seen], mobility[day.tier[rows]], p, ties_half,
                        factors[response])
            go = rng.random(len(seen)) < prob
            self.leavers.append(seen[go])
            self.log(g, "competitor_offer", target_count=len(seen), slot=p.slot,
                     detail=f"response: {response}; {int(go.sum())} of {len(seen)} who saw it will leave")
            if response == "rebut":
                self.log(g, "rebut", target_count=len(seen), slot=p.slot, organizer_minutes=p.rebut_minutes)
            elif response == "counter_offer":
                stay = seen[~go]
                people.received_yuan[stay] += p.counter_yuan_per_member
                spend = len(stay) * p.counter_yuan_per_member
                self.counter_yuan += spend
                self.log(g, "counter_offer", target_count=len(stay), slot=p.slot, spend_yuan=spend,
                         organizer_minutes=p.counter_minutes,
                         detail=f"{p.counter_yuan_per_member:.2f} yuan to each member who saw the offer and stays")
            elif response == "remove":
                self.evict.append(int(self.poster[g]))
                self.log(g, "remove", target_count=1, slot=p.slot, organizer_minutes=p.remove_minutes,
                         detail=f"post deleted and poster evicted; {len(seen)} saw it first")

    # ------------------------------------------------------------------ evening
    def after_day(self, model) -> None:
        if not self.leavers and not self.evict:
            return
        people = model.people

        def still(who: np.ndarray) -> np.ndarray:  # not gone today already, and still ordinary members
            return who[(people.status[who] == MEMBER) & (people.role[who] == ROLE_MEMBER)]

        if self.evict:
            model.expel(still(np.array(self.evict, dtype=np.int64)), "evicted")
        for who in self.leavers:
            who = still(who)
            if len(who):
                g = int(people.group[who[0]])
                model.expel(who, "competitor")
                self.log(g, "competitor_exit", target_count=len(who),
                         detail="members left for the competitor's offer")
