"""Point values of library activities (CL-2, CL-3, CL-4, CL-6), and which completions count."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal

Kind = Literal["online_course", "live_course", "lab", "event", "video", "exam"]
Action = Literal["completed", "attended", "viewed", "downloaded"]
KINDS: tuple[str, ...] = ("online_course", "live_course", "lab", "event", "video", "exam")
ACTIONS: tuple[str, ...] = ("completed", "attended", "viewed", "downloaded")

MINUTES_PER_POINT = 30
STANDARD_CAP = 20
EXTENDED_CAP = 25  # "25 for a very limited set of activities" (the 25-point flag)
MAX_EXPLICIT_POINTS = 1000

# which actions earn an activity's points, by kind; anything else is recorded without points
_EARNING_ACTIONS: dict[str, frozenset[str]] = {
    "online_course": frozenset({"completed"}),
    "live_course": frozenset({"completed", "attended"}),
    "lab": frozenset({"completed"}),
    "event": frozenset({"completed", "attended"}),
    "video": frozenset({"viewed", "completed"}),  # CL-4: viewing earns, downloading never does
    "exam": frozenset(),  # CL-6: exams earn through certification.exam.passed only
}


def activity_points(duration_minutes: int, *, explicit_points: int | None = None, extended_cap: bool = False) -> int:
    """CL-2: the explicit value when given, else one point per *full* 30 minutes, capped at 20 (25 if flagged)."""
    if explicit_points is not None:
        if not 0 <= explicit_points <= MAX_EXPLICIT_POINTS:
            raise ValueError(f"explicit points must be between 0 and {MAX_EXPLICIT_POINTS}")
        return explicit_points
    if duration_minutes < 0:
        raise ValueError("duration must not be negative")
    cap = EXTENDED_CAP if extended_cap else STANDARD_CAP
    return min(duration_minutes // MINUTES_PER_POINT, cap)


def earns(kind: str, action: str) -> bool:
    """Whether doing ``action`` on an activity of ``kind`` earns its points (CL-4)."""
    return action in _EARNING_ACTIONS.get(kind, frozenset())


def completion_problem(kind: str, action: str) -> str | None:
    """Why a completion cannot be accepted at all (None when it can be recorded)."""
    if action not in ACTIONS:
        return f"unknown action {action!r}; expected one of {', '.join(ACTIONS)}"
    if kind == "exam":
        return "exams earn points through passed exam results (certification.exam.passed, CL-6), not completions"
    return None


def occurred_problem(occurred_at: datetime, today: date) -> str | None:
    """Why a completion (or an xAPI statement) dated ``occurred_at`` is refused: its UTC date is
    after today's business date. The one rule for both ways in (None when it may count)."""
    if occurred_at.astimezone(UTC).date() > today:
        return f"occurred_at {occurred_at.isoformat()} is after today ({today.isoformat()})"
    return None



def mandatory_outside(specializations: list[str], mandatory: list[dict[str, str]]) -> list[str]:
    """CL-3: the specializations an activity is mandatory for but does not count toward (there must be none:
    a mandatory item's points always count toward the specialization it is mandatory for)."""
    counted = set(specializations)
    return sorted({m["specialization"] for m in mandatory if m["specialization"] not in counted})
