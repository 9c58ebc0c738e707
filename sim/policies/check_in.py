"""Check-ins (打卡): a programme with a topic and a daily task, run in cycles under one of five rule sets.

Calendar (per group, from ``start_day`` after its founding): a cycle is one announcement day, then
``cycle_days`` check-in days, then the awards on the next morning and ``gap_days`` of rest before the
next cycle (``max_cycles`` cycles, 0 = no limit). Organizer work, claimed in the morning and logged:
topic and notice (``minutes_per_cycle_start``, action ``announce_cycle``), the daily task plus the
review and collection of yesterday's check-ins (``minutes_per_day_task`` + ``minutes_per_100_checkins``
per 100, ``daily_task``), the awards (``minutes_per_cycle_end`` + the last review, ``awards``). A day
whose task was not posted (no time) is closed: nobody checks in and nobody misses.

Enrolment (announcement day): ordinary members online that day with satisfaction at least
``enrol_min_satisfaction`` enrol with probability ``enrol_share`` x their interest match (同好).
On an open day an enrolled member who is online checks in with probability
    p = min(max_checkin_prob, (checkin_prob_start + habit_gain_per_streak_day x streak) x (1.5 - difficulty))
raised by the rule set's boost b as p + b x (1 - p) (then capped). A check-in is a post (it marks the
member active), refreshes ``novelty_refresh_per_checkin`` x the task's freshness of the member's
novelty gap, and is worth ``value_per_checkin`` x (0.5 + difficulty) today (progress, feedback). A
member not checking in on an open day misses: the streak resets. The task's freshness falls by
``task_freshness_decay_per_cycle`` with every cycle of the same task. At the awards, members with at
most ``complete_max_misses`` misses complete and get ``award_value`` (honour, 荣誉).

Rule sets (``rule_set``), DOMAIN.md (押金制, 淘汰制, 监督制, 激励制, 迭代制):

- ``deposit``: enrolling costs ``deposit_yuan`` (paid by the member), ``forfeit_per_miss_yuan`` is
  forfeited per miss; the rest is refunded at the awards and the forfeits are split among those who
  complete (kept by the organizers if nobody does). Loss aversion raises p by ``deposit_commitment``;
  the sunk cost scales the exit hazards of members with money at stake by
  exp(-deposit left / ``sunk_cost_scale_yuan``) (``Day.exit_factor``).
- ``elimination``: ``max_misses`` misses put a member out of the programme (the next morning,
  ``minutes_per_elimination`` each), and with ``expel_from_group`` out of the group (reason "evicted");
  the threat raises p by ``elimination_pressure``.
- ``supervision``: each open morning organizers remind the enrolled who missed yesterday
  (``minutes_per_reminder`` each) and a peer reminds any enrolled member with ``peer_reminder_share``;
  a reminded member's p rises by ``reminder_boost``.
- ``incentive``: a streak reaching a multiple of ``streak_days`` earns ``streak_reward_yuan`` (paid by
  the organizers) and ``streak_reward_value``, at the next morning's review (``minutes_per_streak_reward``
  each; pending while there is no time, lost at the end of the cycle).
- ``iteration``: at the awards the rules are revised from the cycle's completion rate
  (check-ins / (enrolled x open days), ``minutes_per_revision``): below ``low_completion`` the task
  gets easier, above ``high_completion`` harder, by ``difficulty_step``; in every case it is new, so
  its freshness is restored to 1.

Money: deposits are logged as ``income_yuan`` (money the organizers take in), refunds, forfeit
shares and streak rewards as ``spend_yuan``, so a run's net spend (spend - income) = what members
received - what they paid. Sources: DOMAIN.md (check-ins are long, tedious work: topic, notice, review,
collection, awards); habit strengthening with repetition (Lally et al., Eur J Soc Psychol 2010);
sunk cost (Arkes & Blumer 1985). The numbers are assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import ConfigError, _check, _check_choice
from ..population import MEMBER, ROLE_MEMBER
from .base import Policy

RULE_SETS = ("deposit", "elimination", "supervision", "incentive", "iteration")


@dataclass(frozen=True)
class CheckInParams:
    """A check-in programme: topic, calendar, who joins, how habits form, the rule set and its costs."""

    rule_set: str = "incentive"  # DOMAIN.md: deposit, elimination, supervision, incentive, iteration
    topic: str = "daily reading"  # a label for the events (DOMAIN.md: the organizers choose a topic)
    start_day: int = 14  # assumption: the first cycle starts two weeks after founding
    cycle_days: int = 21  # assumption: the common 21-day check-in programme
    gap_days: int = 7  # assumption: a week's rest between cycles
    max_cycles: int = 0  # 0 = cycles go on for the whole run
    enrol_share: float = 0.5  # assumption: x interest match = probability that an online member enrols
    enrol_min_satisfaction: float = 0.4  # assumption: the unhappy do not sign up
    checkin_prob_start: float = 0.4  # assumption: an online enrolled member checks in on day one
    habit_gain_per_streak_day: float = 0.02  # Lally et al. 2010: automaticity grows with repetition; assumption
    max_checkin_prob: float = 0.95  # assumption: even habits miss sometimes
    novelty_refresh_per_checkin: float = 0.02  # assumption: share of the member's novelty gap refreshed
    task_freshness_decay_per_cycle: float = 0.7  # assumption: the same task repeated grows stale
    value_per_checkin: float = 0.03  # assumption: value of progress and feedback, on rules.value's scale
    award_value: float = 0.1  # assumption: honour for completing a cycle (DOMAIN.md: awards)
    complete_max_misses: int = 2  # assumption: misses allowed for completing a cycle
    minutes_per_cycle_start: float = 30.0  # DOMAIN.md: topic and notice; assumption
    minutes_per_day_task: float = 5.0  # DOMAIN.md: the daily task; assumption
    minutes_per_100_checkins: float = 20.0  # DOMAIN.md: review and collection; assumption
    minutes_per_cycle_end: float = 30.0  # DOMAIN.md: awards; assumption
    # deposit (押金制)
    deposit_yuan: float = 30.0  # assumption, near DOMAIN.md's 18.8-yuan entry fee
    forfeit_per_miss_yuan: float = 2.0  # assumption
    sunk_cost_scale_yuan: float = 30.0  # Arkes & Blumer 1985 (sunk cost); assumption: 30 yuan -> exits x 0.37
    deposit_commitment: float = 0.2  # assumption: loss aversion raises the check-in probability
    # elimination (淘汰制)
    max_misses: int = 3  # assumption
    expel_from_group: bool = False  # DOMAIN.md: "without elimination, lazy people multiply"
    elimination_pressure: float = 0.1  # assumption
    minutes_per_elimination: float = 1.0  # assumption
    # supervision (监督制)
    peer_reminder_share: float = 0.3  # assumption: enrolled members reminded by a peer each day
    minutes_per_reminder: float = 1.0  # assumption: an organizer's private reminder
    reminder_boost: float = 0.3  # assumption
    # incentive (激励制)
    streak_days: int = 7  # assumption: a reward for each week in a row
    streak_reward_yuan: float = 2.0  # assumption: a small red packet
    streak_reward_value: float = 0.1  # assumption: recognition, on rules.value's scale
    minutes_per_streak_reward: float = 0.5  # assumption
    # iteration (迭代制)
    difficulty_start: float = 0.5  # assumption: 0 trivial .. 1 hard
    difficulty_step: float = 0.2  # assumption
    low_completion: float = 0.4  # assumption: below this the task gets easier
    high_completion: float = 0.7  # assumption: above this it gets harder
    minutes_per_revision: float = 20.0  # assumption

    def __post_init__(self) -> None:
        _check_choice(self, "rule_set", RULE_SETS)
        if not isinstance(self.topic, str) or not self.topic:
            raise ConfigError("topic", "expected a non-empty label")
        _check(self, "start_day", 0)
        _check(self, "cycle_days", 1, 366)
        _check(self, "gap_days", 0)
        _check(self, "max_cycles", 0)
        _check(self, "complete_max_misses", 0)
        _check(self, "max_misses", 1)
        _check(self, "streak_days", 1)
        for name in ("enrol_share", "enrol_min_satisfaction", "checkin_prob_start", "max_checkin_prob",
                     "novelty_refresh_per_checkin", "task_freshness_decay_per_cycle", "deposit_commitment",
                     "elimination_pressure", "peer_reminder_share", "reminder_boost", "difficulty_start",
                     "difficulty_step", "low_completion", "high_completion"):
            _check(self, name, 0.0, 1.0)
        for name in ("habit_gain_per_streak_day", "value_per_checkin", "award_value", "minutes_per_cycle_start",
                     "minutes_per_day_task", "minutes_per_100_checkins", "minutes_per_cycle_end", "deposit_yuan",
                     "forfeit_per_miss_yuan", "minutes_per_elimination", "minutes_per_reminder",
                     "streak_reward_yuan", "streak_reward_value", "minutes_per_streak_reward",
                     "minutes_per_revision"):
            _check(self, name, 0.0)
        _check(self, "sunk_cost_scale_yuan", 0.0, lo_open=True)
        if self.low_completion > self.high_completion:
            raise ConfigError("low_completion", "must not exceed high_completion")


def checkin_probability(p: CheckInParams, streak: np.ndarray, difficulty: np.ndarray, boost: np.ndarray) -> np.ndarray:
    """An online enrolled member's chance to check in: habit by streak, eased or hardened by the task, boosted."""
    prob = np.minimum((p.checkin_prob_start + p.habit_gain_per_streak_day * streak) * (1.5 - difficulty),
                      p.max_checkin_prob)
    return np.minimum(prob + boost * (1.0 - prob), p.max_checkin_prob)


