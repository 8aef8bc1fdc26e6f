"""Notify commands and queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from partnerhub.db.uow import Database, UnitOfWork
from partnerhub.errors import NotFound

from notify.tables import recipients


@dataclass(frozen=True)
class Recipient:
    cco_id: str
    name: str
    email: str
    updated_at: datetime


async def remember_address(uow: UnitOfWork, *, cco_id: str, name: str, email: str) -> None:
    """Keep the latest known address of a person (mail goes to the address current at sending time)."""
    values = {"cco_id": cco_id, "name": name, "email": email, "updated_at": datetime.now(UTC)}
    stmt = uow.db.insert_ignoring_duplicates(recipients).values(**values)
    inserted = await uow.conn.execute(stmt)
    if inserted.rowcount == 0:
        await uow.conn.execute(recipients.update().where(recipients.c.cco_id == cco_id).values(**values))


async def get_recipient(db: Database, cco_id: str) -> Recipient:
    async with db.engine.connect() as conn:
        row = (await conn.execute(select(recipients).where(recipients.c.cco_id == cco_id))).first()
    if row is None:
        raise NotFound(f"No known address for CCO ID {cco_id}.", cco_id=cco_id)
    return Recipient(row.cco_id, row.name, row.email, row.updated_at)
