"""Projection of specialization.status.changed: each partner's period, points required and status icon
(SP-7, SP-8, SP-13), and the specialization's name. The icon and the name are specialization's facts: shown
as announced, never judged or kept otherwise here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from learning.domain.periods import Period
from learning.tables import periods, specialization_names
from learning.use_cases import ledger
from partnerhub.bus.contracts import StatusChanged
from partnerhub.db.uow import UnitOfWork


async def status_changed(uow: UnitOfWork, event: StatusChanged, occurred_at: datetime) -> None:
    if event.name is not None:
        await named(uow, event.specialization, event.name, occurred_at)
    key = {"be_geo_id": event.be_geo_id, "specialization": event.specialization}
    await uow.conn.execute(uow.db.insert_ignoring_duplicates(periods).values(**key))
    query = select(periods).where(periods.c.be_geo_id == event.be_geo_id, periods.c.specialization == event.specialization)
    row = (await uow.conn.execute(uow.db.for_update(query))).one()
    if row.status_at is not None and row.status_at > occurred_at:
        return  # an older status arriving late changes nothing
    await uow.conn.execute(
        update(periods)
        .where(periods.c.be_geo_id == event.be_geo_id, periods.c.specialization == event.specialization)
        .values(
            status=event.status,
            level=event.level,
            anniversary=event.anniversary,
            period_start=event.period_start,
            period_end=event.period_end,
            points_required=event.points_required,
            status_at=occurred_at,
            **({"icon": event.icon} if event.icon is not None else {}),  # None: not stated, the last one holds
        )
    )
    if (row.period_start, row.period_end) != (event.period_start, event.period_end) or row.status is None:
        period = (
            Period(event.period_start, event.period_end)
            if event.period_start is not None and event.period_end is not None
            else None
        )
        await ledger.rebuild_totals(uow, event.be_geo_id, event.specialization, period)


async def named(uow: UnitOfWork, code: str, name: str, occurred_at: datetime) -> None:
    """The latest name specialization announced for ``code``; an older event arriving late changes nothing."""
    names = specialization_names
    await uow.conn.execute(
        uow.db.insert_ignoring_duplicates(names).values(specialization=code, name=name, named_at=occurred_at)
    )
    await uow.conn.execute(
        update(names).where(names.c.specialization == code, names.c.named_at <= occurred_at).values(name=name, named_at=occurred_at)
    )
