"""What several use cases share: records as dataclasses, lookups that resolve retired IDs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from identity.domain.memberships import MembershipRuleError, Stint
from identity.tables import grants, individuals, memberships, partners
from partnerhub.errors import NotFound, Unprocessable


@dataclass(frozen=True)
class Individual:
    cco_id: str
    name: str
    email: str
    program_staff: bool
    registered_at: datetime
    retired_ids: tuple[str, ...] = ()
    partner: str | None = None  # BE GEO ID of the active membership
    grants: tuple[str, ...] = ()  # partners whose admins may see this person's records (ID-4)

    def known_as(self, cco_id: str) -> bool:
        return cco_id == self.cco_id or cco_id in self.retired_ids


@dataclass(frozen=True)
class Partner:
    be_geo_id: str
    name: str
    country: str
    registered_at: datetime


@dataclass(frozen=True)
class Membership:
    cco_id: str
    be_geo_id: str
    started_on: date
    ended_on: date | None
    name: str | None = None
    email: str | None = None
    leaves_on: date | None = None  # a planned end while still active (NO-4)

    @property
    def active(self) -> bool:
        return self.ended_on is None


@dataclass(frozen=True)
class PartnerRole:
    cco_id: str
    be_geo_id: str
    role: str
    name: str | None = None
    email: str | None = None


@dataclass
class Changes:
    """What a command did; ``changed`` is False for a repeat that changed nothing."""

    changed: bool
    detail: dict[str, Any] = field(default_factory=dict)


def rule_error(exc: MembershipRuleError) -> Unprocessable:
    return Unprocessable(str(exc), slug=exc.slug)


async def resolve_row(conn: AsyncConnection, cco_id: str) -> Any:
    """The individual's row, following a retired ID to its survivor (ID-2); None if unknown."""
    row = (await conn.execute(select(individuals).where(individuals.c.cco_id == cco_id))).first()
    if row is not None and row.survivor_id is not None:
        row = (await conn.execute(select(individuals).where(individuals.c.cco_id == row.survivor_id))).first()
    return row


async def require_cco_id(conn: AsyncConnection, cco_id: str) -> str:
    """The active CCO ID for ``cco_id`` (itself or its survivor), or 404."""
    row = await resolve_row(conn, cco_id)
    if row is None:
        raise NotFound(f"No individual with CCO ID {cco_id}.", cco_id=cco_id)
    return str(row.cco_id)


async def require_partner(conn: AsyncConnection, be_geo_id: str) -> Partner:
    row = (await conn.execute(select(partners).where(partners.c.be_geo_id == be_geo_id))).first()
    if row is None:
        raise NotFound(f"No partner with BE GEO ID {be_geo_id}.", be_geo_id=be_geo_id)
    return Partner(row.be_geo_id, row.name, row.country, row.registered_at)


async def stints_of(conn: AsyncConnection, cco_ids: Sequence[str]) -> list[Stint]:
    rows = await conn.execute(
        select(memberships).where(memberships.c.cco_id.in_(cco_ids)).order_by(memberships.c.started_on, memberships.c.id)
    )
    return [Stint(r.id, r.be_geo_id, r.started_on, r.ended_on, r.leaves_on) for r in rows]


async def load_individual(conn: AsyncConnection, cco_id: str) -> Individual:
    row = await resolve_row(conn, cco_id)
    if row is None:
        raise NotFound(f"No individual with CCO ID {cco_id}.", cco_id=cco_id)
    retired = (
        await conn.scalars(
            select(individuals.c.cco_id).where(individuals.c.survivor_id == row.cco_id).order_by(individuals.c.cco_id)
        )
    ).all()
    partner = await conn.scalar(
        select(memberships.c.be_geo_id).where(memberships.c.cco_id == row.cco_id, memberships.c.ended_on.is_(None))
    )
    granted = (
        await conn.scalars(select(grants.c.be_geo_id).where(grants.c.cco_id == row.cco_id).order_by(grants.c.be_geo_id))
    ).all()
    return Individual(
        row.cco_id,
        row.name,
        row.email,
        row.program_staff,
        row.registered_at,
        retired_ids=tuple(retired),
        partner=partner,
        grants=tuple(granted),
    )
