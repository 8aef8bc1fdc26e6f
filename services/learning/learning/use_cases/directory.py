"""Projections the CL View pages need (sign-in claims, partner names, specialization notes, role alerts).

Every handler tolerates redelivery and events out of order: upserts, and a newer fact is never
overwritten by an older one (compared on the event's time or on the business date it carries)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, or_, update

from learning.tables import admin_roles, partners, role_alerts, specialization_notes
from partnerhub.db.uow import UnitOfWork


async def partner_registered(uow: UnitOfWork, be_geo_id: str, name: str) -> None:
    await uow.conn.execute(uow.db.insert_ignoring_duplicates(partners).values(be_geo_id=be_geo_id, name=name))
    await uow.conn.execute(update(partners).where(partners.c.be_geo_id == be_geo_id).values(name=name))


async def admin_role(uow: UnitOfWork, cco_id: str, be_geo_id: str, role: str, active: bool, at: datetime) -> None:
    """identity.admin.assigned / removed: the latest fact per (person, partner, role) wins."""
    key = and_(admin_roles.c.cco_id == cco_id, admin_roles.c.be_geo_id == be_geo_id, admin_roles.c.role == role)
    await uow.conn.execute(
        uow.db.insert_ignoring_duplicates(admin_roles).values(
            cco_id=cco_id, be_geo_id=be_geo_id, role=role, active=active, changed_at=at
        )
    )
    await uow.conn.execute(
        update(admin_roles).where(key, admin_roles.c.changed_at < at).values(active=active, changed_at=at)
    )


async def _note(uow: UnitOfWork, be_geo_id: str, specialization: str, guard: Any, **values: Any) -> None:
    await uow.conn.execute(
        uow.db.insert_ignoring_duplicates(specialization_notes).values(
            be_geo_id=be_geo_id, specialization=specialization
        )
    )
    await uow.conn.execute(
        update(specialization_notes)
        .where(
            specialization_notes.c.be_geo_id == be_geo_id,
            specialization_notes.c.specialization == specialization,
            guard,
        )
        .values(**values)
    )


def _not_newer(column: Any, day: date) -> Any:
    return or_(column.is_(None), column <= day)


async def window_opened(uow: UnitOfWork, be_geo_id: str, specialization: str, opened_on: date) -> None:
    n = specialization_notes.c
    await _note(uow, be_geo_id, specialization, _not_newer(n.window_opened_on, opened_on), window_opened_on=opened_on)


async def grace_started(uow: UnitOfWork, be_geo_id: str, specialization: str, started_on: date, ends_on: date) -> None:
    n = specialization_notes.c
    await _note(
        uow, be_geo_id, specialization, _not_newer(n.grace_started_on, started_on),
        grace_started_on=started_on, grace_ends_on=ends_on,
    )


async def lost(uow: UnitOfWork, be_geo_id: str, specialization: str, lost_on: date, blocked_until: date) -> None:
    n = specialization_notes.c
    await _note(uow, be_geo_id, specialization, _not_newer(n.lost_on, lost_on), lost_on=lost_on, blocked_until=blocked_until)


async def reactivated(uow: UnitOfWork, be_geo_id: str, specialization: str, reactivated_on: date) -> None:
    n = specialization_notes.c
    await _note(uow, be_geo_id, specialization, _not_newer(n.reactivated_on, reactivated_on), reactivated_on=reactivated_on)


async def compliance(uow: UnitOfWork, be_geo_id: str, specialization: str, compliant: bool | None, at: datetime) -> None:
    """From specialization.status.changed: compliant again clears the vacancies reported before (SP-14)."""
    if compliant is None:
        return
    n = specialization_notes.c
    await _note(
        uow, be_geo_id, specialization, or_(n.compliant_at.is_(None), n.compliant_at <= at),
        compliant=compliant, compliant_at=at,
    )
    if compliant:
        await uow.conn.execute(
            delete(role_alerts).where(
                role_alerts.c.be_geo_id == be_geo_id,
                role_alerts.c.specialization == specialization,
                role_alerts.c.kind == "vacated",
                role_alerts.c.occurred_at <= at,
            )
        )


async def _alert(uow: UnitOfWork, kind: str, be_geo_id: str, specialization: str, role: str, cco_id: str,
                 on_date: date, detail: str, at: datetime) -> None:
    key = {"be_geo_id": be_geo_id, "specialization": specialization, "role": role, "cco_id": cco_id, "kind": kind}
    await uow.conn.execute(
        uow.db.insert_ignoring_duplicates(role_alerts).values(**key, on_date=on_date, detail=detail[:200], occurred_at=at)
    )
    await uow.conn.execute(
        update(role_alerts)
        .where(*(role_alerts.c[k] == v for k, v in key.items()), role_alerts.c.occurred_at < at)
        .values(on_date=on_date, detail=detail[:200], occurred_at=at)
    )


async def role_vacated(uow: UnitOfWork, be_geo_id: str, specialization: str, role: str, cco_id: str,
                       vacated_on: date, reason: str, at: datetime) -> None:
    n = specialization_notes.c
    note = (
        await uow.conn.execute(
            specialization_notes.select().where(n.be_geo_id == be_geo_id, n.specialization == specialization)
        )
    ).first()
    if note is not None and note.compliant and note.compliant_at is not None and note.compliant_at >= at:
        return  # a vacancy older than the latest "compliant again" is already over
    await _alert(uow, "vacated", be_geo_id, specialization, role, cco_id, vacated_on, reason, at)
    await uow.conn.execute(
        delete(role_alerts).where(
            role_alerts.c.be_geo_id == be_geo_id,
            role_alerts.c.specialization == specialization,
            role_alerts.c.role == role,
            role_alerts.c.cco_id == cco_id,
            role_alerts.c.kind == "at_risk",
        )
    )


async def role_at_risk(uow: UnitOfWork, be_geo_id: str, specialization: str, role: str, cco_id: str,
                       certification: str, vacant_on: date, at: datetime) -> None:
    vacated = (
        await uow.conn.execute(
            role_alerts.select().where(
                role_alerts.c.be_geo_id == be_geo_id,
                role_alerts.c.specialization == specialization,
                role_alerts.c.role == role,
                role_alerts.c.cco_id == cco_id,
                role_alerts.c.kind == "vacated",
                role_alerts.c.occurred_at >= at,
            )
        )
    ).first()
    if vacated is not None:
        return  # the holder already left the role: the warning came late
    await _alert(uow, "at_risk", be_geo_id, specialization, role, cco_id, vacant_on, certification, at)
