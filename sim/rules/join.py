"""Join: people from the pool enter groups along the social graph, and as leads the organizers recruit.

Invitation along ties (fission, 裂变): an outsider with k friends in group g (a KOL counts as
``kols.influence`` friends), of whom an expected
k_active = k x active_share_g are active (the ones who talk about the group and invite), joins with
    p = min(max_join_prob, p_one_active_friend x log2(1 + k_active)) x (min_match + (1 - min_match) x match)
        x liveliness_g
rising with k with diminishing returns as Backstrom, Huttenlocher, Kleinberg & Lan (KDD 2006)
measured; ``match`` is the outsider's interest in the group's topic and ``liveliness_g`` the volume of
talk an invitee sees, 1 - exp(-posts per day / rules.value.volume_scale_posts_per_day). A silent group
stops growing; a full group invites nobody. Recruitment: organizers import leads from the pool
(unscreened: any interest), who accept with ``organizers.lead_accept_prob``. A group never exceeds
its capacity (P6); a person joins at most one group a day. Entry thresholds (policies' ``screen``) filter
the candidates before they are admitted. Parameters: ``rules.join``, ``organizers``.
"""

from __future__ import annotations

import numpy as np

from ..observe import active_share
from ..population import POOL, VIA_INVITED, VIA_RECRUITED
from .core_team import poisson_draws


COMPACT_EVERY_DAYS = 28  # drop stale frontier entries (people who joined or left) this often
FEW_CANDIDATES = 32  # admit up to this many candidates one by one (numpy's per-call cost would dominate)


def join_probability(k_active: np.ndarray, match: np.ndarray, liveliness: np.ndarray, cfg) -> np.ndarray:
    """Daily probability that an outsider with ``k_active`` active friends inside joins (Backstrom et al. 2006)."""
    base = np.minimum(cfg.max_join_prob_per_day, cfg.p_one_active_friend_per_day * np.log2(1.0 + k_active))
    return base * (cfg.min_match + (1.0 - cfg.min_match) * match) * liveliness


def liveliness(model) -> np.ndarray:
    """Per group: how lively it looks to an invitee, from its perceived posts per day."""
    scale = model.config.rules.value.volume_scale_posts_per_day
    return 1.0 - np.exp(-model.groups.volume_posts_per_day / scale)


