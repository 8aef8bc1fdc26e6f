"""The yearly cycle as a daily job, and immediate renewal when facts arrive during grace (SP-7 to SP-11)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    ScalarSelect,
    and_,
    bindparam,
    literal,
    or_,
    select,
    update,
)

from partnerhub.bus import contracts as c
from partnerhub.db.uow import UnitOfWork
from specialization import repository
from specialization.domain import lifecycle as lc
from specialization.policy import policy
from specialization.tables import allocations
from specialization.tables import partner_specializations as ps
from specialization.use_cases import assessments, compliance, events, icons

_STATE_COLUMNS = (
    "status",
    "approved_on",
    "anniversary",
    "period_start",
    "grace_ends_on",
    "lost_on",
    "blocked_until",
    "submitted",
    "reactivated_on",
    "next_check_on",
    "icon",
    "icon_check_on",
    "updated_at",
)
_UPDATE = (
    update(ps)
    .where(and_(ps.c.be_geo_id == bindparam("k_be"), ps.c.specialization == bindparam("k_code")))
    .values({name: bindparam(name) for name in _STATE_COLUMNS})
)


def row_values(state: lc.SpecState, today: date, rules: lc.Rules, judged: icons.Judged) -> dict:
    """The row of ``state``, with the icon about to be announced for it (SP-13)."""
    values = repository.state_values(state)
    values["next_check_on"] = lc.next_check_on(state, today, rules)
    values["icon"] = judged.icon
    values["icon_check_on"] = judged.check_on
    values["updated_at"] = datetime.now(UTC)
    return values


def emit_transition(
    uow: UnitOfWork,
    row: Row[Any],
    spec_level: str,
    points_required: int,
    state: lc.SpecState,
    t: lc.Transition,
    icon: lc.Icon,
    name: str | None = None,
) -> None:
    uow.emit(t)  # the decision is the contract event
    status: c.SpecializationStatus | None = "reactivated" if isinstance(t, c.Reactivated) else None
    events.status_changed(
        uow, row.be_geo_id, row.specialization, spec_level, state, points_required, row.compliant, icon=icon, status=status,
        name=name,
    )


async def run_day(uow: UnitOfWork, day: date) -> None:
    """The daily job for ``day``: calendar transitions and icon changes (SP-13), then vacancies that come due, then
    at-risk warnings.

    One round trip asks what is due at all; most days nothing is, and a year's jump stays cheap.
    """
    transitions, vacancies, warnings = await what_is_due(uow, day)
    if transitions:
        await advance_due(uow, day)
    if vacancies:
        await compliance.vacate_due(uow, day)
    if warnings:
        await compliance.warn_at_risk(uow, day)


async def what_is_due(uow: UnitOfWork, day: date) -> tuple[bool, bool, bool]:
    def exists(where: list[ColumnElement[bool]]) -> ScalarSelect[int]:
        return select(literal(1)).where(*where).limit(1).scalar_subquery()

    active = allocations.c.ended_on.is_(None)
    row = (
        await uow.conn.execute(
            select(
                exists([or_(ps.c.next_check_on <= day, ps.c.icon_check_on <= day)]),
                exists([active, allocations.c.vacates_on <= day]),
                exists([active, allocations.c.at_risk_on <= day, allocations.c.at_risk_sent.is_(False)]),
            )
        )
    ).one()
    return bool(row[0]), bool(row[1]), bool(row[2])


async def advance_due(uow: UnitOfWork, day: date) -> int:
    """Calendar transitions due on ``day``, judged on the days that are over; then each row's icon on ``day``:
    a transition's status.changed carries it, and a changed icon alone is a status change too (SP-13)."""
    rules = policy(uow).rules()
    due = or_(ps.c.next_check_on <= day, ps.c.icon_check_on <= day)
    rows = (await uow.conn.execute(select(ps).where(due))).all()
    if not rows:
        return 0
    as_of = day - timedelta(days=1)  # the days that are over
    gathered = await assessments.gather(uow.conn, due, as_of)
    specs = await repository.all_versions(uow.conn)
    points = await repository.level_points(uow.conn)
    decided = {}
    for row in rows:
        state = repository.state_of(row)
        history = specs.get(row.specialization)
        spec = history.numbered(row.requirements_version) if history else None
        level = spec.level if spec else "unknown"
        required = points.get(level, 0)
        key = (row.be_geo_id, row.specialization)
        upper = lc.points_window(state, as_of)[1]
        a = assessments.assessment_for(gathered, key, spec, required, upper, state.submitted)
        new, transitions = lc.advance(state, a, day, rules)
        decided[key] = (row, level, required, new, transitions)
    judged = await icons.judge(
        uow.conn, {k: d[3] for k, d in decided.items()}, {k: d[2] for k, d in decided.items()}, day, rules
    )
    changes = []
    renewed = []
    for key, (row, level, required, new, transitions) in decided.items():
        renewed += [(row, t.renewed_on) for t in transitions if isinstance(t, c.Renewed)]
        name = history.latest.name if (history := specs.get(row.specialization)) else None
        change = announce_day(uow, row, Decided(level, required, new, transitions, judged[key], name), day, rules)
        if change is not None:
            changes.append(change)
    if changes:
        await uow.conn.execute(_UPDATE, changes)
    await adopt_versions(uow, renewed, day)
    return len(changes)


