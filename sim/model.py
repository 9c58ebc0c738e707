"""CommunityModel: a social graph of people, groups that grow from it, and one step per day."""

from __future__ import annotations

import numpy as np
import mesa

from . import rules
from .agents import KOL, CoreMember, CoreTeam, Member, Organizer
from .calendar import Calendar
from .config import EXIT_REASONS, Config
from .day import Day, tier_table
from .graph import build_graph
from .groups import Groups
from .observe import Recorder
from .policies import Policies
from .population import (MEMBER, POOL, ROLE_ADMIN, ROLE_KOL, ROLE_MEMBER, ROLE_OWNER, VIA_MOVED, VIA_SEED,
                         MemberTable, draw_people)


def seed_stream(config: Config):
    """The run's seed: ``config.seed``, or with a replicate index its spawned child stream (SeedSequence)."""
    if config.replicate is None:
        return config.seed
    return np.random.SeedSequence(config.seed, spawn_key=(config.replicate,))


def _override(value) -> str:
    """A Python value as a Hydra override value (lists as [a,b])."""
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_override(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return "null" if value is None else str(value)


def _total(column: str):
    return lambda model: model.recorder.total(column)


# what Mesa's DataCollector records each day (sums over groups), for mesa.batch_run
DAILY_TOTALS = {name: _total(name) for name in ("members", "active_members", "joins", "exits", "posts",
                                                 "policy_spend_yuan", "policy_minutes")}


class DailyTotals(mesa.DataCollector):
    """Mesa's DataCollector of ``DAILY_TOTALS``: after its first day it appends the recorder's totals
    directly (what Mesa's ``collect`` records for them: floats, which need no copy); other reporters
    are collected by Mesa."""

    def collect(self, model) -> None:
        if not (self._validated and self.model_reporters == DAILY_TOTALS and not self.agent_reporters
                and not self.agenttype_reporters):
            return super().collect(model)
        self._collection_steps.append(model.time)
        for name, values in self.model_vars.items():
            values.append(model.recorder.total(name))


class CommunityModel(mesa.Model):
    """A network of chat groups growing from, and draining back into, a social graph.

    One ``step()`` is one day; it reads as the day's schedule of named submodels (``sim.rules``).
    Members live in arrays (``self.people``); organizers and KOLs are Mesa agents.
    """

    def __init__(self, config: Config | None = None, *, rng=None, scenario: str | None = None, **params):
        """Build the world from ``config`` or, for ``mesa.batch_run`` and notebooks, from a scenario name and
        plain keyword parameters taken as config overrides, e.g.
        ``CommunityModel(days=365, **{"population.size": 2000, "policy": ["red_packet"]})``.
        ``rng`` (as Mesa's) replaces the config's seed."""
        if params or scenario is not None:
            if config is not None:
                raise TypeError("CommunityModel: give a config or keyword parameters, not both")
            from .api import compose, to_config

            config = to_config(compose(scenario, [f"{k}={_override(v)}" for k, v in params.items()]))
        config = config if config is not None else Config()
        super().__init__(rng=seed_stream(config) if rng is None else rng)
        self.config = config
        self.running = True  # Mesa's flag: False after config.days steps (mesa.batch_run stops there)
        self.policies = Policies(config.policy)  # instantiated by Hydra from their _target_
        self.calendar = Calendar(config.calendar)
        self.graph = build_graph(config.graph, config.population.size, self.rng)
        traits = draw_people(self.graph.n, config.population, self.graph, self.calendar.slot_online_share, self.rng)
        n_groups = config.groups.count + self.policies.extra_groups()  # reserved slots stay unfounded till used
        self.people = MemberTable(traits, self.graph, n_groups)
        self._by_tier: dict[tuple, np.ndarray] = {}
        self.expectation = self.by_tier(config.population.expectation_by_tier)
        self.events: list[tuple] = []
        self.team = CoreTeam(n_groups)
        self.day_state = Day(-1, np.empty(0, dtype=np.int64), n_groups)
        self.groups = self._found_groups()
        self.group_sizes = self.people.group_sizes()
        self.recorder = Recorder(self)
        self.datacollector = DailyTotals(model_reporters=DAILY_TOTALS)
        self.policies.setup(self)

    def by_tier(self, values) -> np.ndarray:
        """Per person: the entry of ``values`` (one per potential tier) for their tier, float32
        (computed once per ``values``)."""
        key = tuple(values)
        table = self._by_tier.get(key)
        if table is None:
            table = self._by_tier[key] = tier_table(key)[self.people.tier]
        return table

    # ------------------------------------------------------------------ the day
    def step(self) -> None:
        """One day, in this order (docs/odd.md, process overview)."""
        self.calendar.advance()
        self._start_day()
        self.policies.plan_day(self)       # the organizers' policies: today's actions and their effects
        rules.core_team.plan(self)         # organizers and KOLs plan posts, welcomes, answers, leads
        rules.activity.post(self)          # who is online in which slot, who speaks
        self.policies.react(self)          # members respond: grab packets, check in, buy
        rules.content.produce(self)        # volume, quality, noise and silence of today's output
        rules.value.perceive(self)         # each member's value: relevance x quality + ties + rewards - costs
        rules.satisfaction.update(self)    # against expectations that rise with potential tier
        rules.novelty.update(self)         # boredom with tenure; refresh by newcomers and fresh content
        rules.exit.leave(self)             # voluntary exits, with a reason
        self.policies.after_day(self)      # eviction, rotation, replication, crises (each logs events)
        rules.core_team.review(self)       # motivation, overload and burnout of the core team
        rules.join.arrive(self)            # invitations along ties and recruited leads, within capacity
        self.recorder.record(self)         # observe.* into the time series
        self.datacollector.collect(self)   # Mesa's view: the day's totals (for mesa.batch_run)
        self.running = self.calendar.day + 1 < self.config.days

    def run(self, days: int | None = None, progress: bool = False) -> None:
        """Step ``days`` days (default: ``config.days``), optionally with a tqdm bar."""
        days = self.config.days if days is None else days
        steps = range(days)
        if progress:
            from tqdm.auto import tqdm

            steps = tqdm(steps, desc="days", unit="day", leave=False)
        for _ in steps:
            self.step()

    def _start_day(self) -> None:
        people = self.people
        m = people.members
        gm = people.group[m]
        ordinary = people.role[m] == ROLE_MEMBER
        crowd = m[ordinary]
        self.group_sizes = np.bincount(gm, minlength=self.groups.count)
        self.day_state = Day(self.calendar.day, crowd, self.groups.count, group=gm[ordinary], tier=people.tier[crowd])
        if self.calendar.day == 0:  # founders are counted as day 0's joins
            self.day_state.joins[VIA_SEED] = self._founding_joins

    # ------------------------------------------------------------------ the core team
    @property
    def organizers(self) -> list[Organizer]:
        """Active owners and admins."""
        return [self.team.agents[i] for i in self.team.active_slots(organizer=True)]

    @property
    def kols(self) -> list[KOL]:
        """Active KOLs."""
        return [self.team.agents[i] for i in self.team.active_slots(organizer=False)]

    def core_team_changed(self, group: int) -> None:
        """After a quit: the most motivated admin takes over an ownerless group; none left is logged."""
        team = [o for o in self.organizers if o.group == group]
        if any(o.role == ROLE_OWNER for o in team):
            return
        if team:
            heir = max(team, key=lambda o: o.motivation)
            heir.role = ROLE_OWNER
            self.people.role[heir.person] = ROLE_OWNER
            self.groups.owner[group] = heir.person
            self.log_event(group=group, source="core_team", action="owner_succession", target_count=1,
                           detail=f"admin {heir.person} takes over")
        elif self.groups.owner[group] >= 0:
            self.groups.owner[group] = -1
            self.log_event(group=group, source="core_team", action="no_organizer_left", target_count=0)

    # ------------------------------------------------------------------ founding
    def _found_groups(self) -> Groups:
        """Each group: an owner (a well-connected high-potential person), a topic (the owner's
        favourite), seed users among the owner's friends who share it (种子用户), admins and KOLs.
        Slots reserved for groups founded later (``Policy.extra_groups``) stay unfounded."""
        cfg, people, graph = self.config.groups, self.people, self.graph
        owners = self._choose_owners(cfg.count)
        topics = people.match[owners].argmax(axis=1)
        self.groups = groups = Groups(cfg.count, cfg.capacity, topics, owners,
                                      reserve=self.people.n_groups - cfg.count)
        for g, owner in enumerate(owners):
            seeds = self._seed_users(int(owner), int(topics[g]), cfg.seed_users, exclude=owners)
            ranked = sorted(seeds, key=lambda p: (self._file_role(p) != "admin", people.tier[p],
                                                  -people.match[p, topics[g]]))
            admins = ranked[: cfg.admins]
            rest = [p for p in ranked if p not in admins]
            rest.sort(key=lambda p: (self._file_role(p) != "kol", people.tier[p], -graph.degree[p]))
            self.found_group(int(owner), seeds, admins=admins, kols=rest[: cfg.kols], group=g)
        groups.joins_yesterday = self.day_state.joins.sum(axis=0)
        self._founding_joins = self.day_state.joins[VIA_SEED].copy()
        return groups

    def found_group(self, owner: int, members=(), *, admins=(), kols=(), topic: int | None = None,
                    parent: int = -1, group: int | None = None) -> int:
        """Found a group with the given founders; returns its id.

        ``owner`` runs it; ``members`` are the other founders, among them the ``admins`` and ``kols``.
        Founders from the pool join as seed users (via "seed"); founders who are members elsewhere move
        (cross-introduction, via "moved", see ``move_members``), keeping their core-team agent, whose
        role becomes the one given here. ``group``: an id already allocated (the initial groups);
        by default the first reserved unfounded slot (``Policy.extra_groups``). ``topic``: by default
        the owner's favourite. ``parent``: the group it was cloned from (replication, 复制), for the record.
        Logs a "group_founded" event.
        """
        people, groups, day = self.people, self.groups, self.day_state
        today = max(self.calendar.day, 0)
        if group is None:
            free = groups.unfounded()
            if len(free) == 0:
                raise RuntimeError("no reserved group slot left: the policy's extra_groups() must reserve it")
            group = int(free[0])
        if not groups.founded[group]:
            topic = int(people.match[owner].argmax()) if topic is None else int(topic)
            groups.found(group, self.config.groups.capacity, topic, owner, today, parent)
        founders = np.concatenate([[owner], np.asarray(members, dtype=np.int64)]).astype(np.int64)
        assert len(founders) <= groups.capacity[group], "more founders than the group holds"
        new = founders[people.status[founders] == POOL]
        people.add(new, np.full(len(new), group), today, VIA_SEED, self.config.rules.satisfaction.start,
                   groups.topic)
        day.joins[VIA_SEED, group] += len(new)
        self.move_members(founders[people.status[founders] == MEMBER], group)  # those not just added
        for person, role in ([(owner, ROLE_OWNER)] + [(p, ROLE_ADMIN) for p in admins]
                             + [(p, ROLE_KOL) for p in kols]):
            people.role[person] = role
            agent = self._agent_of(person)
            if agent is not None:
                agent.role = role
            elif role == ROLE_KOL:
                people.set_pull(person, self.config.kols.influence)
                KOL(self, person, group, self.config.kols)
            else:
                Organizer(self, person, group, self.config.organizers, owner=role == ROLE_OWNER)
        groups.owner[group] = owner
        self.log_event(group=group, source="founding", action="group_founded", target_count=len(founders),
                       detail=f"owner {owner}, topic {groups.topic[group]}"
                              + (f", parent {parent}" if parent >= 0 else ""))
        return group

    def move_members(self, people: np.ndarray, group: int) -> None:
        """Members change group without leaving (cross-introduction, 交叉引入; ``MemberTable.move``).

        Counted as the new group's joins via "moved" and the old groups' ``moved_out``, so per group
        joins = members + exits + moved out. Core-team members keep their agent, now in ``group``; a
        group that lost its owner gets a successor (``core_team_changed``). Members of ``group`` already
        are ignored.
        """
        table, day = self.people, self.day_state
        people = np.asarray(people, dtype=np.int64)
        people = people[table.group[people] != group]
        if len(people) == 0:
            return
        assert self.groups.founded[group], f"group {group} is not founded"
        assert np.count_nonzero(table.group[table.members] == group) + len(people) <= self.groups.capacity[group], \
            "the move would exceed the group's capacity"
        old = table.group[people].copy()
        np.add.at(day.moved_out, old, 1)
        day.joins[VIA_MOVED, group] += len(people)
        table.move(people, group, self.groups.topic)
        left_behind = set()
        for person in people[table.role[people] != ROLE_MEMBER]:
            agent = self._agent_of(int(person))
            if agent is not None:
                left_behind.add(agent.group)
                agent.group = group
        for g in sorted(left_behind):
            self.core_team_changed(g)

    def _agent_of(self, person: int) -> CoreMember | None:
        """The active core-team agent of ``person``, if any."""
        slots = np.flatnonzero(self.team.active & (self.team.person == person))
        return self.team.agents[slots[0]] if len(slots) else None

    def _file_role(self, person: int) -> str:
        return "" if self.graph.role is None else self.graph.role[person]

    def _choose_owners(self, count: int) -> np.ndarray:
        """Owners marked in a graph file first; then well-connected high-potential people."""
        people, graph = self.people, self.graph
        marked = [] if graph.role is None else list(np.flatnonzero(graph.role == "owner")[:count])
        need = count - len(marked)
        if need > 0:
            want = self.config.groups.seed_users
            pool = np.setdiff1d(np.arange(people.n), marked)
            score = graph.degree[pool] * np.where(people.tier[pool] == 0, 4.0, 1.0) * self.rng.random(len(pool))
            score[graph.degree[pool] < min(want, 3)] = -1
            marked += list(pool[np.argsort(-score, kind="stable")[:need]])
        owners = np.array(marked, dtype=np.int64)
        if len(np.unique(owners)) < count:
            raise ValueError("groups.count: the graph has too few people to found that many groups")
        return owners

    def _seed_users(self, owner: int, topic: int, count: int, exclude: np.ndarray) -> np.ndarray:
        """The owner's friends (then friends of friends) still in the pool and not founding a group
        themselves, most interested first."""
        people, graph = self.people, self.graph
        _, first, _ = graph.neighbors(np.array([owner]))
        _, second, _ = graph.neighbors(first)
        chosen: list[int] = []
        for ring in (first, second):
            ring = np.unique(ring)
            ring = ring[(people.status[ring] == POOL) & ~np.isin(ring, exclude) & ~np.isin(ring, chosen)]
            ring = ring[np.argsort(-people.match[ring, topic], kind="stable")]
            chosen += list(ring[: count - len(chosen)])
            if len(chosen) >= count:
                break
        return np.array(chosen, dtype=np.int64)

    # ------------------------------------------------------------------ inspection and logging
    def member(self, person: int) -> Member:
        """A read-only view of one person (any state), e.g. ``model.member(42).satisfaction``."""
        if not 0 <= person < self.people.n:
            raise IndexError(f"person {person} out of range 0..{self.people.n - 1}")
        return Member(self.people, person, self.calendar.day)

    def members_of(self, group: int) -> np.ndarray:
        people = self.people
        m = people.members
        return m[people.group[m] == group]

    def expel(self, people: np.ndarray, reason: str = "evicted") -> None:
        """Ordinary members leave by a policy's act (eviction, elimination) or a crisis, counted as exits.

        Call from ``Policy.after_day`` (after voluntary exits), so nobody leaves twice in a day.
        """
        people = np.asarray(people, dtype=np.int64)
        if len(people) == 0:
            return
        table, day = self.people, self.day_state
        assert (table.status[people] == MEMBER).all() and (table.role[people] == ROLE_MEMBER).all(), \
            "only ordinary members can be expelled"
        why = EXIT_REASONS.index(reason)
        groups = table.group[people]
        day.count_exits(why, table.tier[people], groups)
        table.remove(people, day.index, why)

    def add_posts(self, people: np.ndarray, posts: np.ndarray | int = 1) -> None:
        """Members post because of a policy (a check-in, a thank-you): counted as today's posts.

        Call from ``Policy.react`` (before content is aggregated); ``people`` must be in today's crowd.
        """
        people = np.asarray(people, dtype=np.int64)
        if len(people) == 0:
            return
        day = self.day_state
        rows = day.rows(people)
        posts = np.broadcast_to(np.asarray(posts, dtype=day.posts.dtype), rows.shape)
        np.add.at(day.posts, rows, posts)
        np.add.at(self.people.posts_total, people, posts)
        self.people.last_active_day[people] = day.index

    def log_event(self, *, group: int, source: str, action: str, target_count: int = 0, slot: str = "",
                  spend_yuan: float = 0.0, organizer_minutes: float = 0.0, detail: str = "") -> None:
        """Append one event row (policy actions, core-team changes, detected failures)."""
        self.events.append((max(self.calendar.day, 0), slot, int(group), source, action, int(target_count),
                            float(spend_yuan), float(organizer_minutes), detail))


__all__ = ["CommunityModel", "CoreMember", "MEMBER"]
