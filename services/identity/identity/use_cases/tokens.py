"""Dev tokens whose claims come from identity's records (never in production)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from identity.tables import partner_roles
from identity.use_cases.records import load_individual
from partnerhub.auth import mint_token
from partnerhub.db.uow import Database
from partnerhub.errors import Forbidden

if TYPE_CHECKING:
    from partnerhub.service import ServiceRuntime


@dataclass(frozen=True)
class Claims:
    sub: str
    roles: tuple[str, ...]
    admin_of: tuple[str, ...]
    pam_of: tuple[str, ...]


async def claims_for(db: Database, cco_id: str) -> Claims:
    """individual; partner_admin / pam for the partners assigned; program_staff if flagged.
    A retired CCO ID gets its survivor's claims (ID-2)."""
    async with db.engine.connect() as conn:
        person = await load_individual(conn, cco_id)
        rows = (await conn.execute(select(partner_roles).where(partner_roles.c.cco_id == person.cco_id))).all()
    roles = {"individual", *(r.role for r in rows)}
    if person.program_staff:
        roles.add("program_staff")
    admin_of = sorted({r.be_geo_id for r in rows if r.role == "partner_admin"})
    pam_of = sorted({r.be_geo_id for r in rows if r.role == "pam"})
    return Claims(person.cco_id, tuple(sorted(roles)), tuple(admin_of), tuple(pam_of))


async def mint_for(runtime: ServiceRuntime, subject: str, *, system: bool = False, ttl_seconds: int = 3600) -> str:
    """A signed token for a CCO ID (claims from the records) or, with ``system``, a named client.

    Offered as ``SERVICE.extras["mint_token"]`` for the CLI (``partnerhub token SUB --from-identity``)."""
    settings = runtime.settings
    if settings.environment == "production":
        raise Forbidden("Tokens are not minted in production; ask the identity provider.", slug="dev-tokens-off")
    if system:
        return mint_token(settings, subject, ["system"], ttl_seconds=ttl_seconds)
    claims = await claims_for(runtime.db, subject)
    return mint_token(
        settings, claims.sub, claims.roles, admin_of=claims.admin_of, pam_of=claims.pam_of, ttl_seconds=ttl_seconds
    )
