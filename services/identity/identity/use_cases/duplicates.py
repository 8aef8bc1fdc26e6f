"""Duplicate candidates (ID-5) over every active CCO ID, with its current partner."""

from __future__ import annotations

import asyncio

from sqlalchemy import and_, select

from identity.domain.duplicates import DEFAULT_THRESHOLD, CandidateGroup, Person, find_duplicates
from identity.tables import individuals, memberships
from partnerhub.db.uow import Database


async def duplicate_candidates(db: Database, *, threshold: float = DEFAULT_THRESHOLD) -> list[CandidateGroup]:
    query = (
        select(individuals.c.cco_id, individuals.c.name, individuals.c.email, memberships.c.be_geo_id)
        .select_from(
            individuals.outerjoin(
                memberships,
                and_(memberships.c.cco_id == individuals.c.cco_id, memberships.c.ended_on.is_(None)),
            )
        )
        .where(individuals.c.survivor_id.is_(None))
    )
    async with db.engine.connect() as conn:
        people = [Person(r.cco_id, r.name, r.email, r.be_geo_id) for r in await conn.execute(query)]
    # pure CPU work: off the event loop
    return await asyncio.to_thread(find_duplicates, people, threshold=threshold)
