"""Value: what a day in the group is worth to each member.

    value = w_content x relevance x quality x (1 - exp(-volume / volume_scale))
          + w_ties x ties / (ties + ties_half)          (friends inside: 创造连接)
          + rewards                                     (red packets and perks; policies add them)
          - w_noise x noise share x noise sensitivity   (ads and unanswered noise; DOMAIN.md)
          - w_silence x silence                         (talked over by a dominant voice; tyranny)
Relevance is the member's interest match with the group's topic (同好). Quality, volume, noise and
silence are the group's perceived climate (``groups.Groups``). Parameters: ``rules.value``.
"""

from __future__ import annotations

import numpy as np


def perceive(model) -> None:
    """Compute each crowd member's value today and its parts (kept for exit reasons)."""
    day, people, groups, cfg = model.day_state, model.people, model.groups, model.config.rules.value
    crowd = day.crowd
    g = people.group[crowd]
    relevance = np.take(people.match, crowd * people.match.shape[1] + groups.topic[g])
    volume = 1.0 - np.exp(-groups.volume_posts_per_day / cfg.volume_scale_posts_per_day)
    content = cfg.content_weight * relevance * (groups.quality * volume)[g]
    ties = people.ties_inside[crowd]
    gross = content + cfg.ties_weight * ties / (ties + cfg.ties_half_strength)
    if day.reward is not None:
        gross = gross + day.reward
    sensitivity = np.asarray(model.config.population.noise_sensitivity_by_tier)[people.tier[crowd]]
    day.noise_cost = (cfg.noise_weight * groups.noise_share[g] * sensitivity).astype(np.float32)
    day.silence_cost = (cfg.silence_weight * groups.silence[g]).astype(np.float32)
    day.value = (gross - day.noise_cost - day.silence_cost).astype(np.float32)
    day.shortfall = np.maximum(0.0, model.expectation[crowd] - gross).astype(np.float32)
