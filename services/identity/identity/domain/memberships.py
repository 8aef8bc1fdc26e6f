"""Memberships over time (ID-1, ID-3): at most one active association per person.

Dates are business dates. A membership is active while ``ended_on`` is None; ``ended_on`` is the first
day the person is no longer a member. A leave may be planned ahead: ``leaves_on`` is the future
``ended_on``, the membership stays active until that day (NO-4 needs it announced ahead).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal


class MembershipRuleError(ValueError):
    def __init__(self, message: str, slug: str) -> None:
        super().__init__(message)
        self.slug = slug


@dataclass(frozen=True)
class Stint:
    id: int
    be_geo_id: str
    started_on: date
    ended_on: date | None = None
    leaves_on: date | None = None  # a planned end, while still active

    @property
    def active(self) -> bool:
        return self.ended_on is None


@dataclass(frozen=True)
class JoinPlan:
    already_member: bool  # the person is already an active member: nothing to do
    end: Stint | None  # the other active membership, ended on the join date


def plan_join(history: Sequence[Stint], be_geo_id: str, on: date, today: date) -> JoinPlan:
    """Joining a partner on ``on`` ends any other active membership on that date (ID-3)."""
    if on > today:
        raise MembershipRuleError(f"{on} is after the business date {today}.", "date-in-future")
    active = [s for s in history if s.active]
    current = active[0] if active else None
    if current is not None and current.be_geo_id == be_geo_id:
        return JoinPlan(already_member=True, end=None)
    if current is not None and on < current.started_on:
        raise MembershipRuleError(
            f"The membership of {current.be_geo_id} started on {current.started_on}; a new one cannot start before it.",
            "overlapping-membership",
        )
    last_end = max((s.ended_on for s in history if s.ended_on is not None), default=None)
    if last_end is not None and on < last_end:
        raise MembershipRuleError(
            f"A membership ended on {last_end}; a new one cannot start before it (history is kept).",
            "overlapping-membership",
        )
    return JoinPlan(already_member=False, end=current)


LeaveDecision = Literal["end", "plan", "unchanged"]


def decide_leave(current: Stint, on: date, today: date) -> LeaveDecision:
    """Leaving on ``on``: by the business date it ends now (``end``); a later date is planned and
    replaces any earlier plan (``plan``); the date already planned changes nothing (``unchanged``)."""
    if on < current.started_on:
        raise MembershipRuleError(
            f"The membership started on {current.started_on}; it cannot end before.", "end-before-start"
        )
    if on <= today:
        return "end"
    return "unchanged" if current.leaves_on == on else "plan"


def combine_active(survivor: Sequence[Stint], retired: Sequence[Stint]) -> tuple[Stint | None, list[Stint]]:
    """After a merge (ID-2): the most recent active membership stays active; the others end
    on its start date, as if the person had joined it then. A tie keeps the survivor's own.

    Returns (the one kept, the ones to end)."""
    ranked = [(s.started_on, 1, s.id, s) for s in survivor if s.active]
    ranked += [(s.started_on, 0, s.id, s) for s in retired if s.active]
    if not ranked:
        return None, []
    ranked.sort(key=lambda r: (r[0], r[1], r[2]))
    keep = ranked[-1][3]
    return keep, [r[3] for r in ranked[:-1]]
