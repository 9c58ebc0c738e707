"""The calendar: one step is one day; each day has a weekday, maybe a holiday, and seven slots.

Slots are the parts of a day in which members are online and operators act; the seeds time red
packets at noon, just before the end of the workday and after 21:00 (DOMAIN.md, P9).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from .config import SLOTS, CalendarConfig

SLOT_HOURS = {  # slot -> (first hour, last hour exclusive), local time
    "morning": (7, 11), "noon": (11, 14), "afternoon": (14, 17), "end_of_workday": (17, 19),
    "evening": (19, 21), "after_21": (21, 24), "night": (0, 7),
}
SLOT_INDEX = {name: i for i, name in enumerate(SLOTS)}


def slot_index(name: str) -> int:
    """Index of a slot by name; ValueError naming the valid slots otherwise."""
    try:
        return SLOT_INDEX[name]
    except KeyError:
        raise ValueError(f"unknown slot {name!r}; valid slots: {', '.join(SLOTS)}") from None


class Calendar:
    """Day counter with weekday, holiday flag and the day's activity factor."""

    def __init__(self, config: CalendarConfig):
        self.config = config
        self.start = dt.date.fromisoformat(config.start_date)
        self.holidays = frozenset(dt.date.fromisoformat(d) for d in config.holidays)
        self.slot_online_share = np.asarray(config.slot_online_share, dtype=np.float32)
        self.day = -1
        self._facts: tuple[int, int, bool, float] | None = None  # (day, weekday, holiday, activity factor)

    def advance(self) -> None:
        self.day += 1

    @property
    def date(self) -> dt.date:
        return self.start + dt.timedelta(days=self.day)

    def _today(self) -> tuple[int, int, bool, float]:
        """(day, weekday, holiday, activity factor), computed once per day."""
        facts = self._facts
        if facts is None or facts[0] != self.day:
            date = self.date
            weekday, holiday = date.weekday(), date in self.holidays
            factor = (self.config.holiday_activity_factor if holiday
                      else self.config.weekend_activity_factor if weekday >= 5 else 1.0)
            facts = self._facts = (self.day, weekday, holiday, factor)
        return facts

    @property
    def weekday(self) -> int:
        """0 = Monday ... 6 = Sunday."""
        return self._today()[1]

    @property
    def is_weekend(self) -> bool:
        return self.weekday >= 5

    @property
    def is_holiday(self) -> bool:
        return self._today()[2]

    @property
    def activity_factor(self) -> float:
        """Multiplier on posting today: holidays and weekends are livelier (Yuan et al.)."""
        return self._today()[3]
