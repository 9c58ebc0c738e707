"""Each rule on its own, against hand-computed expectations."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim import CommunityModel
from sim.config import EXIT_REASONS, ExitRule, JoinRule
from sim.day import Day
from sim.population import MEMBER, ROLE_MEMBER
from sim.frontier import bernoulli_positions
from sim.rules import content, exit, join, novelty, satisfaction, value

from conftest import small_config


@pytest.fixture
def model():
    """A freshly founded tiny world, with today's scratch ready (day 10)."""
    m = CommunityModel(small_config(size=300, seed_users=15))
    m.calendar.day = 10
    m._start_day()
    return m


# ----------------------------------------------------------------------------- join
def test_join_probability_rises_with_friends_with_diminishing_returns():
    cfg = JoinRule(p_one_active_friend_per_day=0.02, max_join_prob_per_day=1.0, min_match=0.0)
    k = np.arange(1, 9, dtype=float)
    p = join.join_probability(k, np.ones_like(k), np.ones_like(k), cfg)
    assert p[0] == pytest.approx(0.02)  # one active friend: p_one
    assert p[2] == pytest.approx(0.04)  # three: log2(4) = 2
    assert p[6] == pytest.approx(0.06)  # seven: log2(8) = 3
    gains = np.diff(p)
    assert (gains > 0).all() and (np.diff(gains) < 0).all()  # Backstrom et al. 2006: concave


def test_join_probability_is_capped_and_scaled_by_match_and_liveliness():
    cfg = JoinRule(p_one_active_friend_per_day=0.5, max_join_prob_per_day=0.1, min_match=0.2)
    p = join.join_probability(np.array([100.0]), np.array([0.5]), np.array([0.5]), cfg)
    assert p[0] == pytest.approx(0.1 * (0.2 + 0.8 * 0.5) * 0.5)
    assert join.join_probability(np.array([0.0]), np.ones(1), np.ones(1), cfg)[0] == 0.0


def test_bernoulli_positions_keep_each_index_with_probability_p():
    rng = np.random.default_rng(3)
    hits = np.zeros(1000)
    for _ in range(400):
        pos = bernoulli_positions(1000, 0.05, rng)
        assert (np.diff(pos) > 0).all() and pos.min(initial=0) >= 0 and pos.max(initial=0) < 1000
        hits[pos] += 1
    assert hits.mean() / 400 == pytest.approx(0.05, rel=0.05)
    assert len(bernoulli_positions(10, 1.0, rng)) == 10
    assert len(bernoulli_positions(10, 0.0, rng)) == 0


def test_admit_respects_room_and_one_group_per_person():
    rng = np.random.default_rng(0)
    people = np.array([1, 2, 3, 4, 5, 1, 2, 6, 7, 8])
    groups = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    room = np.array([2, 10])
    chosen = join.admit(people, groups, room, rng)
    assert len(np.unique(people[chosen])) == len(chosen)
    assert (groups[chosen] == 0).sum() == 2
    # group 1 has room for all of its distinct candidates not already taken by group 0
    assert set(people[chosen][groups[chosen] == 1]) >= {6, 7, 8}


# ----------------------------------------------------------------------------- satisfaction
def test_satisfaction_moves_toward_value_against_expectation(model):
    cfg = model.config.rules.satisfaction
    day, people = model.day_state, model.people
    crowd = day.crowd
    people.satisfaction[crowd] = 0.5
    people.joined_day[crowd] = 0  # nobody is a newcomer today
    day.value = np.full(len(crowd), 0.3, dtype=np.float32)
    day.answered = np.zeros(len(crowd), dtype=bool)
    satisfaction.update(model)
    expect = model.expectation[crowd]
    target = np.clip(0.5 + cfg.value_gain * (0.3 - expect), 0, 1)
    np.testing.assert_allclose(people.satisfaction[crowd], 0.5 + cfg.adapt_per_day * (target - 0.5), rtol=1e-5)
    # high-potential members expect more, so the same value pleases them less (P8)
    tiers = people.tier[crowd]
    if (tiers == 0).any() and (tiers == 2).any():
        assert people.satisfaction[crowd][tiers == 0].max() < people.satisfaction[crowd][tiers == 2].min()


