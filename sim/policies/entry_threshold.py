"""Entry threshold (入群门槛): candidates must pass a fee, a task or the owner's invitation to get in.

Every candidate the join rule draws (invited along ties, or a recruited lead) is screened before
admission (``screen``), by ``kind``:

- ``fee``: the candidate accepts to pay ``fee_yuan`` with probability
  exp(-fee_yuan / (fee_tolerance_yuan x match)), falling with the fee and rising with the interest
  match with the group's topic; payers pay on joining (``people.paid_yuan``; logged as
  ``fee_collected`` with ``income_yuan``: the operator spends nothing).
- ``task``: the candidate completes a task with probability match x propensity / (propensity +
  ``task_half_propensity_posts_per_day``) (keen and talkative people do it); each submission takes
  ``minutes_per_review`` of the organizers' time. Each morning they set aside review time for as many
  submissions as came in the day before (what does not fit is skipped and counts as overload);
  submissions beyond the time set aside are not reviewed and the candidate stays out that day.
- ``invitation_only``: only the team's invitations count: a candidate passes only as a friend (a tie
  on the graph) of the owner or of another active organizer of the group. Recruited leads, who are
  strangers, are thus turned away unless they happen to be friends of the team (the screen does not
  see how a candidate came).

Screening keeps out those with little interest, so joiners match the topic better (同好) and fewer
join. Those who passed are committed: their exit hazards are multiplied by ``committed_exit_factor``
("learning groups: members paid, so they stay even when lazy"; membership feels precious).
Sources: DOMAIN.md (entry threshold: a fee, e.g. 18.8 yuan, a task, invitation by the owner only;
community types), P2 (screened long-term group). Acceptance and pass curves are assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import _check, _check_choice
from .base import Policy

KINDS = ("fee", "task", "invitation_only")


@dataclass(frozen=True)
class EntryThresholdParams:
    """Which threshold, its price or effort, and how much it commits those who pass."""

    kind: str = "fee"  # DOMAIN.md: a fee, a task to complete, invitation by the owner only
    fee_yuan: float = 18.8  # DOMAIN.md: "a fee (e.g. 18.8 yuan)"
    fee_tolerance_yuan: float = 50.0  # assumption: a fully interested candidate pays 18.8 yuan with p = 0.69
    task_half_propensity_posts_per_day: float = 0.015  # assumption: the median propensity (population) passes half
    minutes_per_review: float = 2.0  # assumption: an organizer checks one submitted task
    committed_exit_factor: float = 0.5  # assumption; DOMAIN.md: paid members "stay even when lazy"

    def __post_init__(self) -> None:
        _check_choice(self, "kind", KINDS)
        _check(self, "fee_yuan", 0.0, 10_000.0)
        _check(self, "fee_tolerance_yuan", 0.0, lo_open=True)
        _check(self, "task_half_propensity_posts_per_day", 0.0, lo_open=True)
        _check(self, "minutes_per_review", 0.0)
        _check(self, "committed_exit_factor", 0.0, 1.0)


def fee_accept_probability(fee_yuan: float, match: np.ndarray, tolerance_yuan: float) -> np.ndarray:
    """Probability that a candidate with interest ``match`` pays ``fee_yuan`` to join."""
    match = np.maximum(np.asarray(match, dtype=np.float64), 1e-9)
    return np.exp(-fee_yuan / (tolerance_yuan * match))


def task_pass_probability(match: np.ndarray, propensity: np.ndarray, half_posts_per_day: float) -> np.ndarray:
    """Probability that a candidate completes the entry task: interest x a saturating posting propensity."""
    propensity = np.asarray(propensity, dtype=np.float64)
    return np.asarray(match, dtype=np.float64) * propensity / (propensity + half_posts_per_day)


class EntryThreshold(Policy):
    """A fee, a task or invitation only: fewer, better-matched and more committed joiners (P2)."""

    name = "entry_threshold"
    order = 20
    Params = EntryThresholdParams

    def setup(self, model) -> None:
        G = model.groups.count
        self.passed = np.zeros(model.people.n, dtype=bool)  # joined through the threshold (committed)
        self.submissions = np.zeros(G, dtype=np.int64)  # task: candidates per group yesterday
        self.review_capacity = np.zeros(G, dtype=np.int64)  # task: reviews the time set aside allows today
        self.review_minutes = np.zeros(G)

    # ------------------------------------------------------------------ morning
    def plan_day(self, model) -> None:
        p, day = self.params, model.day_state
        if p.committed_exit_factor != 1.0 and len(day.crowd):
            rows = np.flatnonzero(self.passed[day.crowd])
            if len(rows):
                day.crowd_array("exit_factor", 1.0)[rows] *= np.float32(p.committed_exit_factor)
        if p.kind != "task":
            return
        self.review_capacity[:] = 0
        self.review_minutes[:] = 0.0
        for g in np.flatnonzero(self.submissions):
            g, n = int(g), int(self.submissions[g])
            if p.minutes_per_review <= 0:
                self.review_capacity[g] = n
                continue
            left = model.policies.budget_minutes(g) - day.policy_minutes[g]
            k = min(n, max(0, int(np.floor((left + 1e-9) / p.minutes_per_review))))
            if k:
                self.claim_minutes(g, k * p.minutes_per_review, "task_review")
            if k < n:  # denied: logged as skipped, counts as overload
                self.claim_minutes(g, (n - k) * p.minutes_per_review, "task_review")
            self.review_capacity[g] = k
            self.review_minutes[g] = k * p.minutes_per_review

    # ------------------------------------------------------------------ joins
    def screen(self, model, people: np.ndarray, groups: np.ndarray) -> np.ndarray:
        p, rng = self.params, model.rng
        match = model.people.match[people, model.groups.topic[groups]]
        if p.kind == "fee":
            keep = rng.random(len(people)) < fee_accept_probability(p.fee_yuan, match, p.fee_tolerance_yuan)
            self._log_rejected(groups, keep, "fee_declined")
        elif p.kind == "task":
            keep = self._review(model, people, groups, match)
        else:
            keep = self.friends_of_team(model, people, groups)
            self._log_rejected(groups, keep, "not_invited")
        return keep

    def _review(self, model, people, groups, match) -> np.ndarray:
        """Task: review submissions up to the time set aside, in random order; reviewed ones pass or fail."""
        p, rng = self.params, model.rng
        G = model.groups.count
        self.submissions = np.bincount(groups, minlength=G)  # tomorrow's review time
        order = rng.permutation(len(people))
        by_group = order[np.argsort(groups[order], kind="stable")]
        g_sorted = groups[by_group]
        rank = np.arange(len(by_group)) - np.searchsorted(g_sorted, g_sorted, side="left")
        reviewed = np.zeros(len(people), dtype=bool)
        reviewed[by_group[rank < self.review_capacity[g_sorted]]] = True
        done = rng.random(len(people)) < task_pass_probability(match, model.people.propensity[people],
                                                               p.task_half_propensity_posts_per_day)
        keep = reviewed & done
        n_reviewed = np.bincount(groups[reviewed], minlength=G)
        n_failed = np.bincount(groups[reviewed & ~done], minlength=G)
        for g in np.flatnonzero((self.review_minutes > 0) | (self.submissions > 0)):
            g = int(g)
            self.log(g, "task_review", target_count=int(n_reviewed[g]), organizer_minutes=float(self.review_minutes[g]),
                     detail=f"{int(n_failed[g])} failed, {int(self.submissions[g] - n_reviewed[g])} not reviewed "
                            f"of {int(self.submissions[g])} submissions")
        self.review_minutes[:] = 0.0
        return keep

    @staticmethod
    def friends_of_team(model, people: np.ndarray, groups: np.ndarray) -> np.ndarray:
        """Which candidates have a tie to the owner or another active organizer of the group they try."""
        team = model.team
        slots = team.active_slots(organizer=True)
        if len(slots) == 0 or len(people) == 0:
            return np.zeros(len(people), dtype=bool)
        organizers = team.person[slots]
        _, nbr, _ = model.graph.neighbors(organizers)  # row by row, in the order given
        org_group = np.repeat(team.group[slots], model.graph.degree[organizers])
        n = model.people.n
        friends = np.unique(org_group * n + nbr)
        return np.isin(groups.astype(np.int64) * n + people, friends)

    def _log_rejected(self, groups: np.ndarray, keep: np.ndarray, action: str) -> None:
        G = self.model.groups.count
        tried = np.bincount(groups, minlength=G)
        turned = np.bincount(groups[~keep], minlength=G)
        for g in np.flatnonzero(tried):
            self.log(int(g), action, target_count=int(turned[g]),
                     detail=f"{int(tried[g] - turned[g])} of {int(tried[g])} candidates passed")

    def on_join(self, model, people: np.ndarray, groups: np.ndarray) -> None:
        p = self.params
        self.passed[people] = True
        if p.kind != "fee" or p.fee_yuan <= 0:
            return
        model.people.paid_yuan[people] += p.fee_yuan
        paid = np.bincount(groups, minlength=model.groups.count)
        for g in np.flatnonzero(paid):
            self.log(int(g), "fee_collected", target_count=int(paid[g]), income_yuan=paid[g] * p.fee_yuan,
                     detail=f"{p.fee_yuan:.2f} yuan each")
