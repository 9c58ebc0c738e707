"""The day's scratch: what the submodels of one step hand to each other, reset every morning."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import EXIT_REASONS, SLOTS, TIERS
from .population import VIA_NAMES


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

    def __post_init__(self) -> None:
        g = self.n_groups
        z = lambda *shape: np.zeros(shape if shape else (g,), dtype=np.float64)  # noqa: E731
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
        # flows
        self.joins = np.zeros((len(VIA_NAMES), g), dtype=np.int64)  # by via: seed, invited, recruited, moved
        self.moved_out = np.zeros(g, dtype=np.int64)  # members moved to another group (replication, 交叉引入)
        self.exits_by_reason = np.zeros((len(EXIT_REASONS), g), dtype=np.int64)
        self.exits_by_tier = np.zeros((len(TIERS), g), dtype=np.int64)
        self.unhappy_exits_by_tier = np.zeros((len(TIERS), g), dtype=np.int64)  # low value, noise, silenced

    def count_exits(self, reasons, tiers, groups) -> None:
        """Today's exits by reason and by tier per group: one entry per leaver (a reason may be one for all)."""
        np.add.at(self.exits_by_reason, (reasons, groups), 1)
        np.add.at(self.exits_by_tier, (tiers, groups), 1)

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
