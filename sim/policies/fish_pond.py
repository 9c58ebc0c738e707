"""Fish pond (鱼塘理论): mixed leads go into a big pond; those who bite on a topic move to its focused group.

Group ``pond_group`` is the pond: an unscreened group into which the organizers import
``pond_leads_per_day`` leads a day (``organizers.minutes_per_lead`` each; they accept with
``organizers.lead_accept_prob``), whatever its size. Every ``every_days`` days the pond's organizers post
a topic probe (``probe_minutes``), the topic of one focused group (every other founded group, in turn,
skipping full ones). On that day pond members post at 1 + ``probe_boost`` x (their interest match with
the probed topic) times their rate; the ordinary members who post that day while their match is at
least ``respond_match`` have bitten, and in the evening they are moved into the focused group (best
matched first; at most ``max_moves_per_probe`` and the group's free room; ``minutes_per_move`` of the
pond organizers' time each; what does not fit is skipped and counts as overload). A move is not an
exit: the member keeps tenure and satisfaction, leaves the pond's ties and gains the focused group's
(``CommunityModel.move_members``, via "moved"). Needs at least two groups.
Sources: DOMAIN.md (the fish-pond method: put mixed leads in a big pond, watch what each bites on,
move them into focused ponds; segmentation by interest), P1 (an unscreened group of imported leads).
Rates, thresholds and costs are assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import ConfigError, _check
from ..population import MEMBER, ROLE_MEMBER
from .base import Policy


@dataclass(frozen=True)
class FishPondParams:
    """Which group is the pond, how it is stocked, how often it is probed, who bites and how many move."""

    pond_group: int = 0  # DOMAIN.md: one big pond of mixed leads; the other groups are the focused ponds
    pond_leads_per_day: float = 10.0  # assumption: leads imported into the pond a day (unscreened, P1)
    every_days: int = 7  # assumption: a weekly topic probe
    probe_minutes: float = 10.0  # assumption: an organizer writes and posts a probe
    probe_boost: float = 1.0  # assumption: a probe makes a fully matched member post 2 x as much that day
    respond_match: float = 0.7  # assumption: a poster with at least this match with the probed topic has bitten
    max_moves_per_probe: int = 50  # assumption: members moved per probe at most
    minutes_per_move: float = 1.0  # assumption: invite into the focused group, say goodbye in the pond

    def __post_init__(self) -> None:
        _check(self, "pond_group", 0)
        _check(self, "pond_leads_per_day", 0.0, 1000.0)
        _check(self, "every_days", 1)
        _check(self, "probe_minutes", 0.0)
        _check(self, "probe_boost", 0.0)
        _check(self, "respond_match", 0.0, 1.0)
        _check(self, "max_moves_per_probe", 0)
        _check(self, "minutes_per_move", 0.0)


class FishPond(Policy):
    """A pond of imported leads, probed by topic; those who bite move to the focused group (segmentation)."""

    name = "fish_pond"
    order = 35
    Params = FishPondParams

    @classmethod
    def check(cls, params, config) -> None:
        count = config.groups.count
        if count < 2:
            raise ConfigError("policy.fish_pond", f"needs at least 2 groups (a pond and a focused group); "
                                                  f"set groups.count=2 or more (it is {count})")
        if params.pond_group >= count:
            raise ConfigError("policy.fish_pond.pond_group", f"must be a group id below groups.count={count}, "
                                                             f"got {params.pond_group}")

    def setup(self, model) -> None:
        self.rounds = 0  # probes posted so far (the focused groups take turns)
        self.target = -1  # today's probed focused group (-1: none)
        self.responders = np.empty(0, dtype=np.int64)

    def focused(self, model) -> np.ndarray:
        """Founded groups other than the pond (replicated groups join in once founded)."""
        groups = model.groups
        founded = getattr(groups, "founded", np.ones(groups.count, dtype=bool))
        ids = np.flatnonzero(founded)
        return ids[ids != self.params.pond_group]

    # ------------------------------------------------------------------ morning
    def plan_day(self, model) -> None:
        p, day, pond = self.params, model.day_state, self.params.pond_group
        cfg = model.config.organizers
        self.target, self.responders = -1, np.empty(0, dtype=np.int64)
        if model.policies.budget_minutes(pond) <= 0:
            return  # nobody left to run the pond
        if p.pond_leads_per_day > 0 and self.claim_minutes(pond, p.pond_leads_per_day * cfg.minutes_per_lead,
                                                           "import_leads"):
            day.leads[pond] += p.pond_leads_per_day
            self.log(pond, "import_leads", target_count=round(p.pond_leads_per_day),
                     organizer_minutes=p.pond_leads_per_day * cfg.minutes_per_lead,
                     detail=f"{p.pond_leads_per_day:g} leads/day into the pond")
        if day.index == 0 or day.index % p.every_days:
            return
        focused = self.focused(model)
        room = model.groups.capacity[focused] - model.group_sizes[focused]
        open_ = focused[room > 0]
        if len(open_) == 0 or not self.claim_minutes(pond, p.probe_minutes, "probe"):
            return
        target = int(open_[self.rounds % len(open_)])
        self.rounds += 1
        self.target = target
        topic = model.groups.topic[target]
        day.policy_posts[pond] += 1
        day.policy_quality_sum[pond] += cfg.post_quality
        rows = np.flatnonzero(day.group == pond)
        if len(rows) and p.probe_boost > 0:
            match = model.people.match[day.crowd[rows], topic]
            day.crowd_array("post_factor", 1.0)[rows] *= (1.0 + p.probe_boost * match).astype(np.float32)

    # ------------------------------------------------------------------ in the day
    def react(self, model) -> None:
        if self.target < 0:
            return
        day, people = model.day_state, model.people
        rows = np.flatnonzero((day.group == self.params.pond_group) & (day.posts > 0))
        who = day.crowd[rows]
        match = people.match[who, model.groups.topic[self.target]]
        bit = match >= self.params.respond_match
        order = np.argsort(-match[bit], kind="stable")  # best matched first
        self.responders = who[bit][order]

    # ------------------------------------------------------------------ evening
    def after_day(self, model) -> None:
        if self.target < 0:
            return
        p, people, pond, target = self.params, model.people, self.params.pond_group, self.target
        who = self.responders
        self.log(pond, "probe", target_count=len(who), organizer_minutes=p.probe_minutes,
                 detail=f"topic {model.groups.topic[target]} of group {target}: {len(who)} bit")
        who = who[(people.status[who] == MEMBER) & (people.role[who] == ROLE_MEMBER) & (people.group[who] == pond)]
        room = int(model.groups.capacity[target] - np.count_nonzero(people.group[people.members] == target))
        who = who[: max(0, min(room, p.max_moves_per_probe))]
        k = len(who)
        if p.minutes_per_move > 0 and k:
            left = model.policies.budget_minutes(pond) - model.day_state.policy_minutes[pond]
            k = min(k, max(0, int(np.floor((left + 1e-9) / p.minutes_per_move))))
            if k:
                self.claim_minutes(pond, k * p.minutes_per_move, "move")
            if k < len(who):  # denied: logged as skipped, counts as overload
                self.claim_minutes(pond, (len(who) - k) * p.minutes_per_move, "move")
        if k:
            model.move_members(who[:k], target)
            self.log(pond, "move", target_count=k, organizer_minutes=k * p.minutes_per_move,
                     detail=f"to group {target} (topic {model.groups.topic[target]})")
        self.target, self.responders = -1, np.empty(0, dtype=np.int64)