class CheckIn(Policy):
    """A check-in programme in cycles under one rule set: habit, novelty, exits and organizer work."""

    name = "check_in"
    order = 45
    Params = CheckInParams

    def setup(self, model) -> None:
        n, G, p = model.people.n, model.groups.count, self.params
        # per person
        self.enrolled = np.zeros(n, dtype=bool)
        self.enrol_group = np.full(n, -1, dtype=np.int32)
        self.streak = np.zeros(n, dtype=np.int32)
        self.misses = np.zeros(n, dtype=np.int32)
        self.cycle_checkins = np.zeros(n, dtype=np.int32)
        self.deposit_left = np.zeros(n, dtype=np.float64)
        self.pending_rewards = np.zeros(n, dtype=np.int32)  # streak rewards earned, paid at the next review
        self.reminded = np.zeros(n, dtype=bool)  # today
        self.to_expel = np.empty(0, dtype=np.int64)  # eliminated this morning, removed from the group tonight
        self.ever_enrolled = np.zeros(n, dtype=bool)
        self.enrolled_days = np.zeros(n, dtype=np.int32)  # days spent enrolled (an exposure, for analysis)
        self.left_enrolled = np.zeros(n, dtype=bool)  # left the community while enrolled
        # per group
        self.running = np.zeros(G, dtype=bool)
        self.cycle_start = np.full(G, -1, dtype=np.int64)
        self.cycles = np.zeros(G, dtype=np.int64)
        self.enrolling = np.zeros(G, dtype=bool)  # today is an announcement day
        self.open = np.zeros(G, dtype=bool)  # today's task was posted
        self.difficulty = np.full(G, p.difficulty_start)
        self.freshness = np.ones(G)
        self.pool_yuan = np.zeros(G)  # forfeited deposits of the running cycle
        self.checkins_today = np.zeros(G, dtype=np.int64)
        self.checkins_yesterday = np.zeros(G, dtype=np.int64)
        self.cycle_total = np.zeros(G, dtype=np.int64)  # check-ins this cycle
        self.cycle_open_days = np.zeros(G, dtype=np.int64)
        self.cycle_enrolled = np.zeros(G, dtype=np.int64)
        self.history: list[dict] = []  # one entry per finished cycle and group

    # ------------------------------------------------------------------ morning
    def plan_day(self, model) -> None:
        p, d = self.params, model.day_state.index
        self.checkins_yesterday[:] = self.checkins_today
        self.checkins_today[:] = 0
        self.enrolling[:] = False
        self.open[:] = False
        self.reminded[:] = False
        self.to_expel = np.empty(0, dtype=np.int64)
        self._drop_departed(model)
        groups = model.groups
        founded = getattr(groups, "founded", np.ones(groups.count, dtype=bool))
        period = 1 + p.cycle_days + p.gap_days
        for g in range(groups.count):
            if not founded[g]:
                continue
            if self.running[g] and d - self.cycle_start[g] == p.cycle_days + 1:
                self._end_cycle(model, g)
            t = d - int(groups.created_day[g]) - p.start_day
            if (not self.running[g] and t >= 0 and t % period == 0 and model.group_sizes[g] > 0
                    and (p.max_cycles == 0 or self.cycles[g] < p.max_cycles)):
                self._start_cycle(model, g)
            elif self.running[g] and 1 <= d - self.cycle_start[g] <= p.cycle_days:
                self._open_day(model, g)
        if self.enrolled.any():
            self.enrolled_days[self.enrolled] += 1

    def _drop_departed(self, model) -> None:
        """Enrolled people who left, moved or joined the core team leave the programme."""
        people = model.people
        idx = np.flatnonzero(self.enrolled)
        if len(idx) == 0:
            return
        gone = idx[(people.status[idx] != MEMBER) | (people.role[idx] != ROLE_MEMBER)
                   | (people.group[idx] != self.enrol_group[idx])]
        if len(gone) == 0:
            return
        left = gone[people.status[gone] != MEMBER]
        self.left_enrolled[left] = True
        np.add.at(self.pool_yuan, self.enrol_group[left], self.deposit_left[left])  # a leaver forfeits it
        stayed = gone[people.status[gone] == MEMBER]  # moved or promoted: refunded at once
        for g in np.unique(self.enrol_group[stayed]):
            who = stayed[self.enrol_group[stayed] == g]
            yuan = self.deposit_left[who]
            if yuan.sum() > 0:
                people.received_yuan[who] += yuan
                self.log(int(g), "refund_deposit", target_count=len(who), spend_yuan=float(yuan.sum()),
                         detail="left the programme without leaving the community")
        self.deposit_left[gone] = 0.0
        self.enrolled[gone] = False

    def _start_cycle(self, model, g: int) -> None:
        p = self.params
        if not self.claim_minutes(g, p.minutes_per_cycle_start, "announce_cycle"):
            return
        self.running[g], self.cycle_start[g], self.enrolling[g] = True, model.day_state.index, True
        self.cycles[g] += 1
        self.pool_yuan[g] = 0.0
        self.cycle_total[g] = self.cycle_open_days[g] = self.cycle_enrolled[g] = 0
        self.log(g, "announce_cycle", organizer_minutes=p.minutes_per_cycle_start,
                 detail=f"cycle {self.cycles[g]}: {p.topic}, {p.rule_set}, difficulty {self.difficulty[g]:.2f}, "
                        f"freshness {self.freshness[g]:.2f}")

    def _review_minutes(self, g: int) -> float:
        return self.params.minutes_per_100_checkins * self.checkins_yesterday[g] / 100.0

    def _members_of(self, model, g: int, mask: np.ndarray) -> np.ndarray:
        """People flagged in ``mask`` (per person) who are enrolled in group g's programme."""
        return np.flatnonzero(mask & self.enrolled & (self.enrol_group == g))

    def _open_day(self, model, g: int) -> None:
        p, day = self.params, model.day_state
        minutes = p.minutes_per_day_task + self._review_minutes(g)
        if not self.claim_minutes(g, minutes, "daily_task"):
            return
        self.open[g] = True
        self.cycle_open_days[g] += 1
        self.log(g, "daily_task", target_count=int(self.checkins_yesterday[g]), organizer_minutes=minutes,
                 detail=f"day {day.index - self.cycle_start[g]}: task posted, yesterday's check-ins reviewed")
        self._pay_streak_rewards(model, g)
        if p.rule_set == "elimination":
            self._eliminate(model, g)
        elif p.rule_set == "supervision":
            self._remind(model, g)

    def _pay_streak_rewards(self, model, g: int) -> None:
        """Streak rewards earned up to yesterday (incentive), paid after the review; kept pending without time."""
        p, day = self.params, model.day_state
        who = self._members_of(model, g, self.pending_rewards > 0)
        if len(who) == 0:
            return
        count = self.pending_rewards[who]
        if not self.claim_minutes(g, p.minutes_per_streak_reward * float(count.sum()), "streak_reward"):
            return
        yuan = p.streak_reward_yuan * count
        model.people.received_yuan[who] += yuan
        day.crowd_array("reward", 0.0)[day.rows(who)] += np.float32(p.streak_reward_value) * count
        self.pending_rewards[who] = 0
        self.log(g, "streak_reward", target_count=len(who), spend_yuan=float(yuan.sum()),
                 organizer_minutes=p.minutes_per_streak_reward * float(count.sum()),
                 detail=f"{int(count.sum())} rewards for {p.streak_days} days in a row")

    def _eliminate(self, model, g: int) -> None:
        p = self.params
        out = self._members_of(model, g, self.misses >= p.max_misses)
        if len(out) == 0:
            return
        minutes = p.minutes_per_elimination * len(out)
        if not self.claim_minutes(g, minutes, "eliminate"):
            return
        self.enrolled[out] = False
        where = "the programme and the group" if p.expel_from_group else "the programme"
        self.log(g, "eliminate", target_count=len(out), organizer_minutes=minutes,
                 detail=f"{p.max_misses} misses: out of {where}")
        if p.expel_from_group:
            self.to_expel = np.concatenate([self.to_expel, out])

    def _remind(self, model, g: int) -> None:
        p, rng = self.params, model.rng
        enrolled = self._members_of(model, g, np.ones(len(self.enrolled), dtype=bool))
        first_day = model.day_state.index - self.cycle_start[g] == 1
        missed = enrolled[(self.streak[enrolled] == 0) & ~first_day]
        if len(missed):
            minutes = p.minutes_per_reminder * len(missed)
            if self.claim_minutes(g, minutes, "remind"):
                self.reminded[missed] = True
                self.log(g, "remind", target_count=len(missed), organizer_minutes=minutes,
                         detail="organizers remind those who missed yesterday")
        peers = enrolled[rng.random(len(enrolled)) < p.peer_reminder_share]
        if len(peers):
            self.reminded[peers] = True
            self.log(g, "peer_remind", target_count=len(peers), detail="members remind each other")

    def _end_cycle(self, model, g: int) -> None:
        p, day, people = self.params, model.day_state, model.people
        enrolled = self._members_of(model, g, np.ones(len(self.enrolled), dtype=bool))
        completers = enrolled[self.misses[enrolled] <= p.complete_max_misses]
        minutes = p.minutes_per_cycle_end + self._review_minutes(g)
        if self.claim_minutes(g, minutes, "awards"):
            self.log(g, "awards", target_count=len(completers), organizer_minutes=minutes,
                     detail=f"cycle {self.cycles[g]}: {len(completers)} of {len(enrolled)} completed")
            if len(completers) and p.award_value > 0:
                day.crowd_array("reward", 0.0)[day.rows(completers)] += np.float32(p.award_value)
            self._pay_streak_rewards(model, g)
        self.pending_rewards[enrolled] = 0  # streaks not rewarded by the end of the cycle are lost
        if p.rule_set == "deposit":
            refund = self.deposit_left[enrolled].copy()
            share = np.zeros(len(enrolled))
            kept = self.pool_yuan[g]
            if len(completers) and kept > 0:
                share[np.isin(enrolled, completers)] = np.floor(kept / len(completers) * 100) / 100  # whole fen
                kept -= share.sum()
            paid = refund + share
            people.received_yuan[enrolled] += paid
            self.deposit_left[enrolled] = 0.0
            self.log(g, "refund_deposit", target_count=int((paid > 0).sum()), spend_yuan=float(paid.sum()),
                     detail=f"refunds {refund.sum():.2f} + forfeits shared {share.sum():.2f}; kept {kept:.2f} yuan")
        completion = self.cycle_total[g] / max(1, self.cycle_enrolled[g] * self.cycle_open_days[g])
        revised = ""
        if p.rule_set == "iteration" and self.claim_minutes(g, p.minutes_per_revision, "revise_task"):
            old = self.difficulty[g]
            if completion < p.low_completion:
                self.difficulty[g], revised = max(0.0, old - p.difficulty_step), "easier"
            elif completion > p.high_completion:
                self.difficulty[g], revised = min(1.0, old + p.difficulty_step), "harder"
            else:
                revised = "new"
            self.freshness[g] = 1.0
            self.log(g, "revise_task", organizer_minutes=p.minutes_per_revision,
                     detail=f"completion {completion:.2f}: {revised} task, difficulty {old:.2f} -> "
                            f"{self.difficulty[g]:.2f}")
        else:
            self.freshness[g] *= p.task_freshness_decay_per_cycle
        self.history.append({"group": g, "cycle": int(self.cycles[g]), "day": day.index,
                             "enrolled": int(self.cycle_enrolled[g]), "completed": len(completers),
                             "checkins": int(self.cycle_total[g]), "open_days": int(self.cycle_open_days[g]),
                             "completion": float(completion), "difficulty": float(self.difficulty[g]),
                             "revised": revised})
        self.enrolled[enrolled] = False
        self.running[g] = False
        self.pool_yuan[g] = 0.0

    # ------------------------------------------------------------------ during the day
    def react(self, model) -> None:
        if self.enrolling.any() or self.open.any():
            self._check_in(model)
        if self.params.rule_set == "deposit" and self.enrolled.any():  # sunk cost (Arkes & Blumer 1985)
            day = model.day_state
            at_stake = np.flatnonzero(self.enrolled[day.crowd] & (self.deposit_left[day.crowd] > 0))
            factor = np.exp(-self.deposit_left[day.crowd[at_stake]] / self.params.sunk_cost_scale_yuan)
            day.crowd_array("exit_factor", 1.0)[at_stake] *= factor.astype(np.float32)

    def _check_in(self, model) -> None:
        """Today's enrolment and check-ins."""
        p, day, people, rng = self.params, model.day_state, model.people, model.rng
        crowd = day.crowd
        online = day.online.any(axis=1)
        if self.enrolling.any():
            self._enrol(model, online)
        rows = np.flatnonzero(self.open[day.group] & self.enrolled[crowd])
        rows = rows[self.enrol_group[crowd[rows]] == day.group[rows]]
        if len(rows) == 0:
            return
        who = crowd[rows]
        g = day.group[rows]
        boost = np.zeros(len(rows))
        if p.rule_set == "deposit":
            boost[:] = p.deposit_commitment
        elif p.rule_set == "elimination":
            boost[:] = p.elimination_pressure
        elif p.rule_set == "supervision":
            boost = np.where(self.reminded[who], p.reminder_boost, 0.0)
        prob = checkin_probability(p, self.streak[who], self.difficulty[g], boost)
        hit = online[rows] & (rng.random(len(rows)) < prob)
        done, miss = who[hit], who[~hit]
        # a check-in: a post, a little novelty, a little value; a miss breaks the streak
        model.add_posts(done, 1)
        fresh = (p.novelty_refresh_per_checkin * self.freshness[g[hit]]).astype(np.float32)
        people.novelty[done] += (1.0 - people.novelty[done]) * fresh
        day.crowd_array("reward", 0.0)[rows[hit]] += (p.value_per_checkin * (0.5 + self.difficulty[g[hit]])
                                                      ).astype(np.float32)
        self.streak[done] += 1
        self.cycle_checkins[done] += 1
        if p.rule_set == "incentive":
            reached = done[self.streak[done] % p.streak_days == 0]
            self.pending_rewards[reached] += 1
        self.streak[miss] = 0
        self.misses[miss] += 1
        forfeit = np.zeros(len(miss))
        if p.rule_set == "deposit" and len(miss):
            forfeit = np.minimum(self.deposit_left[miss], p.forfeit_per_miss_yuan)
            self.deposit_left[miss] -= forfeit
            np.add.at(self.pool_yuan, g[~hit], forfeit)
        checked = np.bincount(g[hit], minlength=day.n_groups)
        missed = np.bincount(g[~hit], minlength=day.n_groups)
        lost = np.bincount(g[~hit], weights=forfeit, minlength=day.n_groups)
        self.checkins_today += checked
        self.cycle_total += checked
        for gg in np.flatnonzero(self.open):
            detail = f"{missed[gg]} missed" + (f", {lost[gg]:.2f} yuan forfeited" if p.rule_set == "deposit" else "")
            self.log(int(gg), "checkin", target_count=int(checked[gg]), detail=detail)

    def _enrol(self, model, online: np.ndarray) -> None:
        p, day, people, rng = self.params, model.day_state, model.people, model.rng
        crowd = day.crowd
        rows = np.flatnonzero(self.enrolling[day.group] & online & ~self.enrolled[crowd]
                              & (people.satisfaction[crowd] >= p.enrol_min_satisfaction))
        rows = rows[rng.random(len(rows)) < p.enrol_share * people.relevance[crowd[rows]]]
        who, g = crowd[rows], day.group[rows]
        self.enrolled[who] = True
        self.ever_enrolled[who] = True
        self.enrol_group[who] = g
        self.streak[who] = self.misses[who] = self.cycle_checkins[who] = self.pending_rewards[who] = 0
        deposit = p.deposit_yuan if p.rule_set == "deposit" else 0.0
        self.deposit_left[who] = deposit
        people.paid_yuan[who] += deposit
        count = np.bincount(g, minlength=day.n_groups)
        self.cycle_enrolled += count
        for gg in np.flatnonzero(self.enrolling):
            self.log(int(gg), "enrol", target_count=int(count[gg]), income_yuan=deposit * float(count[gg]),
                     detail=f"{deposit:.2f} yuan deposit each" if deposit else "")

    # ------------------------------------------------------------------ evening
    def after_day(self, model) -> None:
        if len(self.to_expel) == 0:
            return
        people = model.people
        who = self.to_expel[(people.status[self.to_expel] == MEMBER) & (people.role[self.to_expel] == ROLE_MEMBER)]
        who = who[people.group[who] == self.enrol_group[who]]
        for g in np.unique(people.group[who]):
            out = who[people.group[who] == g]
            model.expel(out, "evicted")
            self.log(int(g), "expel", target_count=len(out), detail="eliminated from the check-in programme")
        self.to_expel = np.empty(0, dtype=np.int64)
