"""Content: the volume, quality and noise of today's posts, by author.

Quality by author: high-potential members and KOLs raise the average, low-tier posts lower it
(``rules.content.quality_by_tier``); in their first ``newbie_days`` newbies' posts are questions, which
other members answer in part (``peer_answer_share``) and organizers answer while their time lasts
(answered: useful; unanswered: noise); spammers post ads (noise). The loudest
single voice's share of messages makes the silence level: above ``kols.voice_share_threshold`` a
voice drowns others in proportion to its dominance (tyranny, DOMAIN.md). Sources: P8 (quality falls
as noise rises), Arguello et al. CHI 2006 (answered newcomers). Policies add content of their own
(``Day.policy_posts`` with ``policy_quality_sum``: guest talks, summaries) and noise (``policy_noise_posts``:
offers, a competitor's ads).
"""

from __future__ import annotations

import numpy as np


def produce(model) -> None:
    """Aggregate today's posts per group into volume, mean quality, noise share and silence."""
    day, people, cfg = model.day_state, model.people, model.config.rules.content
    crowd, posts = day.crowd, day.posts
    g = day.group
    G = day.n_groups
    spam = people.spammer[crowd]
    asking = day.newbies_asking(people, cfg.newbie_days)
    normal = ~spam & ~asking
    quality = np.asarray(cfg.quality_by_tier, dtype=np.float32)[day.tier]
    day.member_posts = np.bincount(g, weights=posts, minlength=G)
    day.spam = np.bincount(g, weights=posts * spam, minlength=G)
    day.questions = np.bincount(g, weights=posts * asking, minlength=G)
    normal_quality = np.bincount(g, weights=posts * quality * normal, minlength=G)
    # organizers answer questions up to their capacity; each asker's chance is the group's answered share
    answerable = cfg.peer_answer_share * day.questions + day.answer_capacity
    answered_share = np.divide(np.minimum(answerable, day.questions), day.questions,
                               out=np.zeros(G), where=day.questions > 0)
    day.answered_questions = answered_share * day.questions
    asked = (asking & (posts > 0)).nonzero()[0]
    day.answered = np.zeros(len(crowd), dtype=bool)
    if len(asked):
        day.answered[asked] = model.rng.random(len(asked)) < answered_share[g[asked]]
    unanswered = day.questions - day.answered_questions
    ads, day.group_posts = day.spam, day.member_posts + day.core_posts
    if model.policies:  # their own posts, and offers or a competitor's ads
        ads, day.group_posts = ads + day.policy_noise_posts, day.group_posts + day.policy_posts + day.policy_noise_posts
    quality_sum = (normal_quality + day.core_quality_sum + day.answered_questions * cfg.answered_question_quality
                   + unanswered * cfg.newbie_question_quality + ads * cfg.spam_quality)
    if model.policies:
        quality_sum += day.policy_quality_sum
    # silence: the loudest single voice (a KOL or organizer; members rarely dominate)
    member_max = _max_member_posts(g, posts, G)
    loudest = np.maximum(day.core_max_posts, member_max)
    has = day.group_posts > 0
    # per group: mean quality, noise share, and the loudest voice's share of today's messages
    shares = np.divide(np.array((quality_sum, ads + unanswered, loudest)),
                       day.group_posts, out=np.zeros((3, G)), where=has)
    day.quality, day.noise_share, day.loudest_share = shares[0], shares[1], shares[2]
    model.groups.perceive(day.quality, day.group_posts, day.noise_share, cfg.perception_half_life_days)
    threshold = model.config.kols.voice_share_threshold
    over = ((day.loudest_share - threshold) / max(1e-9, 1.0 - threshold)).clip(0.0, 1.0)
    target = over * np.where(day.core_max_posts >= member_max, day.loudest_dominance, 0.0)  # members are modest
    keep = 0.5 ** (1.0 / cfg.perception_half_life_days)
    model.groups.silence = keep * model.groups.silence + (1 - keep) * np.where(has, target, 0.0)


def _max_member_posts(groups: np.ndarray, posts: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group, the most posts by one member today."""
    out = np.zeros(n_groups)
    np.maximum.at(out, groups, posts.astype(np.float64))
    return out
