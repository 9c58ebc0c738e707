"""The parameter schema: frozen dataclasses with units in their names.

Every field has a default with its source in the comment beside it: a seed pattern (P1-P10 in
DOMAIN.md), a paper, or "assumption" where the texts give no number (to be calibrated by the
pattern suite). Hydra composes YAML from ``conf/`` (where ``conf/scenario`` links to ``scenarios/``)
over this schema, so an
unknown key or a wrong type fails at composition; ``build`` then turns the composed tree into these
dataclasses, whose ``__post_init__`` checks ranges and names the full dotted key on failure.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import typing
from dataclasses import dataclass, field
from typing import Any

TIERS = ("high", "mid", "low")
SLOTS = ("morning", "noon", "afternoon", "end_of_workday", "evening", "after_21", "night")
# burnout: a core-team member quits; evicted: removed by a policy (eviction, elimination, curation);
# competitor: left for a competitor's offer (crisis)
EXIT_REASONS = ("low_value", "boredom", "noise", "silenced", "burnout", "evicted", "competitor")
GRAPH_KINDS = ("scale_free", "small_world", "circles", "file")


class ConfigError(ValueError):
    """A configuration value is wrong; ``key`` is the dotted path of the offending entry."""

    def __init__(self, key: str, message: str):
        self.key = key
        self.message = message
        super().__init__(f"{key}: {message}")

    def under(self, prefix: str) -> "ConfigError":
        return ConfigError(f"{prefix}.{self.key}" if prefix else self.key, self.message)


def _check(cfg: Any, name: str, lo: float | None = None, hi: float | None = None,
           *, lo_open: bool = False) -> None:
    """Raise ConfigError if ``cfg.name`` (a number or a sequence of numbers) leaves [lo, hi]."""
    value = getattr(cfg, name)
    values = value if isinstance(value, (tuple, list)) else (value,)
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or (isinstance(v, float) and math.isnan(v)):
            raise ConfigError(name, f"expected a number, got {v!r}")
        if lo is not None and (v <= lo if lo_open else v < lo):
            bound = f"> {lo}" if lo_open else f">= {lo}"
            raise ConfigError(name, f"must be {bound}, got {v}")
        if hi is not None and v > hi:
            raise ConfigError(name, f"must be <= {hi}, got {v}")


def _check_shares(cfg: Any, name: str, n: int) -> None:
    shares = getattr(cfg, name)
    if len(shares) != n:
        raise ConfigError(name, f"expected {n} values, got {len(shares)}")
    _check(cfg, name, 0.0, 1.0)
    if abs(sum(shares) - 1.0) > 1e-6:
        raise ConfigError(name, f"shares must sum to 1, got {sum(shares):.4g}")


def _check_choice(cfg: Any, name: str, choices: tuple[str, ...]) -> None:
    if getattr(cfg, name) not in choices:
        raise ConfigError(name, f"must be one of {', '.join(choices)}; got {getattr(cfg, name)!r}")


CHINA_HOLIDAYS = (
    "2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-21",
    "2026-02-22", "2026-04-05", "2026-05-01", "2026-05-02", "2026-05-03", "2026-06-19", "2026-09-25",
    "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07",
    "2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10",
    "2027-02-11", "2027-04-05", "2027-05-01", "2027-05-02", "2027-05-03", "2027-06-09", "2027-09-15",
    "2027-10-01", "2027-10-02", "2027-10-03", "2027-10-04", "2027-10-05", "2027-10-06", "2027-10-07",
    "2028-01-01", "2028-01-25", "2028-01-26", "2028-01-27", "2028-01-28", "2028-01-29", "2028-01-30",
    "2028-01-31", "2028-04-04", "2028-05-01", "2028-05-02", "2028-05-03", "2028-05-28", "2028-10-01",
    "2028-10-02", "2028-10-03", "2028-10-04", "2028-10-05", "2028-10-06", "2028-10-07",
)


# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScenarioMeta:
    """What a named preset asks and what it expects; copied into summary.json."""

    name: str = "default"  # the preset's name (scenarios/<name>.yaml)
    question: str = "How does a keen group with no operating policy live and die?"  # what the preset asks
    # what the preset expects to see, and the source of that expectation
    expected: str = "germination, fast growth, an active plateau, decline and dormancy within about two years"
    source: str = "P3 (DOMAIN.md): a group's natural life without renewal is about two years"  # cited


@dataclass(frozen=True)
class CalendarConfig:
    """Days, weekdays, holidays and the intra-day slots in which members are online."""

    start_date: str = "2026-01-05"  # a Monday; any ISO date
    # Public holidays (ISO dates): mainland China 2026-2028 (State Council notices; lunar festivals by
    # date). Packets and chat cluster on festivals (Yuan et al. 2016-2017, WeChat red packets).
    holidays: tuple[str, ...] = CHINA_HOLIDAYS
    weekend_activity_factor: float = 1.1  # assumption: leisure chat rises at weekends
    holiday_activity_factor: float = 1.3  # Yuan et al.: activity clusters at festivals
    # Share of a typical member's days on which they are online in each slot, in SLOTS order.
    # Assumption shaped on Yuan et al. (evening peak) and the seeds' timing advice (noon, end of
    # workday, after 21:00).
    slot_online_share: tuple[float, ...] = (0.30, 0.45, 0.30, 0.40, 0.50, 0.55, 0.05)

    def __post_init__(self) -> None:
        import datetime as dt

        for name in ("start_date", *[f"holidays[{i}]" for i in range(len(self.holidays))]):
            value = self.start_date if name == "start_date" else self.holidays[int(name[9:-1])]
            try:
                dt.date.fromisoformat(value)
            except (TypeError, ValueError):
                raise ConfigError(name, f"not an ISO date (YYYY-MM-DD): {value!r}") from None
        _check(self, "weekend_activity_factor", 0.0, lo_open=True)
        _check(self, "holiday_activity_factor", 0.0, lo_open=True)
        if len(self.slot_online_share) != len(SLOTS):
            raise ConfigError("slot_online_share", f"expected {len(SLOTS)} values ({', '.join(SLOTS)})")
        _check(self, "slot_online_share", 0.0, 1.0)


@dataclass(frozen=True)
class GraphConfig:
    """The social graph of everyone who could ever join: generated, or read from a file."""

    kind: str = "scale_free"  # scale_free | small_world | circles | file
    path: str | None = None  # for kind=file: edge list (.edgelist/.txt/.csv), .graphml, .gml, .gexf
    mean_degree: int = 10  # assumption: WeChat contacts inside one population of interest
    triangle_prob: float = 0.3  # scale_free: Holme-Kim triad formation probability (clustering)
    rewire_prob: float = 0.1  # small_world: Watts-Strogatz rewiring probability
    # circles: block model of work/life/interest/kin circles (DOMAIN.md, 职业圈/生活圈/兴趣圈/血缘圈)
    circle_sizes: tuple[int, ...] = (30, 40, 25, 8)  # people per circle: work, life, interest, kin
    circle_within_degree: tuple[float, ...] = (3.0, 2.0, 3.0, 2.5)  # expected ties inside each circle
    circle_tie_strength: tuple[float, ...] = (0.5, 0.6, 0.4, 1.0)  # tie weight by circle
    cross_degree: float = 1.0  # random ties across circles per person
    weak_tie_strength: float = 0.3  # weight of weak ties (cross-circle, most generated ties, unweighted files)
    strong_tie_share: float = 0.2  # scale_free/small_world: share of ties that are strong (Granovetter 1973)
    strong_tie_strength: float = 1.0  # weight of strong ties (Granovetter 1973: close friends, kin)

    def __post_init__(self) -> None:
        _check_choice(self, "kind", GRAPH_KINDS)
        if self.kind == "file" and not self.path:
            raise ConfigError("path", "graph=file needs graph.path=<edge list, GraphML, GML or GEXF file>")
        _check(self, "mean_degree", 2)
        _check(self, "triangle_prob", 0.0, 1.0)
        _check(self, "rewire_prob", 0.0, 1.0)
        n = len(self.circle_sizes)
        for name in ("circle_within_degree", "circle_tie_strength"):
            if len(getattr(self, name)) != n:
                raise ConfigError(name, f"expected {n} values, one per circle in circle_sizes")
        _check(self, "circle_sizes", 2)
        _check(self, "circle_within_degree", 0.0)
        _check(self, "circle_tie_strength", 0.0, 1.0, lo_open=True)
        _check(self, "cross_degree", 0.0)
        _check(self, "weak_tie_strength", 0.0, 1.0, lo_open=True)
        _check(self, "strong_tie_share", 0.0, 1.0)
        _check(self, "strong_tie_strength", 0.0, 1.0, lo_open=True)


@dataclass(frozen=True)
class PopulationConfig:
    """Everyone on the social graph: potential tier, newbies, spammers, interests, habits."""

    size: int = 3000  # people on the graph (ignored for graph=file: the file decides)
    tier_shares: tuple[float, ...] = (0.1, 0.3, 0.6)  # high, mid, low; assumption (P8 needs a minority of high)
    newbie_share: float = 1 / 3  # P4: about a third of members are newbies (小白)
    spammer_share: float = 0.02  # share of low-tier people who post ads (DOMAIN.md: 发小广告); assumption
    n_topics: int = 8  # interest dimensions; assumption
    interest_concentration: float = 0.3  # Dirichlet alpha of a person's interests; small = focused
    interest_homophily: float = 0.5  # share of interests taken from friends (McPherson et al. 2001)
    # Posting propensity: lognormal posts/day when online and fully engaged. Heavy-tailed so most
    # members lurk (P5; van Mierlo 2014: the top 1 % wrote 74.7 % of posts, the next 9 % 24.0 %, the rest 1.3 %).
    propensity_median_posts_per_day: float = 0.015
    propensity_sigma: float = 2.3  # lognormal sigma; heavy tail calibrated toward 90-9-1 (van Mierlo 2014)
    tier_post_factor: tuple[float, ...] = (2.0, 1.0, 0.6)  # high, mid, low; high-potential members produce more
    newbie_question_factor: float = 1.5  # newbies post more, and their posts are questions
    # Daily online habit: a person's slot probabilities are the calendar's shares times a lognormal
    # personal factor (habits differ); assumption.
    online_sigma: float = 0.5
    expectation_by_tier: tuple[float, ...] = (0.30, 0.20, 0.10)  # value expected; high expect more (P8)
    exit_mobility_by_tier: tuple[float, ...] = (1.5, 1.0, 0.5)  # high-potential have alternatives (P8)
    noise_sensitivity_by_tier: tuple[float, ...] = (1.5, 1.0, 0.5)  # DOMAIN.md: spam drives valued members away

    def __post_init__(self) -> None:
        _check(self, "size", 10)
        _check_shares(self, "tier_shares", len(TIERS))
        _check(self, "newbie_share", 0.0, 1.0)
        _check(self, "spammer_share", 0.0, 1.0)
        _check(self, "n_topics", 1)
        _check(self, "interest_concentration", 0.0, lo_open=True)
        _check(self, "interest_homophily", 0.0, 1.0)
        _check(self, "propensity_median_posts_per_day", 0.0, lo_open=True)
        _check(self, "propensity_sigma", 0.0, 5.0)
        _check(self, "newbie_question_factor", 0.0)
        _check(self, "online_sigma", 0.0, 3.0)
        for name in ("tier_post_factor", "expectation_by_tier", "exit_mobility_by_tier",
                     "noise_sensitivity_by_tier"):
            if len(getattr(self, name)) != len(TIERS):
                raise ConfigError(name, f"expected {len(TIERS)} values (high, mid, low)")
            _check(self, name, 0.0)
        _check(self, "expectation_by_tier", 0.0, 1.0)
        if self.newbie_share > 1.0 - self.tier_shares[0]:
            raise ConfigError("newbie_share",
                              "newbies are drawn from mid and low tiers; lower it below 1 - tier_shares[0]")


@dataclass(frozen=True)
class GroupsConfig:
    """The chat groups: how many, how big they may grow, how they start."""

    count: int = 1  # groups founded at the start (DOMAIN.md: 10k-100k users are many groups of 500)
    capacity: int = 500  # P6: a WeChat group holds at most 500 people
    seed_users: int = 15  # founder's friends who shape the group first (DOMAIN.md: 种子用户); assumption
    admins: int = 1  # admins besides the owner
    kols: int = 1  # key opinion leaders among the seed users

    def __post_init__(self) -> None:
        _check(self, "count", 1)
        _check(self, "capacity", 2)
        _check(self, "seed_users", 0)
        _check(self, "admins", 0)
        _check(self, "kols", 0)
        if self.seed_users + 1 > self.capacity:
            raise ConfigError("seed_users",
                              f"the owner and {self.seed_users} seed users exceed capacity {self.capacity}")
        if self.admins + self.kols > self.seed_users:
            raise ConfigError("admins", "admins and KOLs are chosen among the seed users: raise groups.seed_users")


@dataclass(frozen=True)
class OrganizerConfig:
    """Owner and admins: a daily time budget, work per task, and a motivation that wears out."""

    budget_minutes_per_day: float = 60.0  # assumption: a volunteer's hour a day
    posts_per_day: float = 3.0  # notices, shares, topic prompts when fully motivated
    post_quality: float = 0.7  # quality of notices and shares (0..1); assumption: between mid and high members
    dominance: float = 0.1  # how overbearing the owner's voice is (tyranny, DOMAIN.md 暴政)
    minutes_per_post: float = 8.0  # assumption: writing a notice or a topic prompt
    minutes_per_welcome: float = 2.0  # per newcomer welcomed (拉新-促活)
    minutes_per_answer: float = 3.0  # per newbie question answered
    minutes_per_lead: float = 0.5  # per lead recruited into the group
    leads_per_day: float = 4.0  # leads recruited while the group is below recruit_until_members
    recruit_until_members: int = 150  # assumption: organizers import leads while the group is small
    lead_accept_prob: float = 0.5  # a recruited lead accepts the invitation
    # Motivation in [0, 1] wears out: "even keen admins rarely last longer than two years" (P3).
    motivation_start: float = 0.9
    motivation_decay_per_day: float = 0.0015  # tuned so owners last about two years (P3)
    motivation_decay_spread: float = 0.4  # lognormal sigma: people wear out at different speeds
    motivation_feedback_per_day: float = 0.004  # lively groups reward their organizers
    feedback_reference_active_share: float = 0.2  # active share at which feedback is neutral
    burnout_per_overload: float = 0.004  # motivation lost per day per unit of overload beyond budget
    quit_below_motivation: float = 0.2  # core-team churn: an organizer quits below this

    def __post_init__(self) -> None:
        for name in ("budget_minutes_per_day", "posts_per_day", "minutes_per_post", "minutes_per_welcome",
                     "minutes_per_answer", "minutes_per_lead", "leads_per_day", "recruit_until_members",
                     "motivation_decay_per_day", "motivation_decay_spread", "motivation_feedback_per_day",
                     "burnout_per_overload"):
            _check(self, name, 0.0)
        for name in ("post_quality", "dominance", "lead_accept_prob", "motivation_start",
                     "feedback_reference_active_share",
                     "quit_below_motivation"):
            _check(self, name, 0.0, 1.0)


@dataclass(frozen=True)
class KOLConfig:
    """Key opinion leaders: headline content, influence, and a dominance that can silence others."""

    posts_per_day: float = 2.0  # headline posts when fully motivated; assumption
    post_quality: float = 0.85  # DOMAIN.md: KOLs produce headline content; assumption
    influence: int = 3  # an outsider counts a KOL friend inside as this many friends (fans follow; DOMAIN.md)
    dominance: float = 0.3  # 0 = modest, 1 = overbearing (tyranny, DOMAIN.md 暴政)
    voice_share_threshold: float = 0.3  # above this share of messages one voice starts silencing others
    motivation_start: float = 0.9  # keen at the start, as organizers
    motivation_decay_per_day: float = 0.0012  # KOLs wear out a little slower than organizers; assumption
    motivation_decay_spread: float = 0.4  # lognormal sigma: KOLs wear out at different speeds
    motivation_feedback_per_day: float = 0.004  # as organizers: a lively group keeps its KOLs
    feedback_reference_active_share: float = 0.2  # active share at which feedback is neutral
    quit_below_motivation: float = 0.2  # a KOL leaves below this (core-team churn, DOMAIN.md)

    def __post_init__(self) -> None:
        _check(self, "influence", 1, 100)
        for name in ("posts_per_day", "motivation_decay_per_day", "motivation_decay_spread",
                     "motivation_feedback_per_day"):
            _check(self, name, 0.0)
        for name in ("post_quality", "dominance", "voice_share_threshold", "motivation_start",
                     "feedback_reference_active_share", "quit_below_motivation"):
            _check(self, name, 0.0, 1.0)


# ------------------------------------------------------------------- rules, one block per rule
@dataclass(frozen=True)
class ActivityRule:
    """Who is online in which slot and who speaks (rules/activity.py)."""

    novelty_exponent: float = 1.5  # bored members speak less
    satisfaction_exponent: float = 1.5  # unhappy members speak less
    silence_sensitivity: float = 1.0  # how much a dominant voice suppresses others' posting
    liveliness_exponent: float = 0.25  # people speak where others speak (Kraut & Resnick 2012, responsiveness)
    active_window_days: int = 7  # "active member" = spoke within this many days (weekly active)
    # A newcomer's first reaction on their first full day (a greeting, a self-introduction, "what is
    # this group?"): one post with this probability. Seed texts: "入群后第一动作就是自我介绍" (a
    # training group's rule); for groups of leads pulled in unscreened it is most of their activity
    # (P1). 0 by default: calibrated per scenario.
    intro_post_prob: float = 0.0
    # People talk about what interests them: the posting rate is x relevance^interest_exponent
    # (同好, DOMAIN.md: shared interest decides whether a group forms at all). 0 by default: the
    # default calibration predates it; scenarios of unscreened inflow (P1) set it.
    interest_exponent: float = 0.0

    def __post_init__(self) -> None:
        _check(self, "intro_post_prob", 0.0, 1.0)
        _check(self, "interest_exponent", 0.0, 10.0)
        _check(self, "novelty_exponent", 0.0)
        _check(self, "satisfaction_exponent", 0.0)
        _check(self, "liveliness_exponent", 0.0)
        _check(self, "silence_sensitivity", 0.0, 1.0)
        _check(self, "active_window_days", 1)


@dataclass(frozen=True)
class ContentRule:
    """Quality of what members post, by author (rules/content.py)."""

    quality_by_tier: tuple[float, ...] = (0.9, 0.6, 0.35)  # high, mid, low potential authors; assumption (P8)
    newbie_days: int = 60  # a newcomer flagged newbie asks questions for this many days, then knows the ropes
    peer_answer_share: float = 0.5  # share of questions other members answer (assumption; organizers answer the rest)
    newbie_question_quality: float = 0.2  # an unanswered naive question is noise
    answered_question_quality: float = 0.5  # answered, it becomes useful content
    spam_quality: float = 0.0  # ads are worthless to members (DOMAIN.md: 发小广告)
    perception_half_life_days: float = 7.0  # members judge the recent week, not one day

    def __post_init__(self) -> None:
        if len(self.quality_by_tier) != len(TIERS):
            raise ConfigError("quality_by_tier", "expected 3 values (high, mid, low)")
        _check(self, "newbie_days", 0)
        for name in ("quality_by_tier", "peer_answer_share", "newbie_question_quality", "answered_question_quality",
                     "spam_quality"):
            _check(self, name, 0.0, 1.0)
        _check(self, "perception_half_life_days", 0.0, lo_open=True)


@dataclass(frozen=True)
class ValueRule:
    """A member's perceived value of a day in the group (rules/value.py)."""

    content_weight: float = 0.8  # relevance x quality x volume
    volume_scale_posts_per_day: float = 20.0  # posts/day at which content volume is 63 % saturated
    ties_weight: float = 0.3  # value of friends inside (创造连接)
    ties_half_strength: float = 2.0  # summed tie strength at which tie value is half its maximum
    noise_weight: float = 0.5  # cost of ads, spam and unanswered noise
    silence_weight: float = 0.4  # cost of being talked over by a dominant voice

    def __post_init__(self) -> None:
        for name in ("content_weight", "ties_weight", "noise_weight", "silence_weight"):
            _check(self, name, 0.0)
        _check(self, "volume_scale_posts_per_day", 0.0, lo_open=True)
        _check(self, "ties_half_strength", 0.0, lo_open=True)


