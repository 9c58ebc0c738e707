"""Groups: the containers. Each has a capacity (500, P6), a topic, an owner and a perceived climate.

The climate is what members judge a group by: recent content quality, volume and noise (smoothed
over ``rules.content.perception_half_life_days``), and how much one voice silences the rest.
"""

from __future__ import annotations

import numpy as np


class Groups:
    """Per-group arrays, indexed by group id."""

    def __init__(self, count: int, capacity: int, topics: np.ndarray, owners: np.ndarray):
        self.count = count
        self.capacity = np.full(count, capacity, dtype=np.int32)
        self.topic = np.asarray(topics, dtype=np.int32)
        self.owner = np.asarray(owners, dtype=np.int64)  # person id of the current owner (-1 = none)
        self.created_day = np.zeros(count, dtype=np.int32)
        self.quality = np.full(count, 0.5, dtype=np.float64)  # perceived mean quality of posts
        self.volume_posts_per_day = np.zeros(count, dtype=np.float64)  # perceived posts/day
        self.noise_share = np.zeros(count, dtype=np.float64)  # perceived share of noise posts
        self.silence = np.zeros(count, dtype=np.float64)  # 0..1: how much one voice drowns others
        self.joins_yesterday = np.zeros(count, dtype=np.int64)

    def perceive(self, quality_today: np.ndarray, posts_today: np.ndarray, noise_today: np.ndarray,
                 half_life_days: float) -> None:
        """Exponential smoothing of today's climate into the perceived climate."""
        keep = 0.5 ** (1.0 / half_life_days)
        has_posts = posts_today > 0
        self.quality = np.where(has_posts, keep * self.quality + (1 - keep) * quality_today, self.quality)
        self.noise_share = np.where(has_posts, keep * self.noise_share + (1 - keep) * noise_today,
                                    keep * self.noise_share)
        self.volume_posts_per_day = keep * self.volume_posts_per_day + (1 - keep) * posts_today
