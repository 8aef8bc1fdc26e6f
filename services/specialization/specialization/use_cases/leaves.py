"""Planned leaves, projected from identity (NO-4, SP-14).

A role holder who announces leaving makes the role at risk at once (``specialization.role.at_risk`` with the
leaving date as the vacant-on date, whatever the 90-day warning window); the role falls vacant on that date
by the daily job, like any known end (``allocations.vacates_on``). A cancellation clears the planned vacancy.
Identity's ``membership.ended`` stays the final word; plans apply by revision, never by arrival.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select, update

from partnerhub.bus import contracts as c
from partnerhub.db.uow import UnitOfWork
from specialization import repository
from specialization.tables import allocations, planned_leaves
from specialization.use_cases import compliance


async def leave_planned(uow: UnitOfWork, e: c.LeavePlanned) -> None:
    await _record(uow, e.cco_id, e.be_geo_id, e.started_on, e.leaves_on, e.revision)


async def leave_cancelled(uow: UnitOfWork, e: c.LeaveCancelled) -> None:
    await _record(uow, e.cco_id, e.be_geo_id, e.started_on, None, e.revision)


async def _record(uow: UnitOfWork, cco_id: str, be_geo_id: str, started_on: date, leaves_on: date | None, revision: int) -> None:
    cco_id = await repository.resolve(uow.conn, cco_id)
    if not await _store(uow, cco_id, be_geo_id, started_on, leaves_on, revision):
        return  # an older plan (or cancellation) delivered late
    today = await uow.today()
    await compliance.refresh_people(uow, [cco_id], today)  # vacates_on becomes the leaving date, or is cleared
    if leaves_on is not None:
        await warn_leaving(uow, cco_id, be_geo_id, leaves_on, today)


async def _store(uow: UnitOfWork, cco_id: str, be_geo_id: str, started_on: date, leaves_on: date | None, revision: int) -> bool:
    """Keep the plan of the highest revision; False when ``revision`` is not newer than the one kept."""
    key = (planned_leaves.c.cco_id == cco_id, planned_leaves.c.be_geo_id == be_geo_id, planned_leaves.c.started_on == started_on)
    known = await uow.conn.scalar(select(planned_leaves.c.revision).where(*key))
    if known is not None and known >= revision:
        return False
    if known is None:
        await uow.conn.execute(
            planned_leaves.insert().values(
                cco_id=cco_id, be_geo_id=be_geo_id, started_on=started_on, leaves_on=leaves_on, revision=revision
            )
        )
    else:
        await uow.conn.execute(update(planned_leaves).where(*key).values(leaves_on=leaves_on, revision=revision))
    return True


async def individual_merged(uow: UnitOfWork, survivor: str, retired: list[str]) -> None:
    """ID-2: plans of retired IDs move to the survivor (the caller refreshes the survivor's roles)."""
    rows = (await uow.conn.execute(select(planned_leaves).where(planned_leaves.c.cco_id.in_(retired)))).all()
    await uow.conn.execute(delete(planned_leaves).where(planned_leaves.c.cco_id.in_(retired)))
    for r in rows:
        await _store(uow, survivor, r.be_geo_id, r.started_on, r.leaves_on, r.revision)


async def warn_leaving(uow: UnitOfWork, cco_id: str, be_geo_id: str, leaves_on: date, today: date) -> None:
    """NO-4: the holder's roles that fall vacant because they leave are at risk from today, not 90 days ahead."""
    ids = list(
        (
            await uow.conn.scalars(
                select(allocations.c.id).where(
                    compliance.ACTIVE,
                    allocations.c.cco_id == cco_id,
                    allocations.c.be_geo_id == be_geo_id,
                    allocations.c.vacate_reason == "left",
                    allocations.c.vacates_on == leaves_on,
                    allocations.c.at_risk_sent.is_(False),
                )
            )
        ).all()
    )
    if ids:
        await uow.conn.execute(update(allocations).where(allocations.c.id.in_(ids)).values(at_risk_on=today))
        await compliance.warn_at_risk(uow, today, ids=ids)
