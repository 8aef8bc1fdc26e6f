"""Partner companies (BE GEO IDs), their members over time, their admins and PAMs."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from identity.tables import individuals, memberships, partner_roles, partners
from identity.use_cases.records import Membership, Partner, PartnerRole, require_partner
from partnerhub.bus.contracts import PartnerRegistered
from partnerhub.db.uow import Database
from partnerhub.errors import Conflict


def _taken(be_geo_id: str) -> Conflict:
    return Conflict(f"BE GEO ID {be_geo_id} is already registered.", slug="be-geo-id-taken", be_geo_id=be_geo_id)


async def register_partner(db: Database, *, be_geo_id: str, name: str, country: str) -> Partner:
    async with db.uow() as uow:
        if await uow.conn.scalar(select(partners.c.be_geo_id).where(partners.c.be_geo_id == be_geo_id)):
            raise _taken(be_geo_id)
        partner = Partner(be_geo_id, name, country, datetime.now(UTC))
        try:
            await uow.conn.execute(
                partners.insert().values(be_geo_id=be_geo_id, name=name, country=country, registered_at=partner.registered_at)
            )
        except IntegrityError as exc:
            raise _taken(be_geo_id) from exc
        uow.emit(PartnerRegistered(be_geo_id=be_geo_id, name=name, country=country))
        await uow.commit()
    return partner


async def get_partner(db: Database, be_geo_id: str) -> Partner:
    async with db.engine.connect() as conn:
        return await require_partner(conn, be_geo_id)


async def list_members(db: Database, be_geo_id: str, *, include_former: bool = False) -> list[Membership]:
    """Current members (ID-1); with ``include_former`` also past ones, with their dates (ID-3)."""
    query = (
        select(memberships, individuals.c.name, individuals.c.email)
        .join(individuals, individuals.c.cco_id == memberships.c.cco_id)
        .where(memberships.c.be_geo_id == be_geo_id)
        .order_by(memberships.c.started_on, memberships.c.cco_id, memberships.c.id)
    )
    if not include_former:
        query = query.where(memberships.c.ended_on.is_(None))
    async with db.engine.connect() as conn:
        await require_partner(conn, be_geo_id)
        rows = await conn.execute(query)
        return [Membership(r.cco_id, r.be_geo_id, r.started_on, r.ended_on, r.name, r.email, r.leaves_on) for r in rows]


async def list_roles(db: Database, be_geo_id: str) -> list[PartnerRole]:
    query = (
        select(partner_roles, individuals.c.name, individuals.c.email)
        .join(individuals, individuals.c.cco_id == partner_roles.c.cco_id)
        .where(partner_roles.c.be_geo_id == be_geo_id)
        .order_by(partner_roles.c.role, partner_roles.c.cco_id)
    )
    async with db.engine.connect() as conn:
        await require_partner(conn, be_geo_id)
        return [PartnerRole(r.cco_id, r.be_geo_id, r.role, r.name, r.email) for r in await conn.execute(query)]
