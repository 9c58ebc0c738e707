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

import numpy as np

from ..observe import active_share


def plan(model) -> None:
    """Everyone in the core team plans today's posts and work; the day gets the group totals."""
    team, day, cfg, G = model.team, model.day_state, model.config.organizers, model.groups.count
    slots = team.active_slots()
    if len(slots) == 0:
        return
    posts = model.rng.poisson(team.posts_per_day[slots] * team.motivation[slots])
    g = team.group[slots]
    org = team.organizer[slots]
    size = np.bincount(g[org], minlength=G).astype(np.float64)  # organizers per group
    n = np.maximum(size[g], 1.0)
    budget = np.maximum(cfg.budget_minutes_per_day - day.policy_minutes[g] / n, 0.0)  # policies' work comes first
    welcome_need = np.where(org, model.groups.joins_yesterday[g] / n * cfg.minutes_per_welcome, 0.0)
    welcome_done = np.minimum(welcome_need, budget)
    afford = np.floor((budget - welcome_done) / max(cfg.minutes_per_post, 1e-9))
    posts = np.where(org, np.minimum(posts, afford), posts).astype(np.int64)
    post_minutes = np.where(org, posts * cfg.minutes_per_post, 0.0)
    recruiting = org & (model.group_sizes[g] < cfg.recruit_until_members)
    leads = np.where(recruiting, np.minimum(cfg.leads_per_day * team.motivation[slots] / n,
                                            (budget - welcome_done - post_minutes) / max(cfg.minutes_per_lead, 1e-9)),
                     0.0)
    left = np.where(org, np.maximum(0.0, budget - welcome_done - post_minutes - leads * cfg.minutes_per_lead), 0.0)
    welcomed = np.divide(welcome_done, welcome_need, out=np.ones_like(welcome_need), where=welcome_need > 0)
    day.welcome_share += np.bincount(g[org], weights=welcomed[org] / n[org], minlength=G)
    day.core_posts += np.bincount(g, weights=posts, minlength=G)
    day.core_quality_sum += np.bincount(g, weights=posts * team.post_quality[slots], minlength=G)
    day.leads += np.bincount(g, weights=leads, minlength=G)
    day.answer_capacity += np.bincount(g, weights=left / max(cfg.minutes_per_answer, 1e-9), minlength=G)
    # the loudest core voice of each group (ties: the later slot) and how overbearing it is
    order = np.lexsort((posts, g))
    last = np.flatnonzero(np.r_[g[order][1:] != g[order][:-1], True])
    loudest = order[last]
    loudest = loudest[posts[loudest] > 0]  # a silent core silences nobody
    day.core_max_posts[g[loudest]] = posts[loudest]
    day.loudest_dominance[g[loudest]] = team.dominance[slots][loudest]
    team.posts_today[slots] = posts
    spoke = posts > 0
    model.people.posts_total[team.person[slots][spoke]] += posts[spoke]
    model.people.last_active_day[team.person[slots][spoke]] = day.index
    team.minutes_demanded[slots] = welcome_need + post_minutes + leads * cfg.minutes_per_lead


def review(model) -> None:
    """Motivation moves with wear, liveliness and overload; those below their threshold quit."""
    team, day, cfg, G = model.team, model.day_state, model.config.organizers, model.groups.count
    slots = team.active_slots()
    if len(slots) == 0:
        return
    g = team.group[slots]
    org = team.organizer[slots]
    size = np.maximum(np.bincount(g[org], minlength=G), 1)
    policy_work = day.policy_minutes + day.policy_minutes_short  # granted, and asked for beyond the budget
    demanded = (team.minutes_demanded[slots] + day.questions[g] / size[g] * cfg.minutes_per_answer
                + policy_work[g] / size[g])
    overload = np.where(org, np.maximum(0.0, demanded / max(cfg.budget_minutes_per_day, 1e-9) - 1.0), 0.0)
    n_org = np.bincount(g[org], minlength=G)
    day.organizer_overload = np.divide(np.bincount(g[org], weights=overload[org], minlength=G), n_org,
                                       out=np.zeros(G), where=n_org > 0)
    day.active_share = active_share(model)
    share = day.active_share[g]
    m = (team.motivation[slots] - team.decay_per_day[slots]
         + team.feedback_per_day[slots] * (share - team.feedback_reference[slots])
         - cfg.burnout_per_overload * overload)
    team.motivation[slots] = np.clip(m, 0.0, 1.0)
    for slot in slots[team.motivation[slots] < team.quit_below[slots]]:
        team.agents[slot].quit()