def test_answered_newcomer_gets_the_bonus(model):
    cfg = model.config.rules.satisfaction
    day, people = model.day_state, model.people
    crowd = day.crowd
    people.satisfaction[crowd] = 0.5
    people.joined_day[crowd] = 0
    day.value = model.expectation[crowd].astype(np.float32)  # target 0.5: no drift
    day.answered = np.zeros(len(crowd), dtype=bool)
    day.answered[0] = True
    satisfaction.update(model)
    assert people.satisfaction[crowd[0]] == pytest.approx(0.5 + cfg.answer_bonus)
    assert people.satisfaction[crowd[1]] == pytest.approx(0.5)


# ----------------------------------------------------------------------------- novelty
def test_novelty_halves_in_a_half_life_without_refresh(model):
    people, crowd = model.people, model.day_state.crowd
    half_life = model.config.rules.novelty.half_life_days
    people.novelty[crowd] = 0.8
    model.groups.joins_yesterday[:] = 0
    model.day_state.core_posts[:] = 0
    for _ in range(int(half_life)):
        novelty.update(model)
    np.testing.assert_allclose(people.novelty[crowd], 0.4, rtol=1e-3)


def test_newcomers_refresh_novelty(model):
    people, crowd = model.people, model.day_state.crowd
    people.novelty[crowd] = 0.2
    model.day_state.core_posts[:] = 0
    model.groups.joins_yesterday[:] = model.group_sizes  # the group doubled overnight
    novelty.update(model)
    cfg = model.config.rules.novelty
    keep = 0.5 ** (1 / cfg.half_life_days)
    np.testing.assert_allclose(people.novelty[crowd], 0.2 * keep + 0.8 * cfg.refresh_per_newcomer_share, rtol=1e-5)


# ----------------------------------------------------------------------------- exit
def test_exit_hazards_by_hand(model):
    cfg = ExitRule()
    model.config = dataclasses.replace(model.config, rules=dataclasses.replace(model.config.rules, exit=cfg))
    people, crowd = model.people, model.day_state.crowd
    people.novelty[crowd] = 1.0
    people.satisfaction[crowd] = cfg.satisfaction_floor + 0.1
    bored, dissatisfied = exit.hazards(model)
    assert (bored == 0).all() and (dissatisfied == 0).all()  # content, fresh members never leave
    people.novelty[crowd] = 0.5
    people.satisfaction[crowd] = 0.0
    people.joined_day[crowd] = model.day_state.index  # tenure 0
    bored, dissatisfied = exit.hazards(model)
    mobility = np.asarray(model.config.population.exit_mobility_by_tier)[people.tier[crowd]]
    np.testing.assert_allclose(bored, cfg.max_bored_exit_per_day * 0.5**cfg.exponent * mobility, rtol=1e-5)
    np.testing.assert_allclose(dissatisfied, cfg.max_dissatisfied_exit_per_day * mobility, rtol=1e-5)
    # the hazard falls with tenure (Kairam et al. 2012)
    people.joined_day[crowd] = model.day_state.index - 300
    _, older = exit.hazards(model)
    assert (older < dissatisfied).all()


def test_exit_reason_is_the_largest_cause():
    day = Day(0, np.arange(3), 1)
    day.shortfall = np.array([0.3, 0.1, 0.0], dtype=np.float32)
    day.noise_cost = np.array([0.1, 0.2, 0.0], dtype=np.float32)
    day.silence_cost = np.array([0.0, 0.1, 0.4], dtype=np.float32)
    reasons = [EXIT_REASONS[r] for r in exit.reasons(day)]
    assert reasons == ["low_value", "noise", "silenced"]