def invited(model, active: np.ndarray, lively: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Outsiders who accept an invitation along their ties today: (people, groups).

    Exact Bernoulli draws for every frontier entry by thinning: candidates are kept with the largest
    possible probability ``p_max``, then accepted in two stages, first on the friends and the group
    (cheap), then on the person's interest match.
    """
    people, cfg, frontier = model.people, model.config.rules.join, model.people.frontier
    frontier.flush()  # the bound below must cover today's counts
    open_groups = ((lively > 0) & (active > 0)).nonzero()[0]  # a silent or full group invites nobody
    if len(open_groups) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    bound = frontier.max_count * active[open_groups].max()
    p_max = float(join_probability(bound, 1.0, lively[open_groups].max(), cfg))
    keys, k = frontier.draw(open_groups, p_max, model.rng)
    q, g = frontier.decode(keys)
    if len(q) == 0:  # nobody drawn: the stages below would take no random numbers
        return q, g
    social = join_probability(k * active[g], 1.0, lively[g], cfg)  # all but the match factor
    first = (model.rng.random(len(q)) * p_max < social) & (people.status[q] == POOL)
    q, g = q[first], g[first]
    if len(q) == 0:
        return q, g
    match = people.match[q, model.groups.topic[g]]
    accept = model.rng.random(len(q)) < cfg.min_match + (1.0 - cfg.min_match) * match
    return q[accept], g[accept]


def recruited(model) -> tuple[np.ndarray, np.ndarray]:
    """Leads the organizers import from the pool today, who accept: (people, groups)."""
    day, people = model.day_state, model.people
    if not day.leads.any():  # no draws: a Poisson of rate 0 takes no random numbers
        return np.empty(0, np.int64), np.empty(0, np.int64)
    n_leads = poisson_draws(day.leads, model.rng)
    total = int(n_leads.sum())
    if total == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    draw = model.rng.integers(0, people.n, 3 * total + 16)
    pool = draw[people.status[draw] == POOL].tolist()
    draw = np.array(list(dict.fromkeys(pool))[:total], dtype=np.int64)  # each person once, at their first draw
    groups = np.repeat(np.arange(len(n_leads)), n_leads)[: len(draw)]
    accept = model.rng.random(len(draw)) < model.config.organizers.lead_accept_prob
    return draw[accept], groups[accept]


def admit(people: np.ndarray, groups: np.ndarray, room: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Which candidates get in: one group per person, at most ``room[g]`` per group, in random order.

    In a random order of the candidates, a person's first candidacy is the one that counts, and it is
    admitted while its group has room. Returns the admitted candidates' indices, in that order.
    """
    if len(people) == 0:  # nobody (the permutation would take no random numbers either)
        return np.empty(0, np.int64)
    order = rng.permutation(len(people))
    if len(people) <= FEW_CANDIDATES:
        return _admit_in_turn(order, people, groups, room)
    people, groups = people[order], groups[order]
    by_person = np.argsort(people, kind="stable")
    sorted_people = people[by_person]
    keep = np.sort(by_person[np.concatenate(([True], sorted_people[1:] != sorted_people[:-1]))])  # first candidacies
    if (np.bincount(groups[keep], minlength=len(room)) <= room).all():  # room for all
        return order[keep]
    by_group = keep[np.argsort(groups[keep], kind="stable")]
    g_sorted = groups[by_group]
    rank = np.arange(len(by_group)) - np.searchsorted(g_sorted, g_sorted, side="left")
    admitted = np.zeros(len(people), dtype=bool)
    admitted[by_group[rank < room[g_sorted]]] = True
    return order[admitted]


def _admit_in_turn(order: np.ndarray, people: np.ndarray, groups: np.ndarray, room: np.ndarray) -> np.ndarray:
    """``admit`` for a few candidates, one at a time in the given order."""
    person, group, left = people.tolist(), groups.tolist(), room.tolist()
    seen, admitted = set(), []
    for i in order.tolist():
        if person[i] in seen:
            continue
        seen.add(person[i])
        if left[group[i]] > 0:
            left[group[i]] -= 1
            admitted.append(i)
    return np.array(admitted, dtype=np.int64)


def arrive(model) -> None:
    """Today's joins: invitations along ties and recruited leads, within each group's capacity."""
    day, people = model.day_state, model.people
    active = day.active_share if day.active_share is not None else active_share(model)
    room = np.maximum(model.groups.capacity - people.group_sizes(), 0)
    if room.any():
        q, g = invited(model, active, liveliness(model) * (room > 0))  # a full group invites nobody
    else:  # every group is full: no invitations (the frontier still takes today's changes)
        people.frontier.flush()
        q, g = np.empty(0, np.int64), np.empty(0, np.int64)
    n_invited = len(q)  # the candidates: invitees first, then recruits
    rec_q, rec_g = recruited(model)
    if len(rec_q):
        q, g = np.concatenate([q, rec_q]), np.concatenate([g, rec_g])
    if model.policies:  # entry thresholds (sim.policies): candidates who do not pass stay out
        passed = model.policies.screen(model, q, g)
        n_invited = int(passed[:n_invited].sum())
        q, g = q[passed], g[passed]
    chosen = admit(q, g, room, model.rng)
    if len(chosen):
        sat = model.config.rules.satisfaction.start
        invitees = chosen < n_invited
        for v, pick in ((VIA_INVITED, chosen[invitees]), (VIA_RECRUITED, chosen[~invitees])):
            if len(pick) == 0:
                day.joins[v] = 0
                continue
            pick_g = g[pick]
            day.joins[v] = np.bincount(pick_g, minlength=day.n_groups)
            people.add(q[pick], pick_g, day.index, v, sat, model.groups.topic)
        if model.policies:
            model.policies.on_join(model, q[chosen], g[chosen])
    else:
        day.joins[VIA_INVITED] = day.joins[VIA_RECRUITED] = 0
    model.groups.joins_yesterday = day.joins[VIA_INVITED] + day.joins[VIA_RECRUITED]  # founders were welcomed on day 0
    if day.index % COMPACT_EVERY_DAYS == COMPACT_EVERY_DAYS - 1:
        people.frontier.compact(people.status, POOL)