@dataclass(frozen=True)
class SatisfactionRule:
    """Satisfaction moves toward the value received relative to the expectation (rules/satisfaction.py)."""

    adapt_per_day: float = 0.1  # share of the gap closed each day
    value_gain: float = 2.0  # how strongly value above/below expectation moves satisfaction
    start: float = 0.6  # satisfaction on joining
    welcome_bonus: float = 0.1  # a newcomer welcomed by an organizer (Arguello et al. CHI 2006)
    answer_bonus: float = 0.1  # a newcomer whose question is answered (Arguello et al.: 44 % -> 56 % return)

    def __post_init__(self) -> None:
        for name in ("adapt_per_day", "start", "welcome_bonus", "answer_bonus"):
            _check(self, name, 0.0, 1.0)
        _check(self, "value_gain", 0.0)


@dataclass(frozen=True)
class NoveltyRule:
    """Novelty decays with tenure and is refreshed by newcomers and fresh content (rules/novelty.py)."""

    half_life_days: float = 120.0  # assumption; tuned so a policy-less group lives about two years (P3)
    refresh_per_newcomer_share: float = 0.3  # joins as a share of members refresh this much of the gap
    refresh_per_fresh_post: float = 0.001  # per KOL/organizer post, share of the gap refreshed

    def __post_init__(self) -> None:
        _check(self, "half_life_days", 0.0, lo_open=True)
        _check(self, "refresh_per_newcomer_share", 0.0)
        _check(self, "refresh_per_fresh_post", 0.0, 1.0)