@dataclass(frozen=True)
class Decided:
    """A partner specialization's day as the state machine decided it: its level and points required, the new
    state with its transitions (contract events), the icon judged for it (SP-13) and the specialization's name."""

    level: str
    required: int
    new: lc.SpecState
    transitions: list[lc.Transition]
    judged: icons.Judged
    name: str | None


def announce_day(uow: UnitOfWork, row: Row[Any], d: Decided, day: date, rules: lc.Rules) -> dict[str, Any] | None:
    """Announce one decided day: each transition with the status it leads to; a changed icon alone is a status
    change too (SP-13); nothing for a day that changed nothing. Returns the row's update, or None."""
    for t in d.transitions:
        emit_transition(uow, row, d.level, d.required, d.new, t, d.judged.icon, d.name)
    if not d.transitions and d.judged.icon != row.icon:
        events.status_changed(
            uow, row.be_geo_id, row.specialization, d.level, d.new, d.required, row.compliant, icon=d.judged.icon,
            name=d.name,
        )
    values = row_values(d.new, day, rules, d.judged)
    if d.transitions or values["next_check_on"] != row.next_check_on or not d.judged.same_as(row):
        return {"k_be": row.be_geo_id, "k_code": row.specialization, **values}
    return None


async def adopt_versions(uow: UnitOfWork, renewed: Sequence[tuple[Row[Any], date]], today: date) -> None:
    """SP-3: a renewal decided without a submission is judged by the requirements in force on its day: from then
    on the partner's holders are judged by that version; one who does not meet it falls vacant (SP-14). A submitted
    renewal adopted its version when it was submitted (applications.submit_renewal)."""
    moved = []
    unsubmitted = [(row, on) for row, on in renewed if not row.submitted]
    specs = await repository.all_versions(uow.conn) if unsubmitted else {}
    for row, renewed_on in unsubmitted:
        history = specs.get(row.specialization)
        if history is None:
            continue
        version = history.in_force(renewed_on).version
        if version == row.requirements_version:
            continue
        await uow.conn.execute(
            update(ps)
            .where(ps.c.be_geo_id == row.be_geo_id, ps.c.specialization == row.specialization)
            .values(requirements_version=version)
        )
        moved.append((row.be_geo_id, row.specialization))
    for be_geo_id, code in moved:
        await compliance.refresh_partner_specialization(uow, be_geo_id, code, today)
    if moved:
        await compliance.update_compliance(uow, moved, today)


async def reassess(uow: UnitOfWork, keys: Iterable[tuple[str, str]], today: date, *, announce: bool = False) -> None:
    """Facts arrived (points, a refill, a submission): a specialization in grace renews at once when met, and an
    icon the new points changed is announced (SP-13). ``announce``: a status.changed for each, changed or not."""
    rules = policy(uow).rules()
    for be_geo_id, code in sorted(set(keys)):
        row = await repository.partner_specialization(uow.conn, be_geo_id, code)
        if row is None:
            continue
        history = await repository.versions(uow.conn, code)
        spec = history.numbered(row.requirements_version) if history else None
        level = spec.level if spec else "unknown"
        required = (await repository.level_points(uow.conn)).get(level, 0)
        state = repository.state_of(row)
        step = None
        if row.status == "grace":
            gathered = await assessments.gather(uow.conn, assessments.one(be_geo_id, code), today)
            a = assessments.assessment_for(
                gathered, (be_geo_id, code), spec, required, lc.points_window(state, today)[1], state.submitted
            )
            step = lc.renew_in_grace(state, a, today, rules)
        new = step[0] if step else state
        key = (be_geo_id, code)
        j = (await icons.judge(uow.conn, {key: new}, {key: required}, today, rules))[key]
        if step is None and not announce and j.same_as(row):
            continue
        await uow.conn.execute(_UPDATE, [{"k_be": be_geo_id, "k_code": code, **row_values(new, today, rules, j)}])
        if step is not None:
            emit_transition(uow, row, level, required, new, step[1], j.icon, spec.name if spec else None)
            if isinstance(step[1], c.Renewed):
                await adopt_versions(uow, [(row, step[1].renewed_on)], today)
        elif announce or j.icon != row.icon:
            events.status_changed(
                uow, be_geo_id, code, level, new, required, row.compliant, icon=j.icon, name=spec.name if spec else None
            )
