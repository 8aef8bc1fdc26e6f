"""The yearly cycle of a partner's specialization: one explicit state machine (SP-2, SP-7 to SP-13).

States: ``approved`` → (90 days before the anniversary) ``renewal_window`` → (the anniversary is over)
``approved`` again with a new period, or ``grace`` (10 days) → ``approved`` (renewed in grace) or ``lost``;
``lost`` → ``approved`` by reactivation (SP-11) or by a new application once the 18-month block is over (SP-12).

Dates (A = the anniversary, the last day of the period):
- approval on T: anniversary A = T + 1 year, period [T, A] (SP-7); no points needed (SP-2).
- the renewal window opens on A - 90 days (SP-9), and stays open through the grace period.
- the anniversary is decided when A is over (the job of A + 1), on points earned in [period start, A]:
  met → renewed on A, the next period is [A + 1, next anniversary] with zero points (SP-10, no rollover);
  not met → grace from A + 1 through A + 10.
- points earned during grace count for the period being renewed; renewed in grace on day R → next period from R + 1.
- still short when grace is over (the job of A + 11) → lost on A + 11; a new application is refused through
  ``blocked_until`` = lost_on + 18 months - 1 day, accepted from lost_on + 18 months (SP-12).
- reactivation on day R (points of the lost period ≥ required, mandatory items done, core met): the new
  anniversary is R + 1 year, the next period runs from R + 1 (SP-11).

``advance`` is called at the start of ``today``: every day before today is over.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal

from partnerhub.bus.contracts import (
    GraceStarted,
    Icon,
    Lost,
    Reactivated,
    RenewalWindowOpened,
    Renewed,
)
from partnerhub.dates import add_months, add_years
from specialization.domain.calendar import ONE_DAY, nth_anniversary

Status = Literal["approved", "renewal_window", "grace", "lost"]


@dataclass(frozen=True)
class Rules:
    window_days: int = 90
    grace_days: int = 10
    block_months: int = 18
    icon_inactive_months: int = 6
    requires_submission: bool = False


@dataclass(frozen=True)
class SpecState:
    status: Status
    approved_on: date  # approval or re-approval date: the anniversaries are counted from it (SP-7, SP-11)
    anniversary: date  # the next anniversary: the period's last day, when renewal is decided
    period_start: date
    grace_ends_on: date | None = None
    lost_on: date | None = None
    blocked_until: date | None = None  # the last day a new application is refused (SP-12)
    submitted: bool = False  # a renewal was submitted for this anniversary (SP-9)
    reactivated_on: date | None = None
    # which partner specialization this is the state of: the decisions are its contract events
    be_geo_id: str = field(kw_only=True)
    specialization: str = field(kw_only=True)

    @property
    def period_end(self) -> date:
        return self.anniversary

    @property
    def held(self) -> bool:
        return self.status != "lost"


@dataclass(frozen=True)
class Assessment:
    """The facts a renewal is judged on, gathered for the bounds ``points_window`` gave."""

    points_earned: int
    points_required: int
    mandatory_outstanding: tuple[str, ...] = ()
    vacant_roles: tuple[str, ...] = ()
    submitted: bool = True

    def unmet(self, rules: Rules = Rules()) -> list[str]:
        reasons = []
        if self.points_earned < self.points_required:
            reasons.append(f"points: {self.points_earned} of {self.points_required} earned")
        reasons += [f"mandatory item {m} not completed" for m in self.mandatory_outstanding]
        reasons += [f"role {r} is vacant" for r in self.vacant_roles]
        if rules.requires_submission and not self.submitted:
            reasons.append("renewal not submitted")
        return reasons

    def met(self, rules: Rules = Rules()) -> bool:
        return not self.unmet(rules)


# what happened: decisions out, as the contract's events (partnerhub.bus.contracts) -----------------
Transition = RenewalWindowOpened | Renewed | GraceStarted | Lost | Reactivated


# the machine ------------------------------------------------------------------------------------
def approve(today: date, be_geo_id: str, specialization: str) -> SpecState:
    """First achievement (SP-2): the anniversary is the approval date (SP-7)."""
    return SpecState(
        "approved",
        approved_on=today,
        anniversary=add_years(today, 1),
        period_start=today,
        be_geo_id=be_geo_id,
        specialization=specialization,
    )


def _of(state: SpecState) -> dict[str, str]:
    """The event's key fields: the partner specialization ``state`` is the state of."""
    return {"be_geo_id": state.be_geo_id, "specialization": state.specialization}


def window_opens_on(state: SpecState, rules: Rules = Rules()) -> date:
    return state.anniversary - timedelta(days=rules.window_days)


def can_submit_renewal(state: SpecState, today: date, rules: Rules = Rules()) -> bool:
    """SP-9: any time in the 90 days before the anniversary, and during grace."""
    if state.status == "grace":
        return True
    return state.status in ("approved", "renewal_window") and window_opens_on(state, rules) <= today <= state.anniversary


def points_window(state: SpecState, as_of: date) -> tuple[date, date]:
    """Earned-on dates whose points count now: the period, extended through grace; since the lost period began."""
    if state.status == "grace":
        assert state.grace_ends_on is not None
        return state.period_start, min(state.grace_ends_on, as_of)
    if state.status == "lost":
        return state.period_start, as_of
    return state.period_start, min(state.anniversary, as_of)


def advance(state: SpecState, assessment: Assessment, today: date, rules: Rules = Rules()) -> tuple[SpecState, list[Transition]]:
    """Every calendar transition due at the start of ``today``. ``assessment`` covers ``points_window(state, today-1)``."""
    transitions: list[Transition] = []
    for _ in range(4):  # at most: renewed, then the next window opens; bounded for safety
        step = _step(state, assessment, today, rules)
        if step is None:
            break
        state, transition = step
        transitions.append(transition)
    return state, transitions


