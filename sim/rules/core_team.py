"""Core team: organizers and KOLs plan their day within a time budget, then wear out or burn out.

Plan (morning), per organizer, in order of priority within ``organizers.budget_minutes_per_day`` less an
even share of the minutes the group's policies took this morning (``sim.policies``):
welcome a share of yesterday's newcomers (``minutes_per_welcome`` each), post ~Poisson(posts_per_day x
motivation) notices (``minutes_per_post`` each), recruit leads while the group is below
``recruit_until_members`` (leads_per_day x motivation / team size, ``minutes_per_lead`` each); the
minutes left answer newbie questions (``minutes_per_answer`` each). KOLs post ~Poisson(posts_per_day x
motivation) headline posts. The loudest single core voice and its dominance feed silencing (tyranny).

Review (evening): motivation += -decay + feedback x (active share - reference) - burnout x overload,
where overload = max(0, minutes demanded incl. all of today's questions and all policy work asked for,
granted or not / budget - 1); below
``quit_below_motivation`` the person quits the group (core-team churn, 为爱透支; P3: "even keen admins
rarely last longer than two years"). Parameters: ``organizers``, ``kols``.
"""

from __future__ import annotations

import math

import numpy as np

from ..observe import active_share

FEW = 16  # up to this many core-team slots (or Poisson rates) are handled one by one in Python floats


