"""Marketing conversion (转化): offers posted in the group; members buy, buy again, and follow others.

Schedule: from ``start_day`` ("activate first, then convert"), ``times_per_week`` offers per group (at
most one a day), each in ``slot``, written by an organizer in ``minutes_per_offer`` (no time, no offer).
With ``raise_at_peak`` the rate is multiplied by ``peak_factor`` while the group is at its lifecycle
peak: active members at least ``peak_near_share`` of their running maximum and members still growing
over the past week (DOMAIN.md: raise marketing frequency at the lifecycle peak).
An offer is ``offer_posts`` organizer posts, of which ``ad_noise_share`` are noise (ads to the members
not interested); the rest count as organizer content.

Buying: an ordinary member online in the offer's slot who never bought buys with
    p = base_buy_prob x satisfaction x relevance x trust x herd,
    trust = (1 - exp(-tenure / trust_tenure_days) + ties / (ties + rules.value.ties_half_strength)) / 2,
    herd  = 1 + herd_strength x visible / (visible + herd_half_purchases)
where ``visible`` is the group's running count of purchases announced in the group (each buyer
announces with ``announce_prob``; the count decays with ``herd_memory_half_life_days``): a visible
purchase raises others' purchase probability (P10, 羊群效应; "people in a group buy on impulse").
A previous buyer online buys again with ``repurchase_prob x satisfaction`` (复购). Each purchase pays
``price_yuan`` into ``paid_yuan`` and adds one to ``purchases``. Events: ``offer`` (target: members
online in the slot, the reach), ``purchase`` and ``repurchase`` (target: buyers; ``income_yuan`` in the detail,
and in ``Marketing.revenue_yuan``).

Annoyance: each offer beyond ``tolerated_offers_per_week`` in the last 7 days is all noise (every one of
its posts) and adds ``annoyance_per_excess_offer`` to the group's annoyance, which decays with
``annoyance_half_life_days``; every member feels it each day as a noise cost (``Day.annoyance``, times the
tier's ``population.noise_sensitivity_by_tier``), so value and satisfaction fall and the dissatisfied leave
with reason noise (DOMAIN.md: ads drive valued members away). Sources: DOMAIN.md (marketing conversion, P10, KPIs
conversion and repurchase rate); the numbers are assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import SLOTS, _check, _check_choice
from ..observe import active_members
from .base import Policy

WEEK_DAYS = 7


@dataclass(frozen=True)
class MarketingParams:
    """An offer programme: how often, when, at what price, and how members respond."""

    times_per_week: float = 1.0  # offers per group and week (at most 7: one a day); assumption
    start_day: int = 30  # DOMAIN.md: "activate first, then convert"; assumption
    slot: str = "evening"  # Yuan et al.: the evening is the busiest time of the day
    raise_at_peak: bool = True  # DOMAIN.md: raise marketing frequency at the lifecycle peak
    peak_factor: float = 2.0  # rate multiplier at the peak; assumption
    peak_near_share: float = 0.9  # "at the peak": active members >= this share of their running maximum
    minutes_per_offer: float = 15.0  # write, post and answer questions about one offer; assumption
    offer_posts: float = 3.0  # posts per offer (the offer, reminders, answers); assumption
    ad_noise_share: float = 0.5  # share of an offer's posts that are noise to members not interested; assumption
    price_yuan: float = 99.0  # per purchase; assumption (a typical small course or product)
    base_buy_prob: float = 0.05  # per offer seen, at full satisfaction, relevance, trust, no herd; assumption
    trust_tenure_days: float = 60.0  # tenure at which the tenure part of trust is 63 % built; assumption
    herd_strength: float = 1.0  # P10: the most visible purchases can multiply the buy probability by 1 + this
    herd_half_purchases: float = 5.0  # visible purchases at which the herd effect is half its maximum; assumption
    herd_memory_half_life_days: float = 7.0  # how long an announced purchase stays in view; assumption
    announce_prob: float = 0.5  # a buyer announces the purchase in the group (one post); assumption
    repurchase_prob: float = 0.1  # per offer seen by a previous buyer at full satisfaction (复购); assumption
    tolerated_offers_per_week: float = 2.0  # offers beyond this in 7 days annoy; assumption
    annoyance_per_excess_offer: float = 0.02  # noise cost per excess offer (on the rules.value scale); assumption
    annoyance_half_life_days: float = 14.0  # annoyance fades; assumption

    def __post_init__(self) -> None:
        _check(self, "times_per_week", 0.0, 7.0, lo_open=True)
        _check(self, "start_day", 0)
        _check_choice(self, "slot", SLOTS)
        _check(self, "peak_factor", 1.0)
        for name in ("peak_near_share", "ad_noise_share", "base_buy_prob", "announce_prob", "repurchase_prob"):
            _check(self, name, 0.0, 1.0)
        for name in ("minutes_per_offer", "offer_posts", "price_yuan", "herd_strength", "tolerated_offers_per_week",
                     "annoyance_per_excess_offer"):
            _check(self, name, 0.0)
        for name in ("trust_tenure_days", "herd_half_purchases", "herd_memory_half_life_days",
                     "annoyance_half_life_days"):
            _check(self, name, 0.0, lo_open=True)


def trust(tenure_days: np.ndarray, ties: np.ndarray, trust_tenure_days: float, ties_half: float) -> np.ndarray:
    """Trust in the group's offers, in [0, 1): half from tenure, half from friends inside."""
    tenure = 1.0 - np.exp(-np.asarray(tenure_days, dtype=np.float64) / trust_tenure_days)
    ties = np.asarray(ties, dtype=np.float64)
    return 0.5 * (tenure + ties / (ties + ties_half))


