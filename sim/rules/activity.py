"""Activity: who is online in which slot, and who speaks.

A member is online in slot s with their habitual probability; while online they post at a rate
    posts/day = propensity x tier factor x (newbie question factor) x novelty^a x satisfaction^b
                x liveliness^c x (1 - silence x sensitivity) x calendar factor x (slots online / slots usual).
Newbies ask more in their first ``rules.content.newbie_days``. The lognormal propensity makes most
members lurkers (P5; van Mierlo 2014, the 90-9-1 rule);
bored or unhappy members speak less; people speak where others speak (liveliness, the group's
perceived posts per day, as in ``rules.join.liveliness``; Kraut & Resnick 2012); a dominant voice
silences others (tyranny, DOMAIN.md);
weekends and holidays are livelier (Yuan et al.); on their first full day newcomers post an
introduction with ``intro_post_prob`` (seed texts: 入群后第一动作就是自我介绍); policies may multiply the rate for today
(``Day.post_factor``), or for members online in a slot (``Day.slot_boost``, e.g. a red packet); a slot
may count less or not at all toward the slots online (``Day.slot_weight``, e.g. quiet hours mute it).
Parameters: ``rules.activity``, ``population``.
"""

from __future__ import annotations

import numpy as np

from ..config import SLOTS
from .core_team import poisson_draws
from .join import liveliness

LARGE_RATE = 8.0  # above this, numpy's own Poisson sampler is used
FEW_WALKERS = 32  # up to this many members with an event walk their CDF in Python floats
BYTE_SUM, TOP_BYTE = np.uint64(0x0101010101010101), np.uint64(56)  # (word x BYTE_SUM) >> TOP_BYTE: its bytes' sum


def power(x: np.ndarray, exponent: float) -> np.ndarray:
    """x ** exponent, exact; the common exponents by multiplication and square roots (faster than pow)."""
    if exponent == 0:
        return np.ones_like(x)
    if exponent == 1:
        return x
    if exponent == 2:
        return x * x
    if exponent == 0.5:
        return np.sqrt(x)
    if exponent == 1.5:
        return x * np.sqrt(x)
    return x ** np.float32(exponent)


def poisson(rate: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Poisson draws for many small rates by inverting the CDF (exact; most members draw 0 at once).

    The few with at least one event walk up the CDF in float64, which reaches any float32 uniform
    below 1 long before the terms vanish; the walk also stops if a term underflows. A handful of
    walkers walk one by one in Python floats (the same arithmetic, without numpy's per-call cost).
    """
    rate = rate.astype(np.float32, copy=False)
    u = rng.random(len(rate), dtype=np.float32)
    p0 = np.exp(-rate)
    k = np.zeros(len(rate), dtype=np.int32)
    big = (rate > LARGE_RATE).nonzero()[0]  # numpy's sampler draws these (below)
    idx = (u >= p0).nonzero()[0]
    if big.size:
        idx = idx[rate[idx] <= LARGE_RATE]
    if len(idx) <= FEW_WALKERS:
        k[idx] = [_walk(lam, uu, term) for lam, uu, term in zip(rate[idx].tolist(), u[idx].tolist(), p0[idx].tolist())]
    else:
        lam, uu, term = rate[idx].astype(np.float64), u[idx].astype(np.float64), p0[idx].astype(np.float64)
        cdf = term.copy()
        j = 0
        while idx.size:
            j += 1
            term *= lam / j
            cdf += term
            k[idx] = j
            going = (uu >= cdf) & (term > 0)
            idx, lam, uu, term, cdf = idx[going], lam[going], uu[going], term[going], cdf[going]
    if big.size:
        k[big] = poisson_draws(rate[big], rng)
    return k


def _walk(lam: float, u: float, term: float) -> int:
    """One member's CDF walk, as in ``poisson``: the first count whose CDF exceeds ``u``."""
    cdf, j = term, 0
    while True:
        j += 1
        term *= lam / j
        cdf += term
        if not (u >= cdf and term > 0):
            return j


def post(model) -> None:
    """Draw today's online slots and posts for the crowd; mark speakers active."""
    day, people, cfg = model.day_state, model.people, model.config.rules.activity
    crowd, rng = day.crowd, model.rng
    n = len(crowd)
    habit = people.online.view(np.uint64)[crowd].view(np.uint8)  # (n, 8): one word per person
    draw = rng.integers(0, 2**32, size=(n, 2), dtype=np.uint32).astype("<u4", copy=False)  # rng.bytes(8 n), cheaper
    online = draw.view(np.uint8) < habit  # (n, 8) bool; columns beyond the calendar's slots are never online
    day.online = online[:, : len(SLOTS)]
    slots_online = (online.view(np.uint64)[:, 0] * BYTE_SUM) >> TOP_BYTE
    rate = people.propensity[crowd]
    if model.calendar.activity_factor != 1.0:
        rate *= np.float32(model.calendar.activity_factor)
    asking_factor = np.float32(1.0) + np.float32(model.config.population.newbie_question_factor - 1.0)
    np.multiply(rate, asking_factor, out=rate, where=day.newbies_asking(people, model.config.rules.content.newbie_days))
    rate *= power(people.novelty[crowd], cfg.novelty_exponent)
    rate *= power(people.satisfaction[crowd], cfg.satisfaction_exponent)
    if cfg.interest_exponent:
        rate *= power(people.relevance[crowd], cfg.interest_exponent)
    group_factor = liveliness(model) ** cfg.liveliness_exponent
    group_factor *= 1.0 - model.groups.silence * cfg.silence_sensitivity
    rate *= day.spread(group_factor.astype(np.float32))
    if day.slot_weight is not None:  # policies mute or weight slots (quiet hours): only weighted slots count
        slots_online = (day.online * day.slot_weight[day.group]).sum(axis=1, dtype=np.float32)
    rate *= slots_online / np.maximum(people.expected_online_slots[crowd], np.float32(1e-6))
    if day.post_factor is not None:  # policies' effects on today's posting (sim.policies)
        rate *= day.post_factor
    if day.slot_boost is not None:
        rate *= 1.0 + (day.online * day.slot_boost[day.group]).sum(axis=1, dtype=np.float32)
    posts = poisson(rate, rng)
    if cfg.intro_post_prob > 0:  # yesterday's newcomers introduce themselves (or ask what this is)
        new = np.flatnonzero(people.joined_day[crowd] == day.index - 1)
        posts[new[rng.random(len(new)) < cfg.intro_post_prob]] += 1
    day.posts = posts
    spoke = posts.nonzero()[0]
    speakers = crowd[spoke]
    people.posts_total[speakers] += posts[spoke]
    people.last_active_day[speakers] = day.index
