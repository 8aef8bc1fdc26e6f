"""Third-party access (ID-4): a person lets their partner's admins see their records, or stops."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select

from identity.tables import grants, memberships
from identity.use_cases.records import require_cco_id, require_partner
from partnerhub.bus.contracts import GrantChanged
from partnerhub.db.uow import Database
from partnerhub.errors import Unprocessable


async def grant_access(db: Database, *, today: date, cco_id: str, be_geo_id: str) -> tuple[str, bool]:
    """Only to a partner the person is an active member of. (active CCO ID, changed)."""
    async with db.uow(today=today) as uow:
        person = await require_cco_id(uow.conn, cco_id)
        await require_partner(uow.conn, be_geo_id)
        member = await uow.conn.scalar(
            select(memberships.c.id).where(
                memberships.c.cco_id == person, memberships.c.be_geo_id == be_geo_id, memberships.c.ended_on.is_(None)
            )
        )
        if member is None:
            raise Unprocessable(
                f"{person} is not a member of {be_geo_id}; access is granted to one's own partner's admins.",
                slug="not-a-member",
            )
        inserted = await uow.conn.execute(
            db.insert_ignoring_duplicates(grants).values(cco_id=person, be_geo_id=be_geo_id, granted_on=today)
        )
        if inserted.rowcount != 1:
            return person, False
        uow.emit(GrantChanged(cco_id=person, be_geo_id=be_geo_id, granted=True, changed_on=today))
        await uow.commit()
    return person, True


async def revoke_access(db: Database, *, today: date, cco_id: str, be_geo_id: str) -> tuple[str, bool]:
    async with db.uow(today=today) as uow:
        person = await require_cco_id(uow.conn, cco_id)
        await require_partner(uow.conn, be_geo_id)
        gone = await uow.conn.execute(delete(grants).where(grants.c.cco_id == person, grants.c.be_geo_id == be_geo_id))
        if gone.rowcount != 1:
            return person, False
        uow.emit(GrantChanged(cco_id=person, be_geo_id=be_geo_id, granted=False, changed_on=today))
        await uow.commit()
    return person, True
