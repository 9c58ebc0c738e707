"""The day's scratch: what the submodels of one step hand to each other, reset every morning."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .config import EXIT_REASONS, SLOTS, TIERS
from .population import VIA_NAMES


@functools.lru_cache(maxsize=32)
def tier_table(values: tuple[float, ...]) -> np.ndarray:
    """A value per potential tier as a read-only float32 array, to index with tiers."""
    table = np.asarray(values, dtype=np.float32)
    table.flags.writeable = False
    return table


@dataclass
class Day:
    """Arrays for today. Per-crowd arrays align with ``crowd``; per-group arrays have one entry per group."""

    index: int
    crowd: np.ndarray  # ordinary members (not organizers or KOLs) at the start of the day
    n_groups: int
    group: np.ndarray | None = None  # (len(crowd),) each crowd member's group
    tier: np.ndarray | None = None  # (len(crowd),) each crowd member's potential tier
    online: np.ndarray | None = None  # (len(crowd), slots) bool
    posts: np.ndarray | None = None  # (len(crowd),) posts today
    value: np.ndarray | None = None  # (len(crowd),) perceived value of today
    shortfall: np.ndarray | None = None  # value missing against expectation, before costs
    noise_cost: np.ndarray | None = None
    silence_cost: np.ndarray | None = None
    reward: np.ndarray | None = None  # (len(crowd),) value of rewards received today (policies add to it)
    # effects policies set for today (None = no effect); see sim.policies.base
    post_factor: np.ndarray | None = None  # (len(crowd),) multiplier on the posting rate
    slot_boost: np.ndarray | None = None  # (groups, slots) added to the posting-rate multiplier of members online then
    slot_weight: np.ndarray | None = None  # (groups, slots) how much an online slot counts for posting (0 = muted)
    exit_factor: np.ndarray | None = None  # (len(crowd),) multiplier on both exit hazards
    annoyance: np.ndarray | None = None  # (len(crowd),) noise cost added today (e.g. too many offers)
    answered: np.ndarray | None = None  # (len(crowd),) bool: a question of theirs was answered today
    active_share: np.ndarray | None = None  # per group, after exits (core_team.review), for joins
    asking: np.ndarray | None = None  # (len(crowd),) bool: their posts are questions (``newbies_asking``)

    def __post_init__(self) -> None:
        g = self.n_groups
        rows = iter(np.zeros((23, g)))  # the 23 per-group arrays below: one block, a row each
        z = rows.__next__
        # the core team's plans and capacity (rules.core_team.plan)
        self.core_posts = z()
        self.core_quality_sum = z()
        self.core_max_posts = z()  # posts of the loudest single core voice
        self.loudest_dominance = z()  # that voice's dominance (0 modest .. 1 overbearing)
        self.answer_capacity = z()  # questions the organizers can answer today
        self.welcome_share = z()  # share of yesterday's newcomers welcomed today
        self.leads = z()  # leads the organizers will recruit today
        # content (rules.content)
        self.member_posts = z()
        self.group_posts = z()  # all posts per group, members and core team
        self.questions = z()
        self.answered_questions = z()
        self.spam = z()
        self.quality = z()
        self.noise_share = z()
        self.loudest_share = z()  # share of today's messages by the loudest single voice
        self.organizer_overload = z()  # mean overload of the group's organizers (rules.core_team.review)
        # policies (sim.policies): extra content, novelty, money and organizer time, per group
        self.policy_posts = z()  # posts the policies add (guest talks, notices, summaries)
        self.policy_quality_sum = z()  # their summed quality
        self.policy_noise_posts = z()  # ads and offers the policies or outsiders add (noise)
        self.novelty_refresh = z()  # share of the novelty gap refreshed today by activities
        self.policy_spend_yuan = z()
        self.policy_minutes = z()  # organizer minutes granted to policies today
        self.policy_minutes_short = z()  # minutes policies asked for beyond the budget (overload)
        # flows: one block (for the recorder) of these rows
        V, R, T = len(VIA_NAMES), len(EXIT_REASONS), len(TIERS)
        self.flows = np.zeros((V + R + 2 * T + 1, g), dtype=np.int64)
        self.joins = self.flows[:V]  # by via: seed, invited, recruited, moved
        self.exits_by_reason = self.flows[V:V + R]
        self.exits_by_tier = self.flows[V + R:V + R + T]
        self.unhappy_exits_by_tier = self.flows[V + R + T:V + R + 2 * T]  # low value, noise, silenced
        self.moved_out = self.flows[-1]  # members moved to another group (replication, 交叉引入)

    def count_exits(self, reasons, tiers, groups) -> None:
        """Today's exits by reason and by tier per group: one entry per leaver (a reason may be one for all)."""
        np.add.at(self.exits_by_reason, (reasons, groups), 1)
        np.add.at(self.exits_by_tier, (tiers, groups), 1)

    def newbies_asking(self, people, newbie_days: int) -> np.ndarray:
        """(len(crowd),) bool: newbies who are not spammers, in their first ``newbie_days`` days (computed once)."""
        if self.asking is None:
            crowd = self.crowd
            self.asking = (people.newbie[crowd] & ~people.spammer[crowd]
                           & (self.index - people.joined_day[crowd] < newbie_days))
        return self.asking

    def spread(self, per_group: np.ndarray) -> np.ndarray:
        """Each crowd member's entry of ``per_group``; with one group, its one entry as a 0-d array
        (which broadcasts over the crowd alike)."""
        return per_group[..., 0] if self.n_groups == 1 else per_group[self.group]

    # ------------------------------------------------------------------ helpers for policies
    def rows(self, people: np.ndarray) -> np.ndarray:
        """Crowd rows of ``people`` (who must be ordinary members today; the crowd is sorted)."""
        return np.searchsorted(self.crowd, np.asarray(people, dtype=np.int64))

    def crowd_array(self, name: str, fill: float) -> np.ndarray:
        """Today's per-crowd effect array ``name``, created filled with ``fill`` on first use."""
        arr = getattr(self, name)
        if arr is None:
            arr = np.full(len(self.crowd), fill, dtype=np.float32)
            setattr(self, name, arr)
        return arr

    def boost_slot(self, group: int, slot: int, boost: float) -> None:
        """Members of ``group`` online in ``slot`` post at (1 + boost) x their rate today."""
        if self.slot_boost is None:
            self.slot_boost = np.zeros((self.n_groups, len(SLOTS)), dtype=np.float32)
        self.slot_boost[group, slot] += boost

    def weight_slot(self, group: int, slot: int, weight: float) -> None:
        """Being online in ``slot`` counts ``weight`` x a slot toward posting in ``group`` today (0 mutes it)."""
        if self.slot_weight is None:
            self.slot_weight = np.ones((self.n_groups, len(SLOTS)), dtype=np.float32)
        self.slot_weight[group, slot] *= weight
