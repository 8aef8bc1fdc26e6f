"""Identity commands and queries; each command is one unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from partnerhub.bus.contracts import IndividualRegistered
from partnerhub.db.uow import Database
from partnerhub.errors import Conflict, NotFound

from identity.domain import normalise_email
from identity.tables import individuals


@dataclass(frozen=True)
class Individual:
    cco_id: str
    name: str
    email: str
    program_staff: bool
    registered_at: datetime


async def register_individual(db: Database, *, cco_id: str, name: str, email: str, program_staff: bool = False) -> Individual:
    async with db.uow() as uow:
        taken = await uow.conn.scalar(select(individuals.c.cco_id).where(individuals.c.cco_id == cco_id))
        if taken:
            raise Conflict(f"CCO ID {cco_id} is already registered.", slug="cco-id-taken", cco_id=cco_id)
        individual = Individual(cco_id, name, email, program_staff, datetime.now(UTC))
        await uow.conn.execute(
            individuals.insert().values(
                cco_id=cco_id,
                name=name,
                email=email,
                email_normalized=normalise_email(email),
                program_staff=program_staff,
                registered_at=individual.registered_at,
            )
        )
        uow.emit(IndividualRegistered(cco_id=cco_id, name=name, email=email, program_staff=program_staff))
        await uow.commit()
    return individual


async def get_individual(db: Database, cco_id: str) -> Individual:
    async with db.engine.connect() as conn:
        row = (await conn.execute(select(individuals).where(individuals.c.cco_id == cco_id))).first()
    if row is None:
        raise NotFound(f"No individual with CCO ID {cco_id}.", cco_id=cco_id)
    return Individual(row.cco_id, row.name, row.email, row.program_staff, row.registered_at)
