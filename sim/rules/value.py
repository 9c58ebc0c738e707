"""Value: what a day in the group is worth to each member.

    value = w_content x relevance x quality x (1 - exp(-volume / volume_scale))
          + w_ties x ties / (ties + ties_half)          (friends inside: 创造连接)
          + rewards                                     (red packets and perks; policies add them)
          - w_noise x noise share x noise sensitivity   (ads and unanswered noise; DOMAIN.md)
          - annoyance                                   (policies: e.g. too many offers; Day.annoyance)
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
    volume = 1.0 - np.exp(-groups.volume_posts_per_day / cfg.volume_scale_posts_per_day)
    climate = np.array((cfg.content_weight * groups.quality * volume, cfg.noise_weight * groups.noise_share,
                        cfg.silence_weight * groups.silence), dtype=np.float32)  # per group, as members see it
    gross = people.relevance[crowd] * day.spread(climate[0])
    ties = people.ties_inside[crowd]
    gross += cfg.ties_weight * ties / (ties + np.float32(cfg.ties_half_strength))
    if day.reward is not None:
        gross += day.reward
    sensitivity = model.by_tier(model.config.population.noise_sensitivity_by_tier)[crowd]
    day.noise_cost = day.spread(climate[1]) * sensitivity
    if day.annoyance is not None:  # policies' noise felt beyond the noise share (too many offers)
        day.noise_cost = day.noise_cost + day.annoyance
    day.silence_cost = climate[2][day.group]
    day.value = gross - day.noise_cost - day.silence_cost
    day.shortfall = np.maximum(model.expectation[crowd] - gross, np.float32(0.0))