@dataclass(frozen=True)
class ExitRule:
    """Voluntary exits with a reason (rules/exit.py)."""

    max_dissatisfied_exit_per_day: float = 0.03  # at zero satisfaction, newcomer
    satisfaction_floor: float = 0.45  # no dissatisfied exits above this satisfaction
    max_bored_exit_per_day: float = 0.008  # at zero novelty
    tenure_scale_days: float = 30.0  # hazard falls with tenure (Kairam et al. WSDM 2012)
    tenure_exponent: float = 0.5  # power-law decay of the hazard with tenure (Kairam et al. WSDM 2012)
    exponent: float = 2.0  # convexity of hazard in the deficit

    def __post_init__(self) -> None:
        _check(self, "max_dissatisfied_exit_per_day", 0.0, 1.0)
        _check(self, "satisfaction_floor", 0.0, 1.0, lo_open=True)
        _check(self, "max_bored_exit_per_day", 0.0, 1.0)
        _check(self, "tenure_scale_days", 0.0, lo_open=True)
        _check(self, "tenure_exponent", 0.0)
        _check(self, "exponent", 0.0, lo_open=True)


@dataclass(frozen=True)
class JoinRule:
    """Joins along the graph: probability rises with friends inside, with diminishing returns (rules/join.py).

    p = min(max_join_prob, p_one_active_friend x log2(1 + k x active share)) x interest match x
    liveliness: the log
    shape follows Backstrom, Huttenlocher, Kleinberg & Lan (KDD 2006); active friends do the inviting.
    """

    p_one_active_friend_per_day: float = 0.04  # daily join probability with one active friend inside; assumption
    max_join_prob_per_day: float = 0.1  # saturation of the log curve (Backstrom et al. KDD 2006)
    min_match: float = 0.05  # even an off-topic friend joins sometimes

    def __post_init__(self) -> None:
        _check(self, "p_one_active_friend_per_day", 0.0, 1.0)
        _check(self, "max_join_prob_per_day", 0.0, 1.0)
        _check(self, "min_match", 0.0, 1.0)


