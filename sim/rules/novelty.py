"""Novelty: boredom grows with tenure; new people and fresh content refresh it.

    novelty <- novelty x 0.5^(1 / half_life_days) + (1 - novelty) x refresh
    refresh  = refresh_per_newcomer_share x (yesterday's joins / members)
             + refresh_per_fresh_post x (KOL and organizer posts today)
Source: DOMAIN.md (boredom: "no regular activities; activity decays"; the novelty dividend is gone
after about two years, P3). Policies (sharing sessions, games, check-ins) add to the refresh (``Day.novelty_refresh``).
Parameters: ``rules.novelty``.
"""

from __future__ import annotations

import numpy as np


FEW_GROUPS = 16  # up to this many groups, the refresh is computed group by group in Python floats


def update(model) -> None:
    day, people, cfg = model.day_state, model.people, model.config.rules.novelty
    crowd = day.crowd
    refresh = (_refresh_few if day.n_groups <= FEW_GROUPS else _refresh_many)(model)
    n = people.novelty[crowd]
    keep = 0.5 ** (1.0 / cfg.half_life_days)
    people.novelty[crowd] = n * keep + (1.0 - n) * day.spread(refresh)


def _refresh_many(model) -> np.ndarray:
    """Per group, today's refresh (float32), as array operations."""
    day, groups, cfg = model.day_state, model.groups, model.config.rules.novelty
    sizes = np.maximum(model.group_sizes, 1)
    refresh = (cfg.refresh_per_newcomer_share * groups.joins_yesterday / sizes
               + cfg.refresh_per_fresh_post * day.core_posts + day.novelty_refresh)
    return refresh.clip(0.0, 1.0).astype(np.float32)


def _refresh_few(model) -> np.ndarray:
    """``_refresh_many`` group by group in Python floats (the same arithmetic)."""
    day, groups, cfg = model.day_state, model.groups, model.config.rules.novelty
    refresh = []
    for joins, size, posts, extra in zip(groups.joins_yesterday.tolist(), model.group_sizes.tolist(),
                                         day.core_posts.tolist(), day.novelty_refresh.tolist()):
        r = cfg.refresh_per_newcomer_share * joins / max(size, 1) + cfg.refresh_per_fresh_post * posts + extra
        refresh.append(0.0 if r < 0.0 else 1.0 if r > 1.0 else r)  # clip(0, 1)
    return np.array(refresh, dtype=np.float32)
