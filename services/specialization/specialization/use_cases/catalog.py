"""Catalog maintenance by program staff: levels (SP-1, SP-8), specializations and their role requirements in
versions by effective date (SP-3).

Exam replacements (CE-1) are not ours: certification announces them (`certification.exam.replaced`, projections.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import delete, select, update

from partnerhub.db.uow import Database
from partnerhub.errors import Problem
from specialization import repository
from specialization.domain.catalog import Alternative, VersionRefused, next_version
from specialization.settings import SpecializationSettings
from specialization.tables import levels, requirement_versions, specializations
from specialization.tables import partner_specializations as ps
from specialization.use_cases import cycle


async def put_level(db: Database, settings: SpecializationSettings, today: date, level: str, points_required: int | None) -> None:
    """SP-8: the level's yearly points. Every status carries the points required and the icon they move (SP-13):
    when the points change, each partner specialization of the level announces its status again."""
    async with db.uow(today=today, settings=settings) as uow:
        before = (await repository.level_points(uow.conn)).get(level)
        await uow.conn.execute(delete(levels).where(levels.c.level == level))
        await uow.conn.execute(levels.insert().values(level=level, points_required=points_required, updated_at=datetime.now(UTC)))
        if (await repository.level_points(uow.conn)).get(level) != before:
            codes = select(specializations.c.code).where(specializations.c.level == level)
            keys = (await uow.conn.execute(select(ps.c.be_geo_id, ps.c.specialization).where(ps.c.specialization.in_(codes)))).all()
            await cycle.reassess(uow, [tuple(k) for k in keys], today, announce=True)
        await uow.commit()


@dataclass(frozen=True)
class Written:
    created: bool
    version: int | None  # the version this write created; None: the requirements were unchanged


async def put_specialization(
    db: Database, today: date, code: str, name: str, level: str, roles: dict[str, tuple[Alternative, ...]], effective_on: date | None
) -> Written:
    """Create a specialization, or give its role requirements a new version from ``effective_on`` (default today).

    Versions are never rewritten: holders are judged by the version their partner's last application or renewal was
    judged by, and a new version applies from the partner's next renewal or application (SP-3); so writing a
    version re-judges nobody. Name and level are not versioned. 422 for a date before today or before the latest
    version's; an identical write makes no new version."""
    async with db.uow(today=today) as uow:
        history = await repository.versions(uow.conn, code)
        try:
            made = next_version(history, roles, effective_on, today)
        except VersionRefused as why:
            raise Problem(str(why), status=422, slug="effective-on-refused", code=code) from None
        values = {"name": name, "level": level, "updated_at": datetime.now(UTC)}
        if history is None:
            await uow.conn.execute(specializations.insert().values(code=code, **values))
        else:
            await uow.conn.execute(update(specializations).where(specializations.c.code == code).values(**values))
        if made is not None:
            number, effective = made
            await uow.conn.execute(
                requirement_versions.insert().values(
                    specialization=code, version=number, effective_on=effective, roles=repository.dump_roles(roles), created_at=datetime.now(UTC)
                )
            )
        await uow.commit()
    return Written(history is None, made[0] if made else None)
