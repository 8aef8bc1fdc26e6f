"""Projections of identity facts notify needs: addresses, merges (ID-2), partners and their admins.

Events may arrive out of order or twice: an address or admin change applies only when it is
newer (``as_of``, the event's ``occurred_at``) than what is kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from notify.tables import aliases, partner_admins, partners, recipients
from partnerhub.db.uow import UnitOfWork

MAX_ALIAS_HOPS = 10


@dataclass(frozen=True)
class Address:
    cco_id: str
    name: str
    email: str



async def remember_address(uow: UnitOfWork, *, cco_id: str, name: str, email: str) -> None:
    """Keep the latest known address of a person (mail goes to the address current at sending time)."""
    as_of = uow.occurred_at
    values = {"cco_id": cco_id, "name": name, "email": email, "updated_at": datetime.now(UTC), "as_of": as_of}
    inserted = await uow.conn.execute(uow.db.insert_ignoring_duplicates(recipients).values(**values))
    if inserted.rowcount == 0:
        await uow.conn.execute(
            recipients.update()
            .where(recipients.c.cco_id == cco_id)
            .where((recipients.c.as_of.is_(None)) | (recipients.c.as_of <= as_of))
            .values(**values)
        )


async def merge_individuals(uow: UnitOfWork, *, survivor: str, retired: Iterable[str]) -> None:
    """ID-2: retired CCO IDs resolve to the survivor; their address and admin roles move to it."""
    conn = uow.conn
    for old in retired:
        if old == survivor:
            continue
        await conn.execute(uow.db.insert_ignoring_duplicates(aliases).values(retired=old, survivor=survivor))
        await conn.execute(update(aliases).where(aliases.c.survivor == old).values(survivor=survivor))
        kept = (await conn.execute(select(recipients).where(recipients.c.cco_id == old))).first()
        if kept is not None:  # the survivor keeps its own address; it takes the retired one only if it has none
            moved = {"cco_id": survivor, "name": kept.name, "email": kept.email}
            await conn.execute(
                uow.db.insert_ignoring_duplicates(recipients).values(
                    **moved, updated_at=datetime.now(UTC), as_of=kept.as_of
                )
            )
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
    """The active CCO ID a (possibly retired) one resolves to."""
    for _ in range(MAX_ALIAS_HOPS):
        survivor = await conn.scalar(select(aliases.c.survivor).where(aliases.c.retired == cco_id))
        if survivor is None or survivor == cco_id:
            return cco_id
        cco_id = survivor
    return cco_id


async def addresses(conn: AsyncConnection, cco_ids: Iterable[str]) -> dict[str, Address]:
    """The current address of each CCO ID (following merges); IDs with no known address are left out."""
    wanted = set(cco_ids)
    if not wanted:
        return {}
    links = dict((await conn.execute(select(aliases.c.retired, aliases.c.survivor).where(aliases.c.retired.in_(wanted)))).all())
    targets = {c: links.get(c, c) for c in wanted}
    rows = (await conn.execute(select(recipients).where(recipients.c.cco_id.in_(set(targets.values()))))).all()
    found = {r.cco_id: Address(r.cco_id, r.name, r.email) for r in rows}
    return {c: found[t] for c, t in targets.items() if t in found}
