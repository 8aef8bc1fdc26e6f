"""Projections of identity facts notify needs: partners and their admins; addresses and merges (ID-2) are the
platform's identity mirror (partnerhub.mirrors.identity), read here.

Events may arrive out of order or twice: an address or admin change applies only when it is
newer (``as_of``, the event's ``occurred_at``) than what is kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from notify.tables import IDENTITY, aliases, partner_admins, partners, recipients
from partnerhub.db.uow import UnitOfWork
from partnerhub.mirrors.identity import Merge


@dataclass(frozen=True)
class Address:
    cco_id: str
    name: str
    email: str


async def rekey(uow: UnitOfWork, merge: Merge) -> None:
    """ID-2: the identity mirror has pointed the retired IDs at the survivor (and given it their address if it
    had none); their partner-admin roles move to it here."""
    conn, survivor = uow.conn, merge.survivor
    for old in merge.retired:
        for row in (await conn.execute(select(partner_admins).where(partner_admins.c.cco_id == old))).all():
            await conn.execute(
                uow.db.insert_ignoring_duplicates(partner_admins).values(
                    be_geo_id=row.be_geo_id, cco_id=survivor, active=row.active, as_of=row.as_of
                )
            )
            if row.active:
                await conn.execute(
                    update(partner_admins)
                    .where(partner_admins.c.be_geo_id == row.be_geo_id, partner_admins.c.cco_id == survivor)
                    .values(active=True)
                )
            await conn.execute(
                update(partner_admins)
                .where(partner_admins.c.be_geo_id == row.be_geo_id, partner_admins.c.cco_id == old)
                .values(active=False)
            )


async def remember_partner(uow: UnitOfWork, *, be_geo_id: str, name: str) -> None:
    inserted = await uow.conn.execute(
        uow.db.insert_ignoring_duplicates(partners).values(be_geo_id=be_geo_id, name=name)
    )
    if inserted.rowcount == 0:
        await uow.conn.execute(update(partners).where(partners.c.be_geo_id == be_geo_id).values(name=name))


async def set_admin(uow: UnitOfWork, *, be_geo_id: str, cco_id: str, active: bool) -> None:
    """A partner admin assigned (active) or removed; an older event never undoes a newer one."""
    cco_id = await resolve(uow.conn, cco_id)
    as_of = uow.occurred_at
    values = {"be_geo_id": be_geo_id, "cco_id": cco_id, "active": active, "as_of": as_of}
    inserted = await uow.conn.execute(uow.db.insert_ignoring_duplicates(partner_admins).values(**values))
    if inserted.rowcount == 0:
        await uow.conn.execute(
            update(partner_admins)
            .where(partner_admins.c.be_geo_id == be_geo_id, partner_admins.c.cco_id == cco_id)
            .where(partner_admins.c.as_of <= as_of)
            .values(active=active, as_of=as_of)
        )


async def admins_of(conn: AsyncConnection, be_geo_id: str) -> list[str]:
    rows = await conn.execute(
        select(partner_admins.c.cco_id)
        .where(partner_admins.c.be_geo_id == be_geo_id, partner_admins.c.active.is_(True))
        .order_by(partner_admins.c.cco_id)
    )
    return sorted({await resolve(conn, cco_id) for cco_id in rows.scalars()})


async def partner_name(conn: AsyncConnection, be_geo_id: str) -> str | None:
    return await conn.scalar(select(partners.c.name).where(partners.c.be_geo_id == be_geo_id))


async def resolve(conn: AsyncConnection, cco_id: str) -> str:
    """The active CCO ID a (possibly retired) one resolves to: one lookup, the mirror keeps aliases collapsed."""
    return await IDENTITY.resolve(conn, cco_id)


async def addresses(conn: AsyncConnection, cco_ids: Iterable[str]) -> dict[str, Address]:
    """The current address of each CCO ID (following merges); IDs with no known address are left out."""
    wanted = set(cco_ids)
    if not wanted:
        return {}
    links = dict((await conn.execute(select(aliases.c.retired, aliases.c.survivor).where(aliases.c.retired.in_(wanted)))).all())
    targets = {c: links.get(c, c) for c in wanted}
    rows = (
        await conn.execute(
            select(recipients).where(recipients.c.cco_id.in_(set(targets.values())), recipients.c.email.is_not(None))
        )
    ).all()
    found = {r.cco_id: Address(r.cco_id, r.name, r.email) for r in rows}
    return {c: found[t] for c, t in targets.items() if t in found}
