"""The yearly cycle as a daily job, and immediate renewal when facts arrive during grace (SP-7 to SP-11)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, bindparam, literal, select, update

from partnerhub.db.uow import UnitOfWork
from specialization import facts
from specialization.domain import lifecycle as lc
from specialization.policy import policy
from specialization.tables import allocations
from specialization.tables import partner_specializations as ps
from specialization.use_cases import assessments, compliance, events

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
    "updated_at",
)
_UPDATE = (
    update(ps)
    .where(and_(ps.c.be_geo_id == bindparam("k_be"), ps.c.specialization == bindparam("k_code")))
    .values({name: bindparam(name) for name in _STATE_COLUMNS})
)


def row_values(state: lc.SpecState, today: date, rules: lc.Rules) -> dict:
    values = facts.state_values(state)
    values["next_check_on"] = lc.next_check_on(state, today, rules)
    values["updated_at"] = datetime.now(UTC)
    return values


def emit_transition(uow: UnitOfWork, row, spec_level: str, points_required: int, state: lc.SpecState, t: lc.Transition) -> None:  # type: ignore[no-untyped-def]
    events.transition(uow, row.be_geo_id, row.specialization, t)
    status = "reactivated" if isinstance(t, lc.Reactivated) else None
    events.status_changed(
        uow, row.be_geo_id, row.specialization, spec_level, state, points_required, row.compliant, status=status
    )


async def run_day(uow: UnitOfWork, day: date) -> None:
    """The daily job for ``day``: calendar transitions, then vacancies that come due, then at-risk warnings.

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
    def exists(where):  # type: ignore[no-untyped-def]
        return select(literal(1)).where(*where).limit(1).scalar_subquery()

    active = allocations.c.ended_on.is_(None)
    row = (
        await uow.conn.execute(
            select(
                exists([ps.c.next_check_on <= day]),
                exists([active, allocations.c.vacates_on <= day]),
                exists([active, allocations.c.at_risk_on <= day, allocations.c.at_risk_sent.is_(False)]),
            )
        )
    ).one()
    return bool(row[0]), bool(row[1]), bool(row[2])


async def advance_due(uow: UnitOfWork, day: date) -> int:
    rules = policy(uow.db).rules()
    due = ps.c.next_check_on <= day
    rows = (await uow.conn.execute(select(ps).where(due))).all()
    if not rows:
        return 0
    as_of = day - timedelta(days=1)  # the days that are over
    gathered = await assessments.gather(uow.conn, due, as_of)
    specs = await facts.all_specializations(uow.conn)
    points = await facts.level_points(uow.conn)
    changes = []
    for row in rows:
        state = facts.state_of(row)
        spec = specs.get(row.specialization)
        level = spec.level if spec else "unknown"
        required = points.get(level, 0)
        key = (row.be_geo_id, row.specialization)
        upper = lc.points_window(state, as_of)[1]
        a = assessments.assessment_for(gathered, key, spec, required, upper, state.submitted)
        new, transitions = lc.advance(state, a, day, rules)
        for t in transitions:
            emit_transition(uow, row, level, required, new, t)
        values = row_values(new, day, rules)
        if transitions or values["next_check_on"] != row.next_check_on:
            changes.append({"k_be": row.be_geo_id, "k_code": row.specialization, **values})
    if changes:
        await uow.conn.execute(_UPDATE, changes)
    return len(changes)


async def reassess(uow: UnitOfWork, keys, today: date) -> None:  # type: ignore[no-untyped-def]
    """Facts arrived (points, a refill, a submission): a specialization in grace renews at once when met."""
    rules = policy(uow.db).rules()
    for be_geo_id, code in sorted(set(keys)):
        row = await facts.partner_specialization(uow.conn, be_geo_id, code)
        if row is None or row.status != "grace":
            continue
        spec = await facts.specialization(uow.conn, code)
        level = spec.level if spec else "unknown"
        required = (await facts.level_points(uow.conn)).get(level, 0)
        state = facts.state_of(row)
        gathered = await assessments.gather(uow.conn, assessments.one(be_geo_id, code), today)
        a = assessments.assessment_for(
            gathered, (be_geo_id, code), spec, required, lc.points_window(state, today)[1], state.submitted
        )
        step = lc.renew_in_grace(state, a, today, rules)
        if step is None:
            continue
        new, t = step
        await uow.conn.execute(_UPDATE, [{"k_be": be_geo_id, "k_code": code, **row_values(new, today, rules)}])
        emit_transition(uow, row, level, required, new, t)
