"""Groups: the containers. Each has a capacity (500, P6), a topic, an owner and a perceived climate.

The climate is what members judge a group by: recent content quality, volume and noise (smoothed
over ``rules.content.perception_half_life_days``), and how much one voice silences the rest.
"""

from __future__ import annotations

import numpy as np


class Groups:
    """Per-group arrays, indexed by group id.

    ``reserve`` extra slots are allocated unfounded for groups a policy may found during the run
    (replication, ``Policy.extra_groups``): capacity 0 (nobody joins), no owner (-1), not ``founded``,
    until ``found`` opens them.
    """

    def __init__(self, count: int, capacity: int, topics: np.ndarray, owners: np.ndarray, reserve: int = 0):
        self.count = count + reserve  # slots, founded or not
        def pad(values, fill, dtype):  # the founded groups' values, then the reserved slots'
            return np.concatenate([np.asarray(values, dtype=dtype), np.full(reserve, fill, dtype=dtype)])

        self.capacity = pad(np.full(count, capacity), 0, np.int32)
        self.topic = pad(topics, 0, np.int32)
        self.owner = pad(owners, -1, np.int64)  # person id of the current owner (-1 = none)
        self.founded = pad(np.ones(count), False, bool)
        self.founded_day = pad(np.zeros(count), -1, np.int32)  # -1: not founded (yet)
        self.parent = np.full(self.count, -1, dtype=np.int64)  # the group it was cloned from (-1: none)
        self.created_day = self.founded_day  # the same array, older name
        self.quality = np.full(self.count, 0.5, dtype=np.float64)  # perceived mean quality of posts
        self.volume_posts_per_day = np.zeros(self.count, dtype=np.float64)  # perceived posts/day
        self.noise_share = np.zeros(self.count, dtype=np.float64)  # perceived share of noise posts
        self.silence = np.zeros(self.count, dtype=np.float64)  # 0..1: how much one voice drowns others
        self.joins_yesterday = np.zeros(self.count, dtype=np.int64)

    def found(self, group: int, capacity: int, topic: int, owner: int, day: int, parent: int = -1) -> None:
        """Open slot ``group`` as a founded group (its perceived climate starts fresh)."""
        assert not self.founded[group], f"group {group} is already founded"
        self.capacity[group], self.topic[group], self.owner[group] = capacity, topic, owner
        self.founded[group], self.founded_day[group], self.parent[group] = True, day, parent

    def unfounded(self) -> np.ndarray:
        """Slots still free for founding, in order."""
        return np.flatnonzero(~self.founded)

    def perceive(self, quality_today: np.ndarray, posts_today: np.ndarray, noise_today: np.ndarray,
                 half_life_days: float) -> None:
        """Exponential smoothing of today's climate into the perceived climate."""
        keep = 0.5 ** (1.0 / half_life_days)
        has_posts = posts_today > 0
        self.quality = np.where(has_posts, keep * self.quality + (1 - keep) * quality_today, self.quality)
        noise = keep * self.noise_share
        self.noise_share = np.where(has_posts, noise + (1 - keep) * noise_today, noise)
        self.volume_posts_per_day = keep * self.volume_posts_per_day + (1 - keep) * posts_today
