"""Individuals: register, read (a retired ID resolves to its survivor), update the profile."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from identity.domain import normalise_email
from identity.tables import individuals
from identity.use_cases.records import Individual, load_individual, resolve_row
from partnerhub.bus.contracts import IndividualRegistered, IndividualUpdated
from partnerhub.db.uow import Database
from partnerhub.errors import Conflict


def _taken(cco_id: str) -> Conflict:
    return Conflict(f"CCO ID {cco_id} is already registered.", slug="cco-id-taken", cco_id=cco_id)


async def register_individual(
    db: Database, *, cco_id: str, name: str, email: str, program_staff: bool = False
) -> Individual:
    async with db.uow() as uow:
        # no look-up first: the primary key refuses a taken (or retired) ID in the same statement
        individual = Individual(cco_id, name, email, program_staff, datetime.now(UTC))
        try:
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
        except IntegrityError as exc:
            raise _taken(cco_id) from exc
        uow.emit(IndividualRegistered(cco_id=cco_id, name=name, email=email, program_staff=program_staff))
        await uow.commit()
    return individual


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
