"""The actors who decide: organizers (owner, admins) and KOLs as Mesa agents; members as views.

Core-team members have a daily time budget and a motivation in [0, 1] that wears out with time and
overload and is fed by a lively group; below a threshold they quit (core-team churn and burnout,
DOMAIN.md; "even keen admins rarely last longer than two years", P3). A KOL's posts are headline
content, but a dominant KOL who holds too large a share of the messages silences others (tyranny).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from .config import EXIT_REASONS, KOLConfig, OrganizerConfig
from .population import (MEMBER, ROLE_ADMIN, ROLE_KOL, ROLE_NAMES, ROLE_OWNER, STATUS_NAMES, VIA_NAMES)

if TYPE_CHECKING:
    from .day import Day
    from .model import CommunityModel

BURNOUT = EXIT_REASONS.index("burnout")


class CoreMember(mesa.Agent):
    """A member of a group's core team: a person on the graph with a motivation that wears out."""

    role: int = ROLE_ADMIN
    config: OrganizerConfig | KOLConfig

    def __init__(self, model: "CommunityModel", person: int, group: int, config):
        super().__init__(model)
        self.person = int(person)
        self.group = int(group)
        self.config = config
        self.motivation = float(config.motivation_start)
        spread = config.motivation_decay_spread
        self.decay_per_day = config.motivation_decay_per_day * float(model.rng.lognormal(-spread**2 / 2, spread))
        self.posts_today = 0
        self.active = True

    def _claim_voice(self, day: "Day") -> None:
        g = self.group
        if self.posts_today > day.core_max_posts[g]:
            day.core_max_posts[g] = self.posts_today
            day.loudest_dominance[g] = self.config.dominance

    def _update_motivation(self, active_share: float, overload: float = 0.0, burnout_rate: float = 0.0) -> None:
        """Motivation: steady wear, feedback from the group's liveliness, loss from overload."""
        c = self.config
        self.motivation += (-self.decay_per_day
                            + c.motivation_feedback_per_day * (active_share - c.feedback_reference_active_share)
                            - burnout_rate * overload)
        self.motivation = min(1.0, max(0.0, self.motivation))
        if self.motivation < c.quit_below_motivation:
            self.quit()

    def quit(self) -> None:
        """Leave the core team and the group (core-team churn), recorded as an event."""
        model = self.model
        self.active = False
        model.people.remove(np.array([self.person]), model.calendar.day, BURNOUT)
        model.day_state.exits_by_reason[BURNOUT, self.group] += 1
        model.day_state.exits_by_tier[model.people.tier[self.person], self.group] += 1
        model.log_event(group=self.group, source="core_team", action=f"{ROLE_NAMES[self.role]}_quit",
                        target_count=1, detail=f"person {self.person}, motivation {self.motivation:.2f}")
        self.remove()
        model.core_team_changed(self.group)


class Organizer(CoreMember):
    """Owner or admin: posts notices, welcomes newcomers, answers newbie questions, recruits leads."""

    def __init__(self, model, person, group, config: OrganizerConfig, owner: bool):
        super().__init__(model, person, group, config)
        self.role = ROLE_OWNER if owner else ROLE_ADMIN
        self.minutes_planned = 0.0
        self.minutes_demanded = 0.0

    def plan_day(self, day: "Day", team_size: int, newcomers: int, group_size: int) -> None:
        """Plan today's work within the budget: welcome, post, recruit; the rest answers questions."""
        c, rng = self.config, self.model.rng
        budget = c.budget_minutes_per_day
        welcome_need = newcomers / team_size * c.minutes_per_welcome
        welcome_done = min(welcome_need, budget)
        self.posts_today = min(int(rng.poisson(c.posts_per_day * self.motivation)),
                               int((budget - welcome_done) // max(c.minutes_per_post, 1e-9)))
        post_minutes = self.posts_today * c.minutes_per_post
        leads = 0.0
        if group_size < c.recruit_until_members:
            leads = min(c.leads_per_day * self.motivation / team_size,
                        (budget - welcome_done - post_minutes) / max(c.minutes_per_lead, 1e-9))
        left = budget - welcome_done - post_minutes - leads * c.minutes_per_lead
        g = self.group
        day.welcome_share[g] += (welcome_done / welcome_need if welcome_need > 0 else 1.0) / team_size
        day.core_posts[g] += self.posts_today
        day.core_quality_sum[g] += self.posts_today * c.post_quality
        self._claim_voice(day)
        day.leads[g] += leads
        day.answer_capacity[g] += max(0.0, left) / max(c.minutes_per_answer, 1e-9)
        self.minutes_planned = budget - max(0.0, left)
        self.minutes_demanded = welcome_need + post_minutes + leads * c.minutes_per_lead

    def review_day(self, day: "Day", team_size: int, active_share: float) -> None:
        """Charge today's answering time; overload beyond the budget burns motivation."""
        c = self.config
        g = self.group
        questions_share = day.questions[g] / team_size
        demanded = self.minutes_demanded + questions_share * c.minutes_per_answer
        overload = max(0.0, demanded / max(c.budget_minutes_per_day, 1e-9) - 1.0)
        self._update_motivation(active_share, overload, c.burnout_per_overload)


class KOL(CoreMember):
    """Key opinion leader: headline posts; a dominant one silences the rest (tyranny)."""

    role = ROLE_KOL

    def plan_day(self, day: "Day") -> None:
        c = self.config
        self.posts_today = int(self.model.rng.poisson(c.posts_per_day * self.motivation))
        g = self.group
        day.core_posts[g] += self.posts_today
        day.core_quality_sum[g] += self.posts_today * c.post_quality
        self._claim_voice(day)

    def review_day(self, day: "Day", active_share: float) -> None:
        self._update_motivation(active_share)


class Member:
    """A read-only view of one person's row in the MemberTable, for inspection and teaching."""

    __slots__ = ("_people", "_day", "id")

    def __init__(self, people, person: int, day: int):
        self._people, self.id, self._day = people, int(person), day

    def __getattr__(self, name):
        arr = getattr(self._people, name)
        value = arr[self.id]
        return value.item() if hasattr(value, "item") else value

    @property
    def tier_name(self) -> str:
        return ("high", "mid", "low")[self._people.tier[self.id]]

    @property
    def state(self) -> str:
        return STATUS_NAMES[self._people.status[self.id]]

    @property
    def tenure_days(self) -> int:
        p = self._people
        if p.joined_day[self.id] < 0:
            return 0
        end = p.left_day[self.id] if p.left_day[self.id] >= 0 else self._day + 1
        return int(end - p.joined_day[self.id])

    def __repr__(self) -> str:
        p = self._people
        parts = [f"Member({self.id}", self.state, self.tier_name, ROLE_NAMES[p.role[self.id]]]
        if p.status[self.id] == MEMBER:
            parts += [f"group={p.group[self.id]}", f"tenure={self.tenure_days}d",
                      f"satisfaction={p.satisfaction[self.id]:.2f}", f"novelty={p.novelty[self.id]:.2f}",
                      f"via={VIA_NAMES[p.via[self.id]]}"]
        return ", ".join(parts) + ")"