def test_leavers_are_recorded_with_reason_and_day(model):
    people, crowd = model.people, model.day_state.crowd
    model.config = dataclasses.replace(model.config, rules=dataclasses.replace(
        model.config.rules, exit=ExitRule(max_bored_exit_per_day=1.0, max_dissatisfied_exit_per_day=0.0)))
    people.novelty[crowd] = 0.0
    model.expectation[:] = 0.0
    value.perceive(model)
    exit.leave(model)
    # low-tier mobility 0.5: half the low tier leaves; high and mid (mobility >= 1) all leave
    left = crowd[people.status[crowd] != MEMBER]
    assert len(left) == model.day_state.exits_by_reason[EXIT_REASONS.index("boredom")].sum()
    assert (people.exit_reason[left] == EXIT_REASONS.index("boredom")).all()
    assert (people.left_day[left] == model.day_state.index).all()
    assert set(people.tier[crowd][people.tier[crowd] < 2]) <= set(people.tier[left])


# ----------------------------------------------------------------------------- value and content
def test_value_by_hand(model):
    day, people, groups = model.day_state, model.people, model.groups
    cfg = model.config.rules.value
    crowd = day.crowd
    groups.quality[:] = 0.6
    groups.volume_posts_per_day[:] = cfg.volume_scale_posts_per_day  # 1 - e^-1
    groups.noise_share[:] = 0.2
    groups.silence[:] = 0.1
    value.perceive(model)
    i = crowd[0]
    rel = people.match[i, groups.topic[0]]
    ties = people.ties_inside[i]
    gross = cfg.content_weight * rel * 0.6 * (1 - np.exp(-1)) + cfg.ties_weight * ties / (ties + cfg.ties_half_strength)
    sens = model.config.population.noise_sensitivity_by_tier[people.tier[i]]
    expected = gross - cfg.noise_weight * 0.2 * sens - cfg.silence_weight * 0.1
    assert day.value[0] == pytest.approx(expected, rel=1e-5)
    assert day.shortfall[0] == pytest.approx(max(0.0, model.expectation[i] - gross), abs=1e-6)


def test_content_quality_and_noise_by_hand(model):
    day, people = model.day_state, model.people
    cfg = model.config.rules.content
    crowd = day.crowd
    people.newbie[crowd] = False
    people.spammer[crowd] = False
    people.tier[crowd] = day.tier[:] = 0  # every member high-potential
    people.spammer[crowd[0]] = True
    day.posts = np.zeros(len(crowd), dtype=np.int32)
    day.posts[0] = 2  # two ads
    day.posts[1] = 3  # three good posts
    day.core_posts[:] = 0
    day.core_quality_sum[:] = 0
    content.produce(model)
    assert day.group_posts[0] == 5
    assert day.quality[0] == pytest.approx((2 * cfg.spam_quality + 3 * cfg.quality_by_tier[0]) / 5)
    assert day.noise_share[0] == pytest.approx(2 / 5)


def test_a_dominant_voice_silences_others(model):
    day = model.day_state
    day.posts = np.zeros(len(day.crowd), dtype=np.int32)
    day.posts[:5] = 1
    day.core_posts[:] = 45
    day.core_max_posts[:] = 45  # one voice: 45 of 50 messages
    day.loudest_dominance[:] = 1.0
    model.groups.silence[:] = 0
    content.produce(model)
    assert model.groups.silence[0] > 0
    quiet = model.groups.silence[0]
    model.groups.silence[:] = 0
    day.loudest_dominance[:] = 0.0  # a modest voice silences nobody
    content.produce(model)
    assert model.groups.silence[0] == 0 < quiet


def test_crowd_excludes_the_core_team(model):
    people = model.people
    assert (people.role[model.day_state.crowd] == ROLE_MEMBER).all()
    assert len(model.organizers) == 1 + model.config.groups.admins
    assert len(model.kols) == model.config.groups.kols


