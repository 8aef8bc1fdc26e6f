"""A person's partner associations over time (ID-1, ID-3): the active one and the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from identity.tables import memberships, partners
from identity.use_cases.records import require_cco_id
from partnerhub.db.uow import Database


@dataclass(frozen=True)
class Association:
    be_geo_id: str
    partner_name: str | None
    started_on: date
    ended_on: date | None  # the first day no longer a member
    leaves_on: date | None  # a planned end while still active

    @property
    def active(self) -> bool:
        return self.ended_on is None


async def associations_of(db: Database, cco_id: str) -> tuple[str, list[Association]]:
    """(the active CCO ID, its memberships newest first; a merge moved the retired IDs' ones here, ID-2)."""
    query = (
        select(memberships, partners.c.name.label("partner_name"))
        .select_from(memberships.outerjoin(partners, partners.c.be_geo_id == memberships.c.be_geo_id))
        .order_by(memberships.c.started_on.desc(), memberships.c.id.desc())
    )
    async with db.engine.connect() as conn:
        me = await require_cco_id(conn, cco_id)
        rows = await conn.execute(query.where(memberships.c.cco_id == me))
        return me, [Association(r.be_geo_id, r.partner_name, r.started_on, r.ended_on, r.leaves_on) for r in rows]
