"""Admin rotation (不定期更换群管): every ``every_days`` days active members take over the admin seats.

At each rotation (after voluntary exits), per group: the ``admin_seats`` most prolific candidates since
the last rotation become admins (Organizer agents, role admin, motivation ``organizers.motivation_start``),
each after ``handover_minutes`` of the organizers' time (none without it). Candidates are ordinary
members who spoke within ``candidate_active_days``, have been in the group ``min_tenure_days`` and are
not ad spammers or former admins of this rotation (everyone gets a turn). As many of the longest-serving
admins (never the owner) step down: back to ordinary members who stay in the group (their agent leaves
the core team; no exit). A new admin gets status: satisfaction + ``new_admin_satisfaction_bump`` (kept
for when they step down). The owner gets relief: motivation + ``owner_relief`` per rotation. Admins
stepping down before they burn out, fresh admins and a relieved owner mean less core-team churn. A group
whose owner is gone gets one of its new admins as owner (``CommunityModel.core_team_changed``).
Sources: DOMAIN.md (rotating active members into admin roles re-energizes a group; core members quit
from overwork and no recognition, 为爱透支); numbers are assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..agents import Organizer
from ..config import _check
from ..population import MEMBER, ROLE_ADMIN, ROLE_MEMBER, ROLE_OWNER
from .base import Policy


@dataclass(frozen=True)
class AdminRotationParams:
    """How often admins rotate, who may become one, and what a rotation gives."""

    every_days: int = 60  # 不定期更换群管 ("from time to time"): every two months; assumption
    admin_seats: int = 1  # admins installed per rotation (groups.admins is 1 by default)
    candidate_active_days: int = 14  # candidates spoke within this many days; assumption
    min_tenure_days: int = 30  # and know the group; assumption
    new_admin_satisfaction_bump: float = 0.2  # status of the role (DOMAIN.md: recognition); assumption
    owner_relief: float = 0.05  # motivation restored to the owner per rotation (shared load); assumption
    handover_minutes: float = 20.0  # organizer minutes to brief each new admin; assumption

    def __post_init__(self) -> None:
        _check(self, "every_days", 1)
        _check(self, "admin_seats", 1, 50)
        _check(self, "candidate_active_days", 1)
        _check(self, "min_tenure_days", 0)
        _check(self, "new_admin_satisfaction_bump", 0.0, 1.0)
        _check(self, "owner_relief", 0.0, 1.0)
        _check(self, "handover_minutes", 0.0)


class AdminRotation(Policy):
    """Rotate active members into the admin seats; outgoing admins stay as members."""

    name = "admin_rotation"
    order = 80
    Params = AdminRotationParams

    def setup(self, model) -> None:
        self.served = np.zeros(model.people.n, dtype=bool)  # has been an admin (founding or rotated in)
        self.posts_mark = model.people.posts_total.copy()  # posts_total at the last rotation

    def after_day(self, model) -> None:
        p, day = self.params, model.day_state
        if (day.index + 1) % p.every_days != 0:
            return
        team = model.team
        admins = team.active_slots(organizer=True)
        admins = admins[team.role[admins] == ROLE_ADMIN]
        self.served[team.person[admins]] = True
        for g in np.flatnonzero(model.people.group_sizes() > 0):
            self._rotate(model, int(g), admins[team.group[admins] == g])
        self.posts_mark = model.people.posts_total.copy()

    def _candidates(self, model, g: int) -> np.ndarray:
        """Persons who may become admins in group g, most prolific since the last rotation first."""
        p, people, day = self.params, model.people, model.day_state
        who = day.crowd[day.group == g]
        who = who[(people.status[who] == MEMBER) & (people.role[who] == ROLE_MEMBER) & ~people.spammer[who]
                  & ~self.served[who]
                  & (people.last_active_day[who] > day.index - p.candidate_active_days)
                  & (day.index - people.joined_day[who] + 1 >= p.min_tenure_days)]  # tenure counts today
        recent = people.posts_total[who] - self.posts_mark[who]
        return who[np.lexsort((people.tier[who], -recent))]  # most posts, then higher tier, then person id

    def _rotate(self, model, g: int, old_admins: np.ndarray) -> None:
        p, people, team = self.params, model.people, model.team
        incoming = []
        for person in self._candidates(model, g)[: p.admin_seats]:
            if not self.claim_minutes(g, p.handover_minutes, "rotation"):
                break
            incoming.append(int(person))
        if not incoming:
            if len(old_admins):
                self.log(g, "no_rotation", detail="no eligible active member")
            return
        outgoing = [team.agents[s] for s in sorted(old_admins)[: len(incoming)]]  # longest-serving first
        for agent in outgoing:
            agent.active = False
            people.role[agent.person] = ROLE_MEMBER
            agent.remove()
        for person in incoming:
            people.role[person] = ROLE_ADMIN
            Organizer(model, person, g, model.config.organizers, owner=False)
            self.served[person] = True
        bump = np.float32(p.new_admin_satisfaction_bump)
        people.satisfaction[incoming] = np.minimum(people.satisfaction[incoming] + bump, np.float32(1.0))
        owners = [a for a in model.organizers if a.group == g and a.role == ROLE_OWNER]
        for owner in owners:
            owner.motivation = min(1.0, owner.motivation + p.owner_relief)
        if not owners:
            model.core_team_changed(g)  # a leaderless group: a new admin takes over
        self.log(g, "rotate_admins", target_count=len(incoming), organizer_minutes=p.handover_minutes * len(incoming),
                 detail=f"in {incoming}, out {[a.person for a in outgoing]}")
