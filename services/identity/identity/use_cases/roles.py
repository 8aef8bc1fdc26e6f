"""Partner admins and PAMs: assigned to partners, removed from them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete

from identity.tables import partner_roles
from identity.use_cases.records import require_cco_id, require_partner
from partnerhub.bus.contracts import AdminAssigned, AdminRemoved, AdminRole
from partnerhub.db.uow import Database

ROLES: tuple[AdminRole, ...] = ("partner_admin", "pam")


async def assign_role(db: Database, *, cco_id: str, be_geo_id: str, role: AdminRole) -> tuple[str, bool]:
    """(the active CCO ID, whether anything changed)."""
    async with db.uow() as uow:
        person = await require_cco_id(uow.conn, cco_id)
        await require_partner(uow.conn, be_geo_id)
        inserted = await uow.conn.execute(
            db.insert_ignoring_duplicates(partner_roles).values(
                be_geo_id=be_geo_id, role=role, cco_id=person, assigned_at=datetime.now(UTC)
            )
        )
        if inserted.rowcount != 1:
            return person, False
        uow.emit(AdminAssigned(cco_id=person, be_geo_id=be_geo_id, role=role))
        await uow.commit()
    return person, True


async def remove_role(db: Database, *, cco_id: str, be_geo_id: str, role: AdminRole) -> tuple[str, bool]:
    async with db.uow() as uow:
        person = await require_cco_id(uow.conn, cco_id)
        await require_partner(uow.conn, be_geo_id)
        gone = await uow.conn.execute(
            delete(partner_roles).where(
                partner_roles.c.be_geo_id == be_geo_id, partner_roles.c.role == role, partner_roles.c.cco_id == person
            )
        )
        if gone.rowcount != 1:
            return person, False
        uow.emit(AdminRemoved(cco_id=person, be_geo_id=be_geo_id, role=role))
        await uow.commit()
    return person, True
