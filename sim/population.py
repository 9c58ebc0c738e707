"""MemberTable: the crowd as a structure of arrays, one row per person on the social graph.

A person is in exactly one state: in the pool (never joined), a member of one group, or left (with a
day and a reason; history is kept, nobody is deleted). Ties inside the group and the join frontier
are kept incremental: a join or an exit touches only the changed people's neighbours.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .config import TIERS, PopulationConfig
from .frontier import Frontier
from .graph import SocialGraph

POOL, MEMBER, LEFT = 0, 1, 2
STATUS_NAMES = ("pool", "member", "left")
ROLE_MEMBER, ROLE_OWNER, ROLE_ADMIN, ROLE_KOL = 0, 1, 2, 3
ROLE_NAMES = ("member", "owner", "admin", "kol")
VIA_SEED, VIA_INVITED, VIA_RECRUITED, VIA_MOVED = 0, 1, 2, 3
VIA_NAMES = ("seed", "invited", "recruited", "moved")  # moved: cross-introduced from another group (交叉引入)
HIGH, MID, LOW = 0, 1, 2
NEVER = -1
FEW_NEWCOMERS = 4  # MemberTable.add: up to this many, one person at a time (numpy's per-call cost would dominate)
ONLINE_BYTES = 8  # one byte per slot, padded to 8 so a person's habit is one 64-bit word


def draw_people(n: int, cfg: PopulationConfig, graph: SocialGraph, slot_share: np.ndarray,
                rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw everyone's fixed traits: tier, newbie, spammer, interests, posting propensity, online habit.

    Traits given by a graph file (tier, newbie) override the draws for those people.
    """
    tier = rng.choice(len(TIERS), size=n, p=np.asarray(cfg.tier_shares)).astype(np.int8)
    if graph.tier is not None:
        given = graph.tier >= 0
        tier[given] = graph.tier[given]
    p_newbie = cfg.newbie_share / max(1e-12, 1.0 - cfg.tier_shares[HIGH])  # newbies are mid/low (P4)
    newbie = (rng.random(n) < p_newbie) & (tier != HIGH)
    if graph.newbie is not None:
        given = graph.newbie >= 0
        newbie[given] = graph.newbie[given] == 1
    spammer = (rng.random(n) < cfg.spammer_share) & (tier == LOW)
    interest = rng.dirichlet(np.full(cfg.n_topics, cfg.interest_concentration), size=n)
    if cfg.interest_homophily > 0 and graph.adjacency.nnz:
        # friends share interests (homophily, McPherson et al. 2001): mix in the neighbours' mean
        strength = np.maximum(np.asarray(graph.adjacency.sum(axis=1)), 1e-9)  # tie-strength-weighted mean
        friends = (graph.adjacency @ interest) / strength
        interest = (1 - cfg.interest_homophily) * interest + cfg.interest_homophily * friends
        interest /= interest.sum(axis=1, keepdims=True)
    match = (interest / interest.max(axis=1, keepdims=True)).astype(np.float32)
    propensity = rng.lognormal(np.log(cfg.propensity_median_posts_per_day), cfg.propensity_sigma, n)
    propensity *= np.asarray(cfg.tier_post_factor)[tier]
    habit = rng.lognormal(0.0, cfg.online_sigma, (n, 1)) * np.exp(-cfg.online_sigma**2 / 2)
    online = np.zeros((n, ONLINE_BYTES), dtype=np.uint8)  # probability in 1/256 steps (at most 255/256)
    online[:, : len(slot_share)] = np.minimum(np.round(np.clip(slot_share[None, :] * habit, 0.0, 1.0) * 256), 255)
    return dict(tier=tier, newbie=newbie, spammer=spammer, match=match,
                propensity=propensity.astype(np.float32), online=online)


