"""Role holders' standing (SP-14, NO-4): recompute when facts change, vacate when due, warn 90 days ahead.

A holder is judged by the requirements version their partner's last application or renewal was judged by
(``partner_specializations.requirements_version``, SP-3), with certification's projected requirements: a role
naming a Specialist badge is met by its component exams too (CE-10, SP-4)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, or_, select, update

from partnerhub.bus import contracts as c
from partnerhub.db.uow import UnitOfWork
from specialization import repository
from specialization.domain.calendar import FOREVER
from specialization.domain.qualification import holding
from specialization.policy import policy
from specialization.tables import allocations
from specialization.tables import partner_specializations as ps
from specialization.use_cases import events

ACTIVE = allocations.c.ended_on.is_(None)


async def refresh_people(uow: UnitOfWork, cco_ids: Iterable[str], today: date) -> None:
    ids = sorted(set(cco_ids))
    if ids:
        await _refresh(uow, and_(ACTIVE, allocations.c.cco_id.in_(ids)), today)


async def refresh_specialization(uow: UnitOfWork, code: str, today: date) -> None:
    await _refresh(uow, and_(ACTIVE, allocations.c.specialization == code), today)


async def refresh_partner_specialization(uow: UnitOfWork, be_geo_id: str, code: str, today: date) -> None:
    await _refresh(uow, and_(ACTIVE, allocations.c.be_geo_id == be_geo_id, allocations.c.specialization == code), today)


async def refresh_all(uow: UnitOfWork, today: date) -> None:
    await _refresh(uow, ACTIVE, today)


async def refresh_allocation_ids(uow: UnitOfWork, ids: Sequence[int], today: date) -> None:
    if ids:
        await _refresh(uow, allocations.c.id.in_(list(ids)), today)


async def _refresh(uow: UnitOfWork, where: ColumnElement[bool], today: date) -> None:
    rows = (await uow.conn.execute(select(allocations).where(where))).all()
    if not rows:
        return
    at_risk_days = policy(uow).at_risk_days
    people = {r.cco_id for r in rows}
    person = await repository.person_facts(uow.conn, people)
    joined = await repository.person_memberships(uow.conn, people)
    replacements = await repository.replacements(uow.conn)
    certifications = await repository.certifications(uow.conn)
    specs = await repository.all_versions(uow.conn)
    judged_by = await repository.judged_by(uow.conn, {r.be_geo_id for r in rows})
    vacated: set[tuple[str, str]] = set()
    for row in rows:
        history = specs.get(row.specialization)
        spec = history.numbered(judged_by.get((row.be_geo_id, row.specialization))) if history else None
        alternatives = spec.roles.get(row.role, ()) if spec else ()
        h = holding(alternatives, person[row.cco_id], joined.get(row.cco_id, []), replacements, row.be_geo_id, today, certifications)
        if h.vacates_on is not None and h.vacates_on <= today:
            await vacate(uow, row, h.vacates_on, h.reason)
            vacated.add((row.be_geo_id, row.specialization))
            continue
        at_risk_on = None if h.vacates_on is None else h.vacates_on - timedelta(days=at_risk_days)
        changed = h.vacates_on != row.vacates_on
        await uow.conn.execute(
            update(allocations)
            .where(allocations.c.id == row.id)
            .values(
                vacates_on=h.vacates_on,
                vacate_reason=h.reason or None,
                certification=h.certification or None,
                at_risk_on=at_risk_on,
                at_risk_sent=False if changed else row.at_risk_sent,
            )
        )
    if vacated:
        await update_compliance(uow, vacated, today)


async def vacate(uow: UnitOfWork, row: Row[Any], on: date, reason: str) -> None:
    """SP-14: the role falls vacant; the specialization is non-compliant until it is refilled.

    Once: the daily job and a consumer (e.g. identity's ``membership.ended`` on the leaving day) may vacate the
    same holder at the same time; only the one whose update still finds the allocation active emits."""
    done = await uow.conn.execute(
        update(allocations).where(allocations.c.id == row.id, ACTIVE).values(ended_on=on, end_reason=reason or "vacated")
    )
    if done.rowcount != 1:
        return
    uow.emit(
        c.RoleVacated(
            be_geo_id=row.be_geo_id,
            specialization=row.specialization,
            role=row.role,
            cco_id=row.cco_id,
            vacated_on=on,
            reason=reason or "vacated",
        )
    )


async def filled_roles(uow: UnitOfWork, be_geo_id: str, code: str, today: date) -> dict[str, object]:
    stmt = select(allocations).where(
        allocations.c.be_geo_id == be_geo_id,
        allocations.c.specialization == code,
        ACTIVE,
        or_(allocations.c.vacates_on.is_(None), allocations.c.vacates_on > today),
    )
    return {r.role: r for r in (await uow.conn.execute(stmt)).all()}


async def update_compliance(uow: UnitOfWork, keys: Iterable[tuple[str, str]], today: date) -> None:
    """Recompute each specialization's compliant flag; a change is a status change (SP-13, SP-14)."""
    specs = await repository.all_versions(uow.conn)
    points = await repository.level_points(uow.conn)
    for be_geo_id, code in sorted(set(keys)):
        row = await repository.partner_specialization(uow.conn, be_geo_id, code)
        history = specs.get(code)
        if row is None or history is None:
            continue
        spec = history.numbered(row.requirements_version)
        filled = await filled_roles(uow, be_geo_id, code, today)
        compliant = all(role in filled for role in spec.roles)
        if compliant == row.compliant:
            continue
        done = await uow.conn.execute(  # once, when a concurrent vacancy of the same partner got there first
            update(ps)
            .where(ps.c.be_geo_id == be_geo_id, ps.c.specialization == code, ps.c.compliant != compliant)
            .values(compliant=compliant)
        )
        if done.rowcount != 1:
            continue
        events.status_changed(  # compliance does not move the icon: the one last announced still holds
            uow, be_geo_id, code, spec.level, repository.state_of(row), points.get(spec.level, 0), compliant, icon=row.icon,
            name=spec.name,
        )


async def vacate_due(uow: UnitOfWork, day: date) -> None:
    """Daily: holders whose known end (expiry, leaving) has come."""
    rows = (
        await uow.conn.execute(
            select(allocations).where(ACTIVE, allocations.c.vacates_on.is_not(None), allocations.c.vacates_on <= day)
        )
    ).all()
    for row in rows:
        await vacate(uow, row, row.vacates_on, row.vacate_reason or "qualification_lapsed")
    if rows:
        await update_compliance(uow, {(r.be_geo_id, r.specialization) for r in rows}, day)


async def warn_at_risk(uow: UnitOfWork, day: date, *, ids: Sequence[int] | None = None) -> None:
    """NO-4: a holder's qualifying certification ends within 90 days, or the holder leaves: say when the
    role falls vacant. ``ids``: only those allocations (a planned leave is warned about when announced)."""
    where = [
        ACTIVE,
        allocations.c.at_risk_on.is_not(None),
        allocations.c.at_risk_on <= day,
        allocations.c.at_risk_sent.is_(False),
    ]
    if ids is not None:
        where.append(allocations.c.id.in_(list(ids)))
    rows = (await uow.conn.execute(select(allocations).where(*where))).all()
    for row in rows:
        if row.vacates_on is None or row.vacates_on == FOREVER:
            continue
        left = row.vacate_reason == "left"
        uow.emit(
            c.RoleAtRisk(
                be_geo_id=row.be_geo_id,
                specialization=row.specialization,
                role=row.role,
                cco_id=row.cco_id,
                certification=row.certification or ("" if left else row.vacate_reason or ""),
                vacant_on=row.vacates_on,
                reason="left" if left else "qualification_lapsed",
            )
        )
    if rows:
        await uow.conn.execute(
            update(allocations).where(allocations.c.id.in_([r.id for r in rows])).values(at_risk_sent=True)
        )
