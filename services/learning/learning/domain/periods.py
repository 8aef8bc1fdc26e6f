"""Continuous Learning periods and mandatory cycles (SP-7, CL-3, CL-9).

The status icon (SP-13) is not judged here: it is specialization's fact, projected from
specialization.status.changed (``learning/use_cases/periods.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Period:
    """Anniversary to anniversary, both days included (points reset the day after, SP-10)."""

    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def elapsed_fraction(period: Period, today: date) -> float:
    length = (period.end - period.start).days
    if length <= 0:
        return 1.0
    return min(1.0, max(0.0, (today - period.start).days / length))


def cycle_of(period: Period) -> str:
    """The renewal cycle a period belongs to: the year of its anniversary (the period's end)."""
    return str(period.end.year)


def mandatory_in(mandatory_for: list[dict[str, str]], specialization: str, period: Period) -> bool:
    """CL-3: the item is mandatory for this specialization in this period's cycle."""
    cycle = cycle_of(period)
    return any(m.get("specialization") == specialization and m.get("cycle") == cycle for m in mandatory_for)
