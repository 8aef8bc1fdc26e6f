"""Catalog maintenance by program staff: levels (SP-1, SP-8), specializations and role requirements (SP-3).

Exam replacements (CE-1) are not ours: certification announces them (`certification.exam.replaced`, projections.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select

from partnerhub.db.uow import Database
from specialization import facts
from specialization.domain.catalog import Specialization
from specialization.tables import levels, specializations
from specialization.tables import partner_specializations as ps
from specialization.use_cases import compliance, cycle


async def put_level(db: Database, level: str, points_required: int | None) -> None:
    """SP-8: the level's yearly points. Every status carries the points required and the icon they move (SP-13):
    when the points change, each partner specialization of the level announces its status again."""
    async with db.uow() as uow:
        before = (await facts.level_points(uow.conn)).get(level)
        await uow.conn.execute(delete(levels).where(levels.c.level == level))
        await uow.conn.execute(levels.insert().values(level=level, points_required=points_required, updated_at=datetime.now(UTC)))
        if (await facts.level_points(uow.conn)).get(level) != before:
            codes = select(specializations.c.code).where(specializations.c.level == level)
            keys = (await uow.conn.execute(select(ps.c.be_geo_id, ps.c.specialization).where(ps.c.specialization.in_(codes)))).all()
            await cycle.reassess(uow, [tuple(k) for k in keys], await uow.today(), announce=True)
        await uow.commit()


async def put_specialization(db: Database, spec: Specialization) -> bool:
    """Create or replace; holders are re-judged against the new requirements (SP-14). True when created."""
    async with db.uow() as uow:
        existed = await facts.specialization(uow.conn, spec.code) is not None
        await uow.conn.execute(delete(specializations).where(specializations.c.code == spec.code))
        await uow.conn.execute(
            specializations.insert().values(
                code=spec.code, name=spec.name, level=spec.level, roles=facts.dump_roles(spec.roles), updated_at=datetime.now(UTC)
            )
        )
        if existed:
            await compliance.refresh_specialization(uow, spec.code, await uow.today())
        await uow.commit()
    return not existed
