"""Projection of identity's grants (ID-4): whether a person lets a partner's admins see their exam history.

Tolerates redelivery and order: a grant change older than the one stored is ignored, and a change about a
retired CCO ID is applied to its survivor.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from certification import repository
from certification.tables import grants
from partnerhub.db.uow import UnitOfWork


async def grant_changed(uow: UnitOfWork, cco_id: str, be_geo_id: str, granted: bool, changed_on: date) -> None:
    occurred_at = uow.occurred_at
    owner = await repository.resolve(uow.conn, cco_id)
    stored = (
        await uow.conn.execute(select(grants).where(grants.c.cco_id == owner, grants.c.be_geo_id == be_geo_id))
    ).first()
    if stored is not None and (stored.changed_on, stored.occurred_at) > (changed_on, occurred_at):
        return  # an older change arriving late
    await uow.conn.execute(
        repository.upsert(
            uow.db, grants, ["cco_id", "be_geo_id"],
            {"granted": granted, "changed_on": changed_on, "occurred_at": occurred_at},
        ).values(cco_id=owner, be_geo_id=be_geo_id, granted=granted, changed_on=changed_on, occurred_at=occurred_at)
    )
