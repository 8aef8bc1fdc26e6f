"""Individuals: register, read (a retired ID resolves to its survivor), update the profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import update

from identity.domain import normalise_email
from identity.tables import individuals
from identity.use_cases.records import Individual, load_individual, resolve_row
from partnerhub.bus.contracts import IndividualRegistered, IndividualUpdated
from partnerhub.db.uow import Database
from partnerhub.errors import Conflict


def _taken(cco_id: str) -> Conflict:
    return Conflict(f"CCO ID {cco_id} is already registered.", slug="cco-id-taken", cco_id=cco_id)


@dataclass(frozen=True)
class NewIndividual:
    cco_id: str
    name: str
    email: str
    program_staff: bool = False


async def register_individual(
    db: Database, *, cco_id: str, name: str, email: str, program_staff: bool = False
) -> Individual:
    (outcome,) = await register_individuals(db, [NewIndividual(cco_id, name, email, program_staff)])
    if isinstance(outcome, Conflict):
        raise outcome
    return outcome


async def register_individuals(db: Database, people: list[NewIndividual]) -> list[Individual | Conflict]:
    """Register people in one transaction, in order; each outcome as alone: the individual, or the conflict of
    an ID already registered (or retired). No look-up first: the primary key refuses a taken ID in the same
    statement (ON CONFLICT DO NOTHING … RETURNING says which were new)."""
    now = datetime.now(UTC)
    made = [Individual(p.cco_id, p.name, p.email, p.program_staff, now) for p in people]
    async with db.uow() as uow:
        uow.attribute([i.cco_id for i in made])  # each registration's event carries its own request's correlation
        rows = [
            {"cco_id": i.cco_id, "name": i.name, "email": i.email, "email_normalized": normalise_email(i.email),
             "program_staff": i.program_staff, "registered_at": now}
            for i in made
        ]
        stmt = db.insert_ignoring_duplicates(individuals).returning(individuals.c.cco_id)
        new = set((await uow.conn.execute(stmt, rows)).scalars())  # executemany: one compiled form for any count
        outcomes: list[Individual | Conflict] = []
        for individual in made:
            if individual.cco_id in new:
                new.discard(individual.cco_id)  # the same ID twice: the second is taken
                uow.emit(IndividualRegistered(
                    cco_id=individual.cco_id, name=individual.name, email=individual.email, program_staff=individual.program_staff
                ))
                outcomes.append(individual)
            else:
                outcomes.append(_taken(individual.cco_id))
        await uow.commit()
    return outcomes


async def get_individual(db: Database, cco_id: str) -> Individual:
    async with db.engine.connect() as conn:
        return await load_individual(conn, cco_id)


async def update_individual(
    db: Database,
    cco_id: str,
    *,
    name: str | None = None,
    email: str | None = None,
    program_staff: bool | None = None,
) -> Individual:
    """Change the profile of ``cco_id`` (or of its survivor); an unchanged profile emits nothing."""
    async with db.uow() as uow:
        row = await resolve_row(uow.conn, cco_id)
        current = await load_individual(uow.conn, cco_id)  # 404 when unknown
        new = {
            "name": row.name if name is None else name,
            "email": row.email if email is None else email,
            "program_staff": row.program_staff if program_staff is None else program_staff,
        }
        if new == {"name": row.name, "email": row.email, "program_staff": row.program_staff}:
            return current
        await uow.conn.execute(
            update(individuals)
            .where(individuals.c.cco_id == row.cco_id)
            .values(**new, email_normalized=normalise_email(new["email"]))
        )
        uow.emit(IndividualUpdated(cco_id=row.cco_id, **new))
        individual = await load_individual(uow.conn, row.cco_id)
        await uow.commit()
    return individual
