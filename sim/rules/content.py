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

from ..day import tier_table
from .core_team import float_maximum, float_minimum

FEW_GROUPS = 16  # up to this many groups, the day's climate is computed group by group in Python floats


def produce(model) -> None:
    """Aggregate today's posts per group into volume, mean quality, noise share and silence.

    Only today's speakers add to the per-group sums (the others add zeros), in crowd order."""
    day, cfg = model.day_state, model.config.rules.content
    spoke = day.posts.nonzero()[0]  # crowd rows of today's speakers
    asking = day.newbies_asking(model.people, cfg.newbie_days)
    day.answered = np.zeros(len(day.crowd), dtype=bool)
    (_produce_few if day.n_groups <= FEW_GROUPS else _produce_many)(model, spoke, asking)


def _produce_many(model, spoke: np.ndarray, asking: np.ndarray) -> None:
    """``produce`` as array operations over the groups."""
    day, people, cfg = model.day_state, model.people, model.config.rules.content
    G = day.n_groups
    g, posts, asking = day.group[spoke], day.posts[spoke], asking[spoke]
    spam = people.spammer[day.crowd[spoke]]
    normal = ~spam & ~asking
    quality = tier_table(tuple(cfg.quality_by_tier))[day.tier[spoke]]
    day.member_posts = np.bincount(g, weights=posts, minlength=G)
    day.spam = np.bincount(g, weights=posts * spam, minlength=G)
    day.questions = np.bincount(g, weights=posts * asking, minlength=G)
    normal_quality = np.bincount(g, weights=posts * quality * normal, minlength=G)
    # organizers answer questions up to their capacity; each asker's chance is the group's answered share
    answerable = cfg.peer_answer_share * day.questions + day.answer_capacity
    answered_share = np.divide(np.minimum(answerable, day.questions), day.questions,
                               out=np.zeros(G), where=day.questions > 0)
    day.answered_questions = answered_share * day.questions
    asked = spoke[asking]
    if len(asked):
        day.answered[asked] = model.rng.random(len(asked)) < answered_share[day.group[asked]]
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


def _produce_few(model, spoke: np.ndarray, asking: np.ndarray) -> None:
    """``_produce_many`` for a few groups, group by group in Python floats: the same arithmetic in the
    same order (per-group sums speaker by speaker, as ``np.bincount`` adds them)."""
    day, people, groups, cfg = model.day_state, model.people, model.groups, model.config.rules.content
    G = day.n_groups
    tier_quality = tier_table(tuple(cfg.quality_by_tier)).tolist()  # float32 values as Python floats
    member_posts, spam_posts, questions, normal_quality, member_max = ([0.0] * G for _ in range(5))
    asked = []  # (crowd row, group) of today's askers
    for row, g, posts, is_asking, is_spam, tier in zip(
            spoke.tolist(), day.group[spoke].tolist(), day.posts[spoke].tolist(), asking[spoke].tolist(),
            people.spammer[day.crowd[spoke]].tolist(), day.tier[spoke].tolist()):
        member_posts[g] += posts
        if is_spam:
            spam_posts[g] += posts
        elif is_asking:
            questions[g] += posts
            asked.append((row, g))
        else:
            normal_quality[g] += posts * tier_quality[tier]
        if posts > member_max[g]:
            member_max[g] = float(posts)
    policies = model.policies
    if policies:
        policy_posts, policy_noise = day.policy_posts.tolist(), day.policy_noise_posts.tolist()
        policy_quality = day.policy_quality_sum.tolist()
    capacity, core_posts = day.answer_capacity.tolist(), day.core_posts.tolist()
    core_quality = day.core_quality_sum.tolist()
    core_max, dominance = day.core_max_posts.tolist(), day.loudest_dominance.tolist()
    quality, noise_share = groups.quality.tolist(), groups.noise_share.tolist()
    volume, silence = groups.volume_posts_per_day.tolist(), groups.silence.tolist()
    keep = 0.5 ** (1.0 / cfg.perception_half_life_days)
    threshold = model.config.kols.voice_share_threshold
    span = max(1e-9, 1.0 - threshold)
    # answered questions, group posts, quality, noise, loudest share, share answered
    out = [[0.0] * G for _ in range(6)]
    for g in range(G):
        q = questions[g]
        # organizers answer questions up to their capacity; each asker's chance is the group's answered share
        share = float_minimum(cfg.peer_answer_share * q + capacity[g], q) / q if q > 0 else 0.0
        answered = share * q
        unanswered = q - answered
        ads, posts = spam_posts[g], member_posts[g] + core_posts[g]
        if policies:  # their own posts, and offers or a competitor's ads
            ads, posts = ads + policy_noise[g], posts + policy_posts[g] + policy_noise[g]
        quality_sum = (normal_quality[g] + core_quality[g] + answered * cfg.answered_question_quality
                       + unanswered * cfg.newbie_question_quality + ads * cfg.spam_quality)
        if policies:
            quality_sum += policy_quality[g]
        # silence: the loudest single voice (a KOL or organizer; members rarely dominate)
        loudest = float_maximum(core_max[g], member_max[g])
        has = posts > 0
        mean_quality, noise, loudest_share = ((quality_sum / posts, (ads + unanswered) / posts, loudest / posts)
                                              if has else (0.0, 0.0, 0.0))
        # the perceived climate (Groups.perceive)
        if has:
            quality[g] = keep * quality[g] + (1 - keep) * mean_quality
        noise_share[g] = keep * noise_share[g]
        if has:
            noise_share[g] = noise_share[g] + (1 - keep) * noise
        volume[g] = keep * volume[g] + (1 - keep) * posts
        over = (loudest_share - threshold) / span
        over = 0.0 if over < 0.0 else 1.0 if over > 1.0 else over  # clip(0, 1)
        target = over * (dominance[g] if core_max[g] >= member_max[g] else 0.0)  # members are modest
        silence[g] = keep * silence[g] + (1 - keep) * (target if has else 0.0)
        for column, value in zip(out, (answered, posts, mean_quality, noise, loudest_share, share)):
            column[g] = value
    if asked:
        u = model.rng.random(len(asked)).tolist()
        hit = [row for (row, g), draw in zip(asked, u) if draw < out[5][g]]
        day.answered[hit] = True
    day.member_posts, day.spam, day.questions = np.array(member_posts), np.array(spam_posts), np.array(questions)
    day.answered_questions, day.group_posts, day.quality, day.noise_share, day.loudest_share = (
        np.array(column) for column in out[:5])
    groups.quality, groups.noise_share = np.array(quality), np.array(noise_share)
    groups.volume_posts_per_day, groups.silence = np.array(volume), np.array(silence)


def _max_member_posts(groups: np.ndarray, posts: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group, the most posts by one member today."""
    out = np.zeros(n_groups)
    np.maximum.at(out, groups, posts.astype(np.float64))
    return out