@dataclass(frozen=True)
class RulesConfig:
    activity: ActivityRule = field(default_factory=ActivityRule)
    content: ContentRule = field(default_factory=ContentRule)
    value: ValueRule = field(default_factory=ValueRule)
    satisfaction: SatisfactionRule = field(default_factory=SatisfactionRule)
    novelty: NoveltyRule = field(default_factory=NoveltyRule)
    exit: ExitRule = field(default_factory=ExitRule)
    join: JoinRule = field(default_factory=JoinRule)


@dataclass(frozen=True)
class LifecycleConfig:
    """How the lifecycle phases are read off each group's series (sim/detect.py; DOMAIN.md: 萌芽期 ... 沉寂期).

    On each day, from what has happened so far (so a live view can name the phase): dormant once the
    weekly active share is below ``dormant_active_share`` after the group was active; decline once
    active members are below ``decline_share_of_peak`` of their running peak; fast growth while
    members grow by at least ``fast_growth_share_per_day`` of capacity a day (over
    ``growth_window_days``, over which active members are also averaged); germination before the
    first fast growth; active otherwise. A new phase holds ``min_phase_days`` before it is named
    (hysteresis against daily noise).
    """

    dormant_active_share: float = 0.05  # a group is dormant once its weekly active share stays below this
    decline_share_of_peak: float = 0.6  # assumption: active members below 60 % of their peak = decline (死亡期)
    fast_growth_share_per_day: float = 0.004  # assumption: +2 members/day in a group of 500 = fast growth
    growth_window_days: int = 14  # growth measured over two weeks
    min_phase_days: int = 14  # a phase must hold two weeks before it is named (daily noise is not a phase)

    def __post_init__(self) -> None:
        _check(self, "dormant_active_share", 0.0, 1.0)
        _check(self, "decline_share_of_peak", 0.0, 1.0)
        _check(self, "fast_growth_share_per_day", 0.0, 1.0, lo_open=True)
        _check(self, "growth_window_days", 1, 365)
        _check(self, "min_phase_days", 1, 365)