def _step(state: SpecState, a: Assessment, today: date, rules: Rules) -> tuple[SpecState, Transition] | None:
    if state.status in ("approved", "renewal_window"):
        if today > state.anniversary:  # the anniversary day is over (SP-10)
            if a.met(rules):
                return _renewed(state, renewed_on=state.anniversary)
            ends = state.anniversary + timedelta(days=rules.grace_days)
            return (
                replace(state, status="grace", grace_ends_on=ends),
                GraceStarted(**_of(state), started_on=state.anniversary + ONE_DAY, grace_ends_on=ends),
            )
        if state.status == "approved" and today >= window_opens_on(state, rules):
            return replace(state, status="renewal_window"), RenewalWindowOpened(**_of(state), opened_on=today, anniversary=state.anniversary)
        return None
    if state.status == "grace":
        assert state.grace_ends_on is not None
        if a.met(rules):
            return _renewed(state, renewed_on=min(today - ONE_DAY, state.grace_ends_on))
        if today > state.grace_ends_on:
            lost_on = state.grace_ends_on + ONE_DAY
            blocked = add_months(lost_on, rules.block_months) - ONE_DAY
            return (
                replace(state, status="lost", lost_on=lost_on, blocked_until=blocked, submitted=False),
                Lost(**_of(state), lost_on=lost_on, blocked_until=blocked),
            )
    return None


def _renewed(state: SpecState, renewed_on: date) -> tuple[SpecState, Transition]:
    """Next period from the day after (points reset, no rollover); the anniversary keeps its day."""
    anniversary = nth_anniversary(state.approved_on, state.anniversary)
    start = renewed_on + ONE_DAY
    new = replace(
        state, status="approved", anniversary=anniversary, period_start=start, grace_ends_on=None, submitted=False
    )
    return new, Renewed(**_of(state), renewed_on=renewed_on, period_start=start, period_end=anniversary)


def renew_in_grace(state: SpecState, assessment: Assessment, today: date, rules: Rules = Rules()) -> tuple[SpecState, Transition] | None:
    """Facts arrived during grace (points, a refill, a submission): renew at once when met."""
    if state.status != "grace" or not assessment.met(rules):
        return None
    return _renewed(state, renewed_on=today)


def reactivate(state: SpecState, assessment: Assessment, today: date, rules: Rules = Rules()) -> tuple[SpecState, Transition] | list[str]:
    """SP-11: a lost specialization comes back when the points are reached and the core is met."""
    if state.status != "lost":
        return [f"the specialization is {state.status}, not lost"]
    unmet = [u for u in assessment.unmet(rules) if u != "renewal not submitted"]
    if unmet:
        return unmet
    new = SpecState(
        "approved",
        approved_on=today,
        anniversary=add_years(today, 1),
        period_start=today + ONE_DAY,
        reactivated_on=today,
        be_geo_id=state.be_geo_id,
        specialization=state.specialization,
    )
    return new, Reactivated(**_of(state), reactivated_on=today, anniversary=new.anniversary)


def blocked_for_new_application(state: SpecState | None, today: date) -> bool:
    """SP-12: after a loss, no new application through ``blocked_until``."""
    return state is not None and state.status == "lost" and state.blocked_until is not None and today <= state.blocked_until


def next_check_on(state: SpecState, today: date, rules: Rules = Rules()) -> date | None:
    """The next day the daily job must look at this specialization (None: only a request moves it)."""
    if state.status == "approved":
        return max(window_opens_on(state, rules), today)
    if state.status == "renewal_window":
        return state.anniversary + ONE_DAY
    if state.status == "grace":  # facts arriving in grace renew at once (``renew_in_grace``); the job ends it
        assert state.grace_ends_on is not None
        return max(state.grace_ends_on + ONE_DAY, today)
    return None


def icon(state: SpecState, points_earned: int, points_required: int, today: date, rules: Rules = Rules()) -> Icon:
    """SP-13: grey for the first six months of the anniversary year, then on target or behind.

    On target when points ≥ required × elapsed fraction of the year (elapsed days / days in the year).
    """
    if points_required <= 0:
        return "not_applicable"
    if state.status == "lost":
        return "inactive"
    year_start = add_years(state.anniversary, -1)
    if today < add_months(year_start, rules.icon_inactive_months):
        return "inactive"
    total = max(1, (state.anniversary - year_start).days)
    fraction = min(1.0, max(0.0, (today - year_start).days / total))
    return "on_target" if points_earned >= points_required * fraction else "behind"


def icon_changes_on(state: SpecState, points_earned: int, points_required: int, today: date, rules: Rules = Rules()) -> date | None:
    """SP-13: the first day after ``today`` on which the icon changes by the calendar alone (points as they are).

    Grey ends on a fixed day, and on target turns behind as the year's fraction grows; behind never turns on
    target without points, and past the anniversary the fraction stays 1 (the cycle's own transitions announce
    the next period). The days from grey to the end of the year change the icon at most once, from ``today``'s
    icon to another: the first such day is found by bisection over ``icon`` itself, so it cannot disagree with it.
    """
    now = icon(state, points_earned, points_required, today, rules)
    if now in ("not_applicable", "behind") or state.status == "lost" or today >= state.anniversary:
        return None

    def changed(day: date) -> bool:
        return icon(state, points_earned, points_required, day, rules) != now

    low, high = today + ONE_DAY, state.anniversary
    if not changed(high):
        return None
    while low < high:
        middle = low + (high - low) // 2
        if changed(middle):
            high = middle
        else:
            low = middle + ONE_DAY
    return low