def poisson_draws(lam: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``rng.poisson(lam)``, the same draws; for a few rates one scalar call each (numpy's array call costs more)."""
    if len(lam) > FEW:
        return rng.poisson(lam)
    return np.array([rng.poisson(x) for x in lam.tolist()], dtype=np.int64)


def plan(model) -> None:
    """Everyone in the core team plans today's posts and work; the day gets the group totals."""
    r = model.team.roster()
    if len(r.slots):
        (_plan_few if len(r.slots) <= FEW else _plan_many)(model, r)


def _plan_many(model, r) -> None:
    """``plan`` for the organizers' day and the group totals, as array operations."""
    team, day, cfg, G = model.team, model.day_state, model.config.organizers, model.groups.count
    slots, g = r.slots, r.group
    motivation = team.motivation[slots]
    posts = poisson_draws(team.posts_per_day[slots] * motivation, model.rng)
    # the organizers' day, in order: welcomes, posts within the time left, leads, then answers
    og, n, org = r.organizer_group, r.team_size, r.organizer  # n: organizers in the group (policies' work is shared)
    budget = max(cfg.budget_minutes_per_day, 0.0)
    if model.policies:  # policies' work comes first
        budget = np.maximum(budget - day.policy_minutes[og] / n, 0.0)
    welcome_need = model.groups.joins_yesterday[og] / n * cfg.minutes_per_welcome
    welcome_done = np.minimum(welcome_need, budget)
    afford = np.floor((budget - welcome_done) / max(cfg.minutes_per_post, 1e-9))
    org_posts = np.minimum(posts[org], afford).astype(np.int64)
    posts[org] = org_posts
    post_minutes = org_posts * cfg.minutes_per_post
    free = budget - welcome_done - post_minutes
    leads = np.where(model.group_sizes[og] < cfg.recruit_until_members,
                     np.minimum(cfg.leads_per_day * motivation[org] / n, free / max(cfg.minutes_per_lead, 1e-9)), 0.0)
    left = np.maximum(0.0, free - leads * cfg.minutes_per_lead)
    welcomed = np.divide(welcome_done, welcome_need, out=np.ones_like(welcome_need), where=welcome_need > 0)
    day.welcome_share += np.bincount(og, weights=welcomed / n, minlength=G)
    day.core_posts += np.bincount(g, weights=posts, minlength=G)
    day.core_quality_sum += np.bincount(g, weights=posts * team.post_quality[slots], minlength=G)
    day.leads += np.bincount(og, weights=leads, minlength=G)
    day.answer_capacity += np.bincount(og, weights=left / max(cfg.minutes_per_answer, 1e-9), minlength=G)
    team.minutes_demanded[r.organizers] = welcome_need + post_minutes + leads * cfg.minutes_per_lead  # KOLs: 0
    # the loudest core voice of each group (ties: the later slot) and how overbearing it is
    order = np.lexsort((posts, g))
    by_group = g[order]
    last = order[np.append(by_group[1:] != by_group[:-1], True)]
    loudest = last[posts[last] > 0]  # a silent core silences nobody
    day.core_max_posts[g[loudest]] = posts[loudest]
    day.loudest_dominance[g[loudest]] = team.dominance[slots[loudest]]
    team.posts_today[slots] = posts
    spoke = posts > 0
    if spoke.any():
        speakers = team.person[slots[spoke]]
        model.people.posts_total[speakers] += posts[spoke]
        model.people.last_active_day[speakers] = day.index


def _plan_few(model, r) -> None:
    """``_plan_many`` for a small core team, slot by slot in Python floats: the same draws and arithmetic
    in the same order (the group totals are summed slot by slot, as ``np.bincount`` does), without
    numpy's per-call cost."""
    team, day, cfg = model.team, model.day_state, model.config.organizers
    v = team.values()
    mot = team.motivation[r.slots].tolist()
    counts = [int(model.rng.poisson(rate * m)) for rate, m in zip(v.posts_per_day, mot)]  # as poisson_draws
    per_group = v.organizers_per_group
    joins, sizes = model.groups.joins_yesterday.tolist(), model.group_sizes.tolist()
    policy_minutes = day.policy_minutes.tolist() if model.policies else None
    welcome_share, leads_sum, answer_capacity, core_posts, core_quality = ({} for _ in range(5))
    loudest: dict[int, tuple[int, int]] = {}  # group -> (posts, slot position) of its loudest voice
    demanded = []
    for i, (g, is_organizer) in enumerate(zip(v.group, v.organizer)):
        if is_organizer:  # welcomes, posts within the time left, leads, then answers
            n = float(per_group[g])
            budget = max(cfg.budget_minutes_per_day, 0.0)
            if policy_minutes is not None:
                budget = float_maximum(budget - policy_minutes[g] / n, 0.0)
            need = joins[g] / n * cfg.minutes_per_welcome
            done = float_minimum(need, budget)
            counts[i] = min(counts[i], math.floor((budget - done) / max(cfg.minutes_per_post, 1e-9)))
            post_minutes = counts[i] * cfg.minutes_per_post
            free = budget - done - post_minutes
            leads = (float_minimum(cfg.leads_per_day * mot[i] / n, free / max(cfg.minutes_per_lead, 1e-9))
                     if sizes[g] < cfg.recruit_until_members else 0.0)
            left = float_maximum(0.0, free - leads * cfg.minutes_per_lead)
            welcome_share[g] = welcome_share.get(g, 0.0) + (done / need if need > 0 else 1.0) / n
            leads_sum[g] = leads_sum.get(g, 0.0) + leads
            answer_capacity[g] = answer_capacity.get(g, 0.0) + left / max(cfg.minutes_per_answer, 1e-9)
            demanded.append(need + post_minutes + leads * cfg.minutes_per_lead)
        core_posts[g] = core_posts.get(g, 0.0) + counts[i]
        core_quality[g] = core_quality.get(g, 0.0) + counts[i] * v.post_quality[i]
        if counts[i] >= loudest.get(g, (0, -1))[0]:
            loudest[g] = (counts[i], i)
    for total, sums in ((day.welcome_share, welcome_share), (day.leads, leads_sum),
                        (day.answer_capacity, answer_capacity), (day.core_posts, core_posts),
                        (day.core_quality_sum, core_quality)):
        for g, s in sums.items():
            total[g] += s
    for g, (most, i) in loudest.items():
        if most > 0:  # a silent core silences nobody
            day.core_max_posts[g], day.loudest_dominance[g] = most, v.dominance[i]
    team.minutes_demanded[r.organizers] = demanded  # KOLs: 0
    posts_today, posts_total, last_active = team.posts_today, model.people.posts_total, model.people.last_active_day
    for slot, person, count in zip(v.slots, v.person, counts):
        posts_today[slot] = count
        if count > 0:
            posts_total[person] += count
            last_active[person] = day.index


def review(model) -> None:
    """Motivation moves with wear, liveliness and overload; those below their threshold quit."""
    team, day = model.team, model.day_state
    r = team.roster()
    if len(r.slots) == 0:
        return
    day.active_share = active_share(model)
    quitting = (_review_few if len(r.slots) <= FEW else _review_many)(model, r)
    for slot in quitting:
        team.agents[slot].quit()


def _review_many(model, r) -> np.ndarray:
    """``review``: the organizers' overload per group and everyone's new motivation, as array operations;
    returns the slots that quit."""
    team, day, cfg, G = model.team, model.day_state, model.config.organizers, model.groups.count
    slots, og, n = r.slots, r.organizer_group, r.team_size
    demanded = team.minutes_demanded[r.organizers] + day.questions[og] / n * cfg.minutes_per_answer
    if model.policies:  # policy work granted and asked for
        demanded += (day.policy_minutes[og] + day.policy_minutes_short[og]) / n
    overload = np.zeros(len(slots))  # KOLs have no budget to overrun
    overload[r.organizer] = np.maximum(0.0, demanded / max(cfg.budget_minutes_per_day, 1e-9) - 1.0)
    n_org = r.organizers_per_group
    day.organizer_overload = np.divide(np.bincount(og, weights=overload[r.organizer], minlength=G), n_org,
                                       out=np.zeros(G), where=n_org > 0)
    share = day.active_share[r.group]
    m = (team.motivation[slots] - team.decay_per_day[slots]
         + team.feedback_per_day[slots] * (share - team.feedback_reference[slots])
         - cfg.burnout_per_overload * overload)
    motivation = m.clip(0.0, 1.0)
    team.motivation[slots] = motivation
    return slots[motivation < team.quit_below[slots]]


def _review_few(model, r) -> list[int]:
    """``_review_many`` for a small core team, slot by slot in Python floats (the same arithmetic)."""
    team, day, cfg, G = model.team, model.day_state, model.config.organizers, model.groups.count
    v = team.values()
    questions, share, per_group = day.questions.tolist(), day.active_share.tolist(), v.organizers_per_group
    policy_work = (day.policy_minutes + day.policy_minutes_short).tolist() if model.policies else None
    minutes, motivation = team.minutes_demanded[r.slots].tolist(), team.motivation[r.slots].tolist()
    overload_sum: dict[int, float] = {}
    new = []
    for i, (g, is_organizer) in enumerate(zip(v.group, v.organizer)):
        overload = 0.0  # KOLs have no budget to overrun
        if is_organizer:
            n = float(per_group[g])
            demanded = minutes[i] + questions[g] / n * cfg.minutes_per_answer
            if policy_work is not None:
                demanded += policy_work[g] / n
            overload = float_maximum(0.0, demanded / max(cfg.budget_minutes_per_day, 1e-9) - 1.0)
            overload_sum[g] = overload_sum.get(g, 0.0) + overload
        m = (motivation[i] - v.decay_per_day[i] + v.feedback_per_day[i] * (share[g] - v.feedback_reference[i])
             - cfg.burnout_per_overload * overload)
        new.append(0.0 if m < 0.0 else 1.0 if m > 1.0 else m)  # m.clip(0, 1)
    day.organizer_overload = np.zeros(G)
    for g, total in overload_sum.items():
        day.organizer_overload[g] = total / per_group[g]
    team.motivation[r.slots] = new
    return [slot for slot, m, below in zip(v.slots, new, v.quit_below) if m < below]


def float_maximum(a: float, b: float) -> float:
    """``np.maximum`` of two floats (ties give b, NaN propagates), unlike the builtin ``max``."""
    return a if a > b or a != a else b


def float_minimum(a: float, b: float) -> float:
    """``np.minimum`` of two floats (ties give b, NaN propagates), unlike the builtin ``min``."""
    return a if a < b or a != a else b
