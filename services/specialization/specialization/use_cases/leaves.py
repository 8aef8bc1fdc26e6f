"""Planned leaves, projected from identity (NO-4, SP-14).

A role holder who announces leaving makes the role at risk at once (``specialization.role.at_risk`` with the
leaving date as the vacant-on date, whatever the 90-day warning window); the role falls vacant on that date
by the daily job, like any known end (``allocations.vacates_on``). A cancellation clears the planned vacancy.
Identity's ``membership.ended`` stays the final word; plans apply by revision, never by arrival: the platform's
identity mirror keeps them (``planned_leaves``) and calls ``projections.after_change``, which warns here.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from partnerhub.db.uow import UnitOfWork
from specialization.tables import allocations
from specialization.use_cases import compliance


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