def herd_factor(visible: np.ndarray, strength: float, half: float) -> np.ndarray:
    """P10: 1 with no visible purchase, rising with diminishing returns towards 1 + strength."""
    visible = np.asarray(visible, dtype=np.float64)
    return 1.0 + strength * visible / (visible + half)


def buy_probability(base: float, satisfaction: np.ndarray, relevance: np.ndarray, trust_: np.ndarray,
                    herd: np.ndarray) -> np.ndarray:
    """A first purchase per offer seen: base x satisfaction x relevance x trust x herd (at most 1)."""
    return np.minimum(1.0, base * np.asarray(satisfaction, dtype=np.float64) * relevance * trust_ * herd)


class Marketing(Policy):
    """Offers in the group: conversions, repurchases and a herd effect (P10); too many annoy."""

    name = "marketing"
    order = 60
    Params = MarketingParams

    def setup(self, model) -> None:
        G = model.groups.count
        self.slot = SLOTS.index(self.params.slot)
        self.credit = np.zeros(G)  # offers due (one is posted when the credit reaches 1)
        self.visible = np.zeros(G)  # purchases announced in the group, fading (the herd sees these)
        self.annoyance = np.zeros(G)  # value lost by every member per day
        self.offers_by_day = np.zeros((WEEK_DAYS, G), dtype=np.int64)  # ring: offers on each of the last 7 days
        self.sizes_by_day = np.zeros((WEEK_DAYS, G), dtype=np.int64)  # ring: members on each of the last 7 days
        self.peak_active = np.zeros(G, dtype=np.int64)  # running maximum of active members
        self.offering = np.zeros(G, dtype=bool)  # groups with an offer today
        self.offer_detail: dict[int, str] = {}  # today's offers, logged in the slot with their reach
        self.revenue_yuan = 0.0
        self.conversions = 0
        self.repurchases = 0

    def totals(self) -> dict:
        """Revenue, first purchases and repurchases over the run (转化率, 复购率 in DOMAIN.md's KPIs)."""
        return {"revenue_yuan": round(self.revenue_yuan, 2), "conversions": self.conversions,
                "repurchases": self.repurchases}

    # ------------------------------------------------------------------ morning
    def at_peak(self, model) -> np.ndarray:
        """Per group: active members near their running maximum, and members still growing this week."""
        p, ring = self.params, model.day_state.index % WEEK_DAYS
        active = active_members(model)
        self.peak_active = np.maximum(self.peak_active, active)
        sizes = model.group_sizes
        growing = sizes > self.sizes_by_day[ring]  # members a week ago (0 in the first week)
        self.sizes_by_day[ring] = sizes
        return (active > 0) & (active >= p.peak_near_share * self.peak_active) & growing

    def plan_day(self, model) -> None:
        p, day = self.params, model.day_state
        ring = day.index % WEEK_DAYS
        self.offers_by_day[ring] = 0  # the day a week ago leaves the window
        self.offering[:] = False
        self.offer_detail = {}
        self.visible *= 0.5 ** (1.0 / p.herd_memory_half_life_days)
        self.annoyance *= 0.5 ** (1.0 / p.annoyance_half_life_days)
        peak = self.at_peak(model)
        if day.index >= p.start_day:
            rate = p.times_per_week / WEEK_DAYS * np.where(p.raise_at_peak & peak, p.peak_factor, 1.0)
            self.credit = np.minimum(self.credit + rate, 2.0)  # at most one offer a day; no backlog
        sizes = model.group_sizes
        for g in np.flatnonzero((self.credit >= 1.0 - 1e-9) & (sizes > 0)):
            g = int(g)
            self.credit[g] -= 1.0
            if not self.claim_minutes(g, p.minutes_per_offer, "offer"):
                continue
            self.offering[g] = True
            self.offers_by_day[ring, g] += 1
            excess = self.offers_by_day[:, g].sum() > p.tolerated_offers_per_week
            noise = p.offer_posts * (1.0 if excess else p.ad_noise_share)
            day.policy_noise_posts[g] += noise
            day.policy_posts[g] += p.offer_posts - noise
            day.policy_quality_sum[g] += (p.offer_posts - noise) * model.config.organizers.post_quality
            if excess:
                self.annoyance[g] += p.annoyance_per_excess_offer
            tags = [f"price {p.price_yuan:.2f} yuan"]
            tags += ["raised at the peak"] if p.raise_at_peak and peak[g] else []
            tags += ["beyond the tolerated rate"] if excess else []
            self.offer_detail[g] = "; ".join(tags)
        if (self.annoyance > 0).any() and len(day.crowd):
            sensitivity = np.asarray(model.config.population.noise_sensitivity_by_tier)[day.tier]
            day.crowd_array("annoyance", 0.0)[:] += (self.annoyance[day.group] * sensitivity).astype(np.float32)

    # ------------------------------------------------------------------ in the slot
    def react(self, model) -> None:
        if not self.offering.any():
            return
        day, people, p, rng = model.day_state, model.people, self.params, model.rng
        rows = np.flatnonzero(self.offering[day.group] & day.online[:, self.slot])
        who, g = day.crowd[rows], day.group[rows]
        sat = people.satisfaction[who]
        t = trust(day.index - people.joined_day[who], people.ties_inside[who], p.trust_tenure_days,
                  model.config.rules.value.ties_half_strength)
        first = buy_probability(p.base_buy_prob, sat, people.relevance[who], t,
                                herd_factor(self.visible[g], p.herd_strength, p.herd_half_purchases))
        repeat = people.purchases[who] > 0
        prob = np.where(repeat, p.repurchase_prob * sat, first)
        buys = rng.random(len(rows)) < prob
        buyers = who[buys]
        people.purchases[buyers] += 1
        people.paid_yuan[buyers] += p.price_yuan
        announced = buyers[rng.random(len(buyers)) < p.announce_prob]
        model.add_posts(announced, 1)
        G = day.n_groups
        self.visible += np.bincount(people.group[announced], minlength=G)
        seen = np.bincount(g, minlength=G)
        new = np.bincount(g[buys & ~repeat], minlength=G)
        again = np.bincount(g[buys & repeat], minlength=G)
        for grp in np.flatnonzero(self.offering):
            grp = int(grp)
            self.log(grp, "offer", target_count=int(seen[grp]), slot=p.slot, organizer_minutes=p.minutes_per_offer,
                     detail=self.offer_detail[grp])
            for action, n in (("purchase", int(new[grp])), ("repurchase", int(again[grp]))):
                if n:
                    revenue = n * p.price_yuan
                    self.revenue_yuan += revenue
                    self.log(grp, action, target_count=n, slot=p.slot, income_yuan=revenue,
                             detail=f"{n} of {int(seen[grp])} online in the slot")
        self.conversions += int(new.sum())
        self.repurchases += int(again.sum())
