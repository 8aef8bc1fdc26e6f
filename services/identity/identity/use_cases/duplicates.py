"""Duplicate candidates (ID-5) over every active CCO ID, with its current partner; and one person's."""

from __future__ import annotations

import asyncio

from sqlalchemy import and_, or_, select

from identity.domain.duplicates import (
    DEFAULT_THRESHOLD,
    CandidateGroup,
    Duplicate,
    Person,
    duplicates_of,
    find_duplicates,
)
from identity.domain.ids import normalise_email
from identity.tables import individuals, memberships
from identity.use_cases.records import require_cco_id
from partnerhub.db.uow import Database

_PEOPLE = (
    select(individuals.c.cco_id, individuals.c.name, individuals.c.email, memberships.c.be_geo_id)
    .select_from(
        individuals.outerjoin(
            memberships,
            and_(memberships.c.cco_id == individuals.c.cco_id, memberships.c.ended_on.is_(None)),
        )
    )
    .where(individuals.c.survivor_id.is_(None))
)


async def duplicate_candidates(db: Database, *, threshold: float = DEFAULT_THRESHOLD) -> list[CandidateGroup]:
    async with db.engine.connect() as conn:
        people = [Person(r.cco_id, r.name, r.email, r.be_geo_id) for r in await conn.execute(_PEOPLE)]
    # pure CPU work: off the event loop
    return await asyncio.to_thread(find_duplicates, people, threshold=threshold)


async def duplicates_for(db: Database, cco_id: str, *, threshold: float = DEFAULT_THRESHOLD) -> tuple[str, list[Duplicate]]:
    """(the active CCO ID, the other IDs the ID-5 rule links to it). Reads only who the rule could link: the
    people with the same normalised e-mail and the active members of the person's partner."""
    async with db.engine.connect() as conn:
        me = await require_cco_id(conn, cco_id)
        row = (await conn.execute(_PEOPLE.where(individuals.c.cco_id == me))).one()
        same_email = individuals.c.email_normalized == normalise_email(row.email)
        near = or_(same_email, memberships.c.be_geo_id == row.be_geo_id) if row.be_geo_id else same_email
        people = [Person(r.cco_id, r.name, r.email, r.be_geo_id) for r in await conn.execute(_PEOPLE.where(near))]
    if len(people) > 2000:  # a large partner: the rule's own blocking keeps it fast, off the event loop
        return me, await asyncio.to_thread(duplicates_of, me, people, threshold=threshold)
    return me, duplicates_of(me, people, threshold=threshold)