@dataclass(frozen=True)
class DetectConfig:
    """Thresholds of the failure-mode detectors (sim/detect.py; DOMAIN.md, how communities fail).

    Each detector reads the recorded series over a trailing window of ``window_days`` and fires an
    episode when its condition holds on at least ``min_days`` days of an episode.
    """

    window_days: int = 28  # trailing window for rates and trends; assumption: a month
    min_days: int = 7  # a condition must hold this many days to be an episode
    # evaporation (蒸发): high-potential exit rate / others' exit rate, while perceived quality falls
    evaporation_exit_ratio: float = 1.5  # P8: the best leave first
    evaporation_quality_drop: float = 0.02  # fall in perceived quality over the window
    evaporation_min_exits: int = 3  # high-potential exits in the window, so a ratio is not noise
    # tyranny (暴政): one voice holds a dominant share of messages and the others go quiet
    tyranny_voice_share: float = 0.3  # as kols.voice_share_threshold: one voice above 30 % of messages
    tyranny_silence: float = 0.1  # the group's silence level (rules.content) above this
    # leaderless (无首): no active organizer and no KOL for this many days
    leaderless_days: int = 14
    # boredom (无聊): novelty low, activity falling, no newcomers and no regular activities
    boredom_novelty: float = 0.35  # mean novelty of members below this
    boredom_activity_drop: float = 0.1  # relative fall of member posts over the window
    boredom_joins_share: float = 0.01  # newcomers in the window below this share of members
    # loss of focus (失焦): off-topic members or noise take over
    focus_relevance: float = 0.45  # mean interest match of members with the topic below this
    focus_noise_share: float = 0.25  # or perceived noise (ads, off-topic, unanswered) above this
    # core-team burnout: organizers leave while overloaded
    burnout_overload_days: int = 7  # days in the window when policies asked for more time than there was
    # crisis exit: a mass exit for a competitor's offer on one day
    crisis_exit_share: float = 0.05  # exits for a competitor above 5 % of members in a day

    def __post_init__(self) -> None:
        for name in ("window_days", "min_days", "leaderless_days", "burnout_overload_days"):
            _check(self, name, 1, 3650)
        _check(self, "evaporation_exit_ratio", 1.0)
        _check(self, "evaporation_min_exits", 0)
        for name in ("evaporation_quality_drop", "tyranny_voice_share", "tyranny_silence", "boredom_novelty",
                     "boredom_activity_drop", "boredom_joins_share", "focus_relevance", "focus_noise_share",
                     "crisis_exit_share"):
            _check(self, name, 0.0, 1.0)