def test_poisson_sampler_matches_the_distribution():
    from scipy import stats

    from sim.rules.activity import poisson

    rng = np.random.default_rng(1)
    for lam in (0.01, 0.3, 2.0, 12.0, 45.0):
        k = poisson(np.full(40_000, lam, dtype=np.float32), rng)
        assert k.mean() == pytest.approx(lam, rel=0.05, abs=0.003)
        assert k.var() == pytest.approx(lam, rel=0.08, abs=0.003)
        if lam < 5:
            expected = stats.poisson.pmf(0, lam)
            assert (k == 0).mean() == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("exponent", [0.0, 0.5, 1.0, 1.5, 2.0, 0.7, 3.0])
def test_power_is_exact(exponent):
    from sim.rules.activity import power

    x = np.linspace(0, 1, 101, dtype=np.float32)
    np.testing.assert_allclose(power(x, exponent), x.astype(np.float64) ** exponent, rtol=1e-5, atol=1e-7)


def test_max_member_posts_per_group():
    from sim.rules.content import _max_member_posts

    groups = np.array([0, 0, 1, 1, 1, 2, 3])
    posts = np.array([1, 0, 2, 7, 1, 0, 1])
    np.testing.assert_array_equal(_max_member_posts(groups, posts, 5), [1, 7, 0, 1, 0])


def test_a_kol_pulls_its_friends_harder(model):
    """Fans follow a KOL: outsiders count a KOL friend inside as kols.influence friends."""
    people = model.people
    kol = model.kols[0]
    _, friends, _ = model.graph.neighbors(np.array([kol.person]))
    outsiders = [q for q in friends if people.status[q] == 0]
    assert outsiders, "the KOL has no friends outside; pick another seed"
    q = int(outsiders[0])
    before = people.frontier.count(q, kol.group)
    assert people.pull[kol.person] == model.config.kols.influence
    people.set_pull(kol.person, 1)
    assert people.frontier.count(q, kol.group) == before - (model.config.kols.influence - 1)


def test_invitation_thinning_draws_each_entry_with_its_probability(model):
    """The thinned two-stage draw accepts each frontier entry with exactly its join probability."""
    people, cfg = model.people, model.config.rules.join
    G = model.groups.count
    active = np.full(G, 0.4)
    lively = np.full(G, 0.8)
    expected = 0.0
    for keys, counts in people.frontier.parts():
        q, g = people.frontier.decode(keys)
        ok = (people.status[q] == 0) & (counts > 0)
        expected += join.join_probability(counts[ok] * active[g[ok]], people.match[q[ok], model.groups.topic[g[ok]]],
                                          lively[g[ok]], cfg).sum()
    draws = [len(join.invited(model, active, lively)[0]) for _ in range(300)]
    se = np.std(draws) / np.sqrt(len(draws))
    assert expected > 1
    assert abs(np.mean(draws) - expected) < 4 * se + 0.02 * expected


def test_poisson_sampler_ends_for_uniforms_next_to_one():
    """The largest float32 uniform below 1 must still end the CDF walk (it once looped forever)."""
    from sim.rules.activity import LARGE_RATE, poisson

    class Extreme:
        def random(self, n, dtype=np.float64):
            return np.full(n, np.nextafter(np.float32(1), np.float32(0)), dtype=dtype)

        def poisson(self, lam):
            return np.zeros(len(lam), dtype=np.int64)

    rates = np.linspace(0.01, LARGE_RATE, 50, dtype=np.float32)
    k = poisson(rates, Extreme())
    assert (k > rates).all()  # the top of the distribution, reached in finite time


def test_a_day_with_no_ordinary_members_is_quiet_not_an_error():
    from sim.api import run
    from sim.config import GroupsConfig

    cfg = small_config(size=300, days=3)
    cfg = dataclasses.replace(cfg, groups=GroupsConfig(seed_users=1, admins=1, kols=0))
    r = run(cfg)  # day 0: only the owner and the admin are members
    assert r.timeseries["member_posts"].iloc[0] == 0
