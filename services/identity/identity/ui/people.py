"""Who can be picked on the dev sign-in page of identity's pages, and with which claims: identity's own
records (the same claims as ``POST /v1/dev/tokens`` without ``roles``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from identity.tables import individuals, memberships, partner_roles
from identity.use_cases.tokens import claims_for as record_claims
from partnerhub.db.uow import Database
from partnerhub.errors import NotFound
from partnerhub.ui import Claims, FunctionPeople, KnownPeople


async def known_people(db: Database, limit: int = 25) -> KnownPeople:
    out = KnownPeople()
    active = individuals.c.survivor_id.is_(None)
    async with db.engine.connect() as conn:
        roles: dict[str, dict[str, list[str]]] = {}
        for r in await conn.execute(select(partner_roles).order_by(partner_roles.c.cco_id, partner_roles.c.be_geo_id)):
            roles.setdefault(r.cco_id, {}).setdefault(r.role, []).append(r.be_geo_id)
        member_of = dict(
            (await conn.execute(select(memberships.c.cco_id, memberships.c.be_geo_id).where(memberships.c.ended_on.is_(None)))).all()
        )
        rows = await conn.execute(
            select(individuals.c.cco_id, individuals.c.name, individuals.c.program_staff).where(active).order_by(individuals.c.cco_id).limit(2000)
        )
        for r in rows:
            held = roles.get(r.cco_id, {})
            person: dict[str, Any] = {"cco_id": r.cco_id, "name": r.name, "partners": []}
            if r.program_staff:
                group = out.staff
            elif "partner_admin" in held:
                group, person["partners"] = out.admins, held["partner_admin"]
            elif "pam" in held:
                group, person["partners"] = out.pams, held["pam"]
            else:
                group = out.individuals
                person["partners"] = [member_of[r.cco_id]] if r.cco_id in member_of else []
            if len(group) < limit:
                group.append(person)
    return out


async def claims_for(db: Database, cco_id: str) -> Claims | None:
    try:
        claims = await record_claims(db, cco_id)
    except NotFound:
        return None
    return Claims(claims.sub, None, claims.roles, claims.admin_of, claims.pam_of)


PEOPLE = FunctionPeople(known_people, claims_for)