@dataclass(frozen=True)
class OutputConfig:
    """What a run writes besides its tables."""

    plot: bool = True  # lifecycle.png
    sweep_plot: bool = False  # lifecycle.png for every run of a multirun too (slow; analysis draws sweep figures)
    progress: bool = True  # a tqdm bar on long runs (off when not a terminal)


@dataclass(frozen=True)
class Config:
    """One simulation: a seed, a horizon in days, the world and its rules."""

    seed: int = 0  # root of every random draw: same seed and config, same run bit for bit
    # Replicate index: the run draws from the replicate-th stream spawned from ``seed`` (numpy
    # SeedSequence), so replicates of a sweep are independent streams from one root seed.
    replicate: int | None = None
    days: int = 730  # P3: about two years
    scenario: ScenarioMeta = field(default_factory=ScenarioMeta)
    calendar: CalendarConfig = field(default_factory=CalendarConfig)
    graph: GraphConfig = field(default_factory=GraphConfig)
    population: PopulationConfig = field(default_factory=PopulationConfig)
    groups: GroupsConfig = field(default_factory=GroupsConfig)
    organizers: OrganizerConfig = field(default_factory=OrganizerConfig)
    kols: KOLConfig = field(default_factory=KOLConfig)
    rules: RulesConfig = field(default_factory=RulesConfig)
    lifecycle: LifecycleConfig = field(default_factory=LifecycleConfig)
    detect: DetectConfig = field(default_factory=DetectConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    # Operating policies (sim/policies, conf/policy): composed as a mapping name -> {_target_, params}
    # (``policy=[red_packet,check_in]``), stored validated as PolicySpecs sorted by name.
    policy: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from .policies import build_specs

        object.__setattr__(self, "policy", build_specs(self.policy))
        for spec in self.policy:  # a policy's own checks against the rest of the config (e.g. group count)
            spec.policy_class().check(spec.params, self)
        _check(self, "seed", 0)
        if self.replicate is not None:
            _check(self, "replicate", 0)
        _check(self, "days", 1, 100_000)
        needed = self.groups.count * (self.groups.seed_users + 1)
        if self.graph.kind != "file" and needed > self.population.size:
            raise ConfigError("groups.count", f"{self.groups.count} groups need {needed} founders and seed users "
                                              f"but population.size is {self.population.size}")


# ------------------------------------------------------------------------ building from a tree
@functools.cache
def _fields(cls: type) -> tuple[dict[str, Any], frozenset[str]]:
    """A dataclass's resolved type hints and field names (resolving string annotations is slow)."""
    return typing.get_type_hints(cls), frozenset(f.name for f in dataclasses.fields(cls))


def build(cls: type, tree: Any, path: str = "") -> Any:
    """Build dataclass ``cls`` from a mapping (e.g. a composed Hydra config), validating every level.

    Unknown keys and range errors raise ConfigError naming the full dotted key.
    """
    if tree is None:
        tree = {}
    if hasattr(tree, "items") and not isinstance(tree, dict):
        from omegaconf import OmegaConf

        tree = OmegaConf.to_container(tree, resolve=True)
    hints, names = _fields(cls)
    for key in tree:
        if key not in names:
            raise ConfigError(f"{path}.{key}" if path else str(key),
                              f"unknown key; valid keys here are {', '.join(sorted(names))}")
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name not in tree:
            continue
        key = f"{path}.{f.name}" if path else f.name
        kwargs[f.name] = _coerce(tree[f.name], hints[f.name], key)
    try:
        return cls(**kwargs)
    except ConfigError as err:
        raise err.under(path) from None
    except TypeError as err:
        raise ConfigError(path or cls.__name__, str(err)) from None


def _coerce(value: Any, hint: Any, key: str) -> Any:
    """Check ``value`` against the field's type hint; lists become tuples. ConfigError names ``key``."""
    if dataclasses.is_dataclass(hint):
        if value is not None and not isinstance(value, dict):
            raise ConfigError(key, f"expected a section of keys, got {value!r}")
        return build(hint, value, key)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise ConfigError(key, f"expected a list, got {value!r}")
        return tuple(_coerce(v, args[0], f"{key}[{i}]") for i, v in enumerate(value))
    if args and type(None) in args:  # Optional[X]
        return None if value is None else _coerce(value, next(a for a in args if a is not type(None)), key)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(key, f"expected true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(key, f"expected an integer (a whole number), got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(key, f"expected a number, got {value!r}")
        try:
            value = float(value)
        except OverflowError:
            raise ConfigError(key, "number too large") from None
        if not math.isfinite(value):
            raise ConfigError(key, f"expected a finite number, got {value!r}")
        return value
    if hint is str:
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()  # an unquoted YAML date
        if not isinstance(value, str):
            raise ConfigError(key, f"expected a string, got {value!r}")
        return value
    return value


def to_dict(cfg: Any) -> dict:
    """A plain nested dict (tuples as lists), for YAML and JSON."""
    out = {}
    for f in dataclasses.fields(cfg):
        value = getattr(cfg, f.name)
        if dataclasses.is_dataclass(value):
            value = to_dict(value)
        elif f.name == "policy" and isinstance(value, tuple):
            value = {spec.name: spec.node() for spec in value}
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return out


