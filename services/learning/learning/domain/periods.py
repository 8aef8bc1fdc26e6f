"""Continuous Learning periods, mandatory cycles and the status icon (SP-7, SP-13, CL-3, CL-9)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Literal

Icon = Literal["inactive", "on_target", "behind"]
INACTIVE_MONTHS = 6


@dataclass(frozen=True)
class Period:
    """Anniversary to anniversary, both days included (points reset the day after, SP-10)."""

    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def elapsed_fraction(period: Period, today: date) -> float:
    length = (period.end - period.start).days
    if length <= 0:
        return 1.0
    return min(1.0, max(0.0, (today - period.start).days / length))


def status_icon(period: Period | None, today: date, earned: int, required: int) -> Icon:
    """SP-13: grey (inactive) for the first six months of the period; then on target when
    earned ≥ required × elapsed fraction of the period, else behind."""
    if period is None or today < add_months(period.start, INACTIVE_MONTHS):
        return "inactive"
    return "on_target" if earned >= required * elapsed_fraction(period, today) else "behind"


def cycle_of(period: Period) -> str:
    """The renewal cycle a period belongs to: the year of its anniversary (the period's end)."""
    return str(period.end.year)


def mandatory_in(mandatory_for: list[dict[str, str]], specialization: str, period: Period) -> bool:
    """CL-3: the item is mandatory for this specialization in this period's cycle."""
    cycle = cycle_of(period)
    return any(m.get("specialization") == specialization and m.get("cycle") == cycle for m in mandatory_for)