class MemberTable:
    """Arrays of person state; members are rows with status MEMBER."""

    def __init__(self, traits: dict[str, np.ndarray], graph: SocialGraph, n_groups: int):
        n = len(traits["tier"])
        self.n = n
        self.graph = graph
        self.n_groups = n_groups
        # fixed traits
        self.tier = traits["tier"]
        self.newbie = traits["newbie"]
        self.spammer = traits["spammer"]
        self.match = traits["match"]  # (n, n_topics) interest match in [0, 1], 1 = favourite topic
        self.propensity = traits["propensity"]  # posts/day when online and fully engaged
        self.online = traits["online"]  # (n, 8) uint8: 256 x probability of being online in each slot
        self.expected_online_slots = (self.online.sum(axis=1) / 256.0).astype(np.float32)
        # state
        self.status = np.full(n, POOL, dtype=np.int8)
        self.role = np.zeros(n, dtype=np.int8)
        self.group = np.full(n, -1, dtype=np.int32)
        self.joined_day = np.full(n, NEVER, dtype=np.int32)
        self.left_day = np.full(n, NEVER, dtype=np.int32)
        self.exit_reason = np.full(n, -1, dtype=np.int8)
        self.via = np.full(n, -1, dtype=np.int8)
        self.satisfaction = np.zeros(n, dtype=np.float32)
        self.novelty = np.zeros(n, dtype=np.float32)
        self.ties_inside = np.zeros(n, dtype=np.float32)  # summed tie strength to fellow members
        self.relevance = np.zeros(n, dtype=np.float32)  # interest match with the own group's topic (同好)
        self.pull = np.ones(n, dtype=np.int32)  # friends-inside an outsider counts this member as (KOL influence)
        self.posts_total = np.zeros(n, dtype=np.int32)
        self.received_yuan = np.zeros(n, dtype=np.float64)  # red packets and cash rewards received (policies)
        self.paid_yuan = np.zeros(n, dtype=np.float64)  # fees, deposits and purchases paid (policies)
        self.purchases = np.zeros(n, dtype=np.int32)  # purchases made (marketing conversion)
        self.last_active_day = np.full(n, -(10**6), dtype=np.int32)
        self.frontier = Frontier(n, n_groups)
        self._members: np.ndarray | None = None

    # ------------------------------------------------------------------ views
    @property
    def members(self) -> np.ndarray:
        """Indices of current members (cached until membership changes)."""
        if self._members is None:
            self._members = np.flatnonzero(self.status == MEMBER)
        return self._members

    def group_sizes(self) -> np.ndarray:
        m = self.members
        return np.bincount(self.group[m], minlength=self.n_groups)

    # ------------------------------------------------------------------ membership changes
    def add(self, people: np.ndarray, groups: np.ndarray, day: int, via: int, satisfaction: float,
            group_topics: np.ndarray) -> None:
        """People from the pool join the given groups (one group each); ``group_topics[g]`` is g's topic."""
        people = np.asarray(people, dtype=np.int64)
        if len(people) == 0:
            return
        assert (self.status[people] == POOL).all(), "only people in the pool can join"
        if len(people) <= FEW_NEWCOMERS and np.ndim(day) == 0 and np.ndim(satisfaction) == 0:
            for person, group in zip(people.tolist(), np.asarray(groups).tolist()):
                self._enter(person, group, day, via, satisfaction, group_topics[group])
        else:
            self.status[people] = MEMBER
            self.group[people] = groups
            self.joined_day[people] = day
            self.via[people] = via
            self.satisfaction[people] = satisfaction
            self.novelty[people] = 1.0
            self.ties_inside[people] = 0.0
            self.relevance[people] = self.match[people, group_topics[groups]]
        self._members = None
        src, nbr, w = self.graph.neighbors(people)
        nbr_status = self.status[nbr]
        same = (nbr_status == MEMBER) & (self.group[nbr] == self.group[src])
        # each new member gains every tie to a member of its group; old members gain the new tie
        np.add.at(self.ties_inside, src[same], w[same])
        old = same
        if len(people) > 1:  # ties between newcomers were counted above (one newcomer has no tie to itself)
            joining = np.zeros(self.n, dtype=bool)
            joining[people] = True
            old = same & ~joining[nbr]
        np.add.at(self.ties_inside, nbr[old], w[old])
        outside = nbr_status == POOL
        inviter = src[outside]
        self.frontier.update(nbr[outside], self.group[inviter], self.pull[inviter])

    def _enter(self, person: int, group: int, day: int, via: int, satisfaction: float, topic: int) -> None:
        """``add``'s state changes for one person, by scalar writes."""
        self.status[person] = MEMBER
        self.group[person] = group
        self.joined_day[person] = day
        self.via[person] = via
        self.satisfaction[person] = satisfaction
        self.novelty[person] = 1.0
        self.ties_inside[person] = 0.0
        self.relevance[person] = self.match[person, topic]

    def remove(self, people: np.ndarray, day: int, reason: int | np.ndarray) -> None:
        """Members leave their group for good, with a day and a reason (one, or one each)."""
        people = np.asarray(people, dtype=np.int64)
        if len(people) == 0:
            return
        assert (self.status[people] == MEMBER).all(), "only members can leave"
        self.status[people] = LEFT
        self.left_day[people] = day
        self.exit_reason[people] = reason
        self._untie(people)

    def _untie(self, people: np.ndarray) -> None:
        """Bookkeeping after ``people`` (now LEFT) quit their group: fellow members lose their ties to
        them, outsiders lose them as friends inside (the join frontier)."""
        self._members = None
        src, nbr, w = self.graph.neighbors(people)
        src_group = self.group[src]  # a leaver keeps its last group for the record
        same = (self.status[nbr] == MEMBER) & (self.group[nbr] == src_group)
        touched = nbr[same]
        np.subtract.at(self.ties_inside, touched, w[same])
        self.ties_inside[touched] = np.maximum(self.ties_inside[touched], 0.0)  # float rounding
        outside = self.status[nbr] == POOL
        self.frontier.update(nbr[outside], src_group[outside], -self.pull[src[outside]])

    def move(self, people: np.ndarray, groups: np.ndarray | int, group_topics: np.ndarray) -> None:
        """Members change group without leaving (cross-introduction, 交叉引入), via "moved".

        Ties inside the old group are lost and those inside the new one gained, and the join frontier
        moves with them, exactly as a leave followed by a join; but no exit is recorded and they keep
        their satisfaction and first joining day (tenure). Novelty is refreshed as for any newcomer
        (a new group, new faces). The caller counts the flows (``CommunityModel.move_members``).
        """
        people = np.asarray(people, dtype=np.int64)
        if len(people) == 0:
            return
        assert (self.status[people] == MEMBER).all(), "only members can move"
        assert len(np.unique(people)) == len(people), "a person moves once"
        satisfaction, joined_day = self.satisfaction[people].copy(), self.joined_day[people].copy()
        self.status[people] = LEFT  # for the untying only: no left_day, no exit reason
        self._untie(people)
        self.status[people] = POOL
        groups = np.broadcast_to(np.asarray(groups, dtype=np.int32), people.shape)
        self.add(people, groups, joined_day, VIA_MOVED, satisfaction, group_topics)  # kept per person


    def strengthen(self, a: np.ndarray, b: np.ndarray, delta: float, cap: float = 1.0) -> np.ndarray:
        """Ties between members ``a[i]`` and ``b[i]`` of the same group grow by ``delta`` up to ``cap``.

        A missing tie is created (weak ties become strong: 创造连接, offline events, directed packets);
        the symmetric adjacency and ``ties_inside`` change together. Pairs not in one group are ignored.
        Returns the weight each kept pair gained (after de-duplication), for the record.
        """
        a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
        ok = ((a != b) & (self.status[a] == MEMBER) & (self.status[b] == MEMBER) & (self.group[a] == self.group[b]))
        lo, hi = np.minimum(a[ok], b[ok]), np.maximum(a[ok], b[ok])
        key = np.unique(lo * self.n + hi)
        lo, hi = key // self.n, key % self.n
        if len(lo) == 0:
            return np.empty(0, dtype=np.float32)
        adj = self.graph.adjacency
        current = np.asarray(adj[lo, hi], dtype=np.float32).ravel()
        gain = (np.minimum(current + np.float32(delta), np.float32(cap)) - current).clip(min=0).astype(np.float32)
        bump = sp.csr_matrix((np.concatenate([gain, gain]), (np.concatenate([lo, hi]), np.concatenate([hi, lo]))),
                             shape=adj.shape, dtype=np.float32)
        adj = (adj + bump).tocsr()
        adj.sort_indices()
        self.graph.adjacency = adj
        np.add.at(self.ties_inside, lo, gain)
        np.add.at(self.ties_inside, hi, gain)
        return gain

    def set_pull(self, person: int, pull: int) -> None:
        """Change how many friends a member counts as for the outsiders around them (KOL influence)."""
        change = int(pull) - int(self.pull[person])
        self.pull[person] = pull
        if change and self.status[person] == MEMBER:
            src, nbr, _ = self.graph.neighbors(np.array([person]))
            outside = self.status[nbr] == POOL
            self.frontier.update(nbr[outside], self.group[src[outside]], change)
