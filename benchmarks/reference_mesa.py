"""A Mesa-idiomatic reference: a simplified version of the engine's day, written as a Mesa tutorial would.

    python benchmarks/reference_mesa.py [--members 10000] [--days 3]

One ``mesa.Agent`` per person on the social graph (a ``FixedAgent`` on a
``mesa.discrete_space.Network`` cell, as in Mesa's virus_on_network example), groups as agents too,
and a step that is ``persons.shuffle_do("step")`` then ``groups.do("step")``. Per person and day:

- a member draws its online slots and its posts (Poisson: propensity x satisfaction x novelty x
  slots online / slots usual), then perceives the day's value (relevance x the group's perceived
  quality x volume saturation + the value of friends in the same group, counted from the neighbourhood),
  moves its satisfaction 10 % toward ``clip(0.5 + 2 (value - expectation))``, loses novelty, and
  draws an exit (dissatisfied and bored hazards);
- a person in the pool counts friends per group among its neighbours and joins one with
  p = min(0.1, 0.02 log2(1 + k)) x (0.05 + 0.95 match) x the group's enthusiasm, if it has room.

Parameters are the engine's defaults (``sim.config``); the rules are simplified (no core team,
calendar, noise, silence or recruited leads). It exists only to measure the cost per member-day of
the agent-per-member style, for the ratio reported by ``throughput.py``; its dynamics are not
validated. Mesa 3.5 API: ``mesa.Model(rng=seed)``, ``mesa.Agent(model)``, ``AgentSet.shuffle_do``.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections import Counter

import mesa
import networkx as nx
from mesa.discrete_space import FixedAgent, Network

POOL, MEMBER, LEFT = 0, 1, 2
CAPACITY = 500
SLOT_SHARE = (0.30, 0.45, 0.30, 0.40, 0.50, 0.55, 0.05)  # sim.config.CalendarConfig.slot_online_share
TIER_SHARES = (0.1, 0.3, 0.6)  # high, mid, low potential
TIER_POST_FACTOR = (2.0, 1.0, 0.6)
QUALITY_BY_TIER = (0.9, 0.6, 0.35)
EXPECTATION_BY_TIER = (0.30, 0.20, 0.10)
N_TOPICS = 8
KEEP_CLIMATE = 0.5 ** (1 / 7.0)  # perception half-life 7 days
KEEP_NOVELTY = 0.5 ** (1 / 120.0)  # novelty half-life 120 days


class Person(FixedAgent):
    """Someone on the social graph: in the pool, a member of one group, or gone."""

    def __init__(self, model: "ReferenceModel", cell):
        super().__init__(model)
        self.cell = cell
        r = self.random
        self.tier = r.choices((0, 1, 2), weights=TIER_SHARES)[0]
        self.propensity = r.lognormvariate(math.log(0.05), 1.6) * TIER_POST_FACTOR[self.tier]
        habit = r.lognormvariate(-0.125, 0.5)
        self.online_share = [min(1.0, s * habit) for s in SLOT_SHARE]
        self.usual_slots = sum(self.online_share)
        interest = [r.gammavariate(0.3, 1.0) + 1e-12 for _ in range(N_TOPICS)]
        top = max(interest)
        self.match = [x / top for x in interest]
        self.expectation = EXPECTATION_BY_TIER[self.tier]
        self.status = POOL
        self.group: Group | None = None
        self.satisfaction = 0.0
        self.novelty = 0.0
        self.joined_day = -1

    def step(self) -> None:
        if self.status == MEMBER:
            self.live_day()
        elif self.status == POOL:
            self.consider_joining()

    def live_day(self) -> None:
        group, r = self.group, self.random
        # online slots and posts
        online = sum(1 for p in self.online_share if r.random() < p)
        rate = self.propensity * self.satisfaction * self.novelty * online / max(self.usual_slots, 1e-6)
        posts = int(self.rng.poisson(rate)) if rate > 0 else 0
        group.posts_today += posts
        group.quality_today += posts * QUALITY_BY_TIER[self.tier]
        # value: content + friends inside (scanned from the neighbourhood every day)
        ties = sum(1 for a in self.cell.neighborhood.agents if a.group is group and a.status == MEMBER)
        volume = 1.0 - math.exp(-group.volume / 20.0)
        value = 0.8 * self.match[group.topic] * group.quality * volume + 0.3 * ties / (ties + 2.0)
        # satisfaction and novelty
        target = min(1.0, max(0.0, 0.5 + 2.0 * (value - self.expectation)))
        self.satisfaction += 0.1 * (target - self.satisfaction)
        self.novelty *= KEEP_NOVELTY
        # exit: dissatisfied (falls with tenure) or bored
        tenure = self.model.day - self.joined_day
        deficit = max(0.0, 0.45 - self.satisfaction) / 0.45
        hazard = 0.03 * deficit**2 * (1 + tenure / 30.0) ** -0.5 + 0.004 * (1.0 - self.novelty) ** 2
        if r.random() < hazard:
            group.remove(self)

    def consider_joining(self) -> None:
        friends = Counter(a.group for a in self.cell.neighborhood.agents if a.status == MEMBER)
        for group, k in friends.items():
            p = min(0.1, 0.02 * math.log2(1 + k)) * (0.05 + 0.95 * self.match[group.topic]) * group.enthusiasm
            if group.size < CAPACITY and self.random.random() < p:
                group.add(self)
                return


class Group(mesa.Agent):
    """A chat group: topic, members, and its perceived climate (smoothed quality and volume)."""

    def __init__(self, model: "ReferenceModel", topic: int):
        super().__init__(model)
        self.topic = topic
        self.members: set[Person] = set()
        self.quality, self.volume, self.enthusiasm = 0.5, 0.0, 0.6
        self.posts_today, self.quality_today = 0, 0.0

    @property
    def size(self) -> int:
        return len(self.members)

    def add(self, person: Person) -> None:
        person.status, person.group, person.joined_day = MEMBER, self, self.model.day
        person.satisfaction, person.novelty = 0.6, 1.0
        self.members.add(person)

    def remove(self, person: Person) -> None:
        person.status = LEFT
        self.members.discard(person)

    def step(self) -> None:
        """After the members: smooth today's posts into the climate; enthusiasm for tomorrow's joins."""
        if self.posts_today:
            self.quality = KEEP_CLIMATE * self.quality + (1 - KEEP_CLIMATE) * self.quality_today / self.posts_today
        self.volume = KEEP_CLIMATE * self.volume + (1 - KEEP_CLIMATE) * self.posts_today
        self.enthusiasm = sum(m.satisfaction * m.novelty for m in self.members) / max(1, self.size)
        self.posts_today, self.quality_today = 0, 0.0


class ReferenceModel(mesa.Model):
    """Groups of up to 500 on a clustered scale-free graph; founded with an owner and seed users each."""

    def __init__(self, people: int, n_groups: int, seed_users: int = 399, mean_degree: int = 10, seed: int = 0):
        super().__init__(rng=seed)
        self.day = 0
        graph = nx.powerlaw_cluster_graph(people, mean_degree // 2, 0.3, seed=seed)
        self.grid = Network(graph, capacity=1, random=self.random, layout=None)  # layout=None: no spring layout
        Person.create_agents(self, people, list(self.grid.all_cells))
        self.persons = self.agents_by_type[Person]
        self.groups = [Group(self, topic=g % N_TOPICS) for g in range(n_groups)]
        # founding: the best-connected people own a group; seed users are the nearest people still in the pool
        owners = sorted(graph.nodes, key=graph.degree, reverse=True)[:n_groups]
        taken = set(owners)
        for group, owner in zip(self.groups, owners):
            group.add(self.grid[owner].agents[0])
            for _, node in nx.bfs_edges(graph, owner, depth_limit=3):  # lazy breadth-first order
                if group.size > seed_users:
                    break
                if node not in taken:
                    taken.add(node)
                    group.add(self.grid[node].agents[0])

    @property
    def members(self) -> int:
        return sum(g.size for g in self.groups)

    def step(self) -> None:
        self.day += 1
        self.persons.shuffle_do("step")
        self.agents_by_type[Group].do("step")


def measure(members: int = 10_000, days: int = 3, repeats: int = 3, graph_multiple: float = 3.0,
            seed: int = 0, warmup: int = 1) -> dict:
    """Build, warm up and time the reference; member-days counted as in throughput.py."""
    n_groups = max(1, round(members / CAPACITY))
    t0 = time.perf_counter()
    model = ReferenceModel(int(members * graph_multiple), n_groups, seed=seed)
    construct_s = time.perf_counter() - t0
    for _ in range(warmup):
        model.step()
    windows = []
    for _ in range(repeats):
        seconds, member_days = 0.0, 0
        for _ in range(days):
            t0 = time.perf_counter()
            model.step()
            seconds += time.perf_counter() - t0
            member_days += model.members
        windows.append({"seconds": seconds, "member_days": member_days, "member_days_per_s": member_days / seconds})
    rates = [w["member_days_per_s"] for w in windows]
    best, median = max(rates), statistics.median(rates)
    return {
        "style": "one mesa FixedAgent per person on a mesa.discrete_space.Network; shuffle_do('step')",
        "target_members": members,
        "groups": n_groups,
        "graph_people": int(members * graph_multiple),
        "members_mean_timed": sum(w["member_days"] for w in windows) / (repeats * days),
        "construct_s": construct_s,
        "warmup_days": warmup,
        "timed_days_per_window": days,
        "windows": windows,
        "best_member_days_per_s": best,
        "median_member_days_per_s": median,
        "best_ns_per_member_day": 1e9 / best,
        "median_ns_per_member_day": 1e9 / median,
    }


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--members", type=int, default=10_000)
    p.add_argument("--days", type=int, default=3)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    r = measure(a.members, a.days, a.repeats, seed=a.seed)
    print(f"Mesa-idiomatic reference: {r['members_mean_timed']:.0f} members in {r['groups']} groups on "
          f"{r['graph_people']} people; construct {r['construct_s']:.1f}s; "
          f"best {r['best_member_days_per_s'] / 1e3:.1f} k, median {r['median_member_days_per_s'] / 1e3:.1f} k "
          f"member-days/s = {r['median_ns_per_member_day']:.0f} ns per member-day")
