"""Catalog maintenance by program staff: levels (SP-1, SP-8), specializations and role requirements (SP-3).

Exam replacements (CE-1) are not ours: certification announces them (`certification.exam.replaced`, projections.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete

from partnerhub.db.uow import Database
from specialization import facts
from specialization.domain.catalog import Specialization
from specialization.tables import levels, specializations
from specialization.use_cases import compliance


async def put_level(db: Database, level: str, points_required: int | None) -> None:
    async with db.uow() as uow:
        await uow.conn.execute(delete(levels).where(levels.c.level == level))
        await uow.conn.execute(levels.insert().values(level=level, points_required=points_required, updated_at=datetime.now(UTC)))
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
