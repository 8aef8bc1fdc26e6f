"""Reading the projections and the catalog into domain objects (no commits here)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Row, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from partnerhub.db.lookups import chunks
from specialization.domain.catalog import Alternative, Specialization, Versions, required_points
from specialization.domain.lifecycle import SpecState
from specialization.domain.qualification import (
    Badge,
    CertificationRequirements,
    CertificationVersion,
    Membership,
    PersonFacts,
    Replacement,
)
from specialization.tables import (
    IDENTITY,
    badges,
    certification_requirements,
    exam_passes,
    exam_replacements,
    levels,
    memberships,
    partner_specializations,
    planned_leaves,
    requirement_versions,
    specializations,
)


async def resolve(conn: AsyncConnection, cco_id: str) -> str:
    """A retired CCO ID resolves to its survivor (ID-2)."""
    return await IDENTITY.resolve(conn, cco_id)


def parse_roles(raw: dict) -> dict[str, tuple[Alternative, ...]]:
    return {
        role: tuple(Alternative(a.get("certification"), tuple(a.get("exams") or ())) for a in alternatives)
        for role, alternatives in raw.items()
    }


def dump_roles(roles: dict[str, tuple[Alternative, ...]]) -> dict:
    return {
        role: [{"certification": a.certification, "exams": list(a.exams)} for a in alternatives]
        for role, alternatives in roles.items()
    }


async def all_versions(conn: AsyncConnection, code: str | None = None) -> dict[str, Versions]:
    """Every specialization (or one) with every version of its role requirements (SP-3)."""
    stmt = select(specializations).order_by(specializations.c.code)
    vstmt = select(requirement_versions).order_by(requirement_versions.c.specialization, requirement_versions.c.version)
    if code is not None:
        stmt = stmt.where(specializations.c.code == code)
        vstmt = vstmt.where(requirement_versions.c.specialization == code)
    heads = {r.code: r for r in (await conn.execute(stmt)).all()}
    found: dict[str, list[Specialization]] = defaultdict(list)
    for v in (await conn.execute(vstmt)).all():
        head = heads.get(v.specialization)
        if head is not None:
            found[v.specialization].append(
                Specialization(head.code, head.name, head.level, parse_roles(v.roles), v.version, v.effective_on)
            )
    return {c: Versions(tuple(found[c])) for c in heads if found.get(c)}


async def versions(conn: AsyncConnection, code: str) -> Versions | None:
    return (await all_versions(conn, code)).get(code)


async def judged_by(conn: AsyncConnection, be_geo_ids: Iterable[str]) -> dict[tuple[str, str], int]:
    """(be_geo_id, specialization) -> the requirements version the partner's holders are judged by (SP-3)."""
    ps = partner_specializations
    found: dict[tuple[str, str], int] = {}
    for chunk in chunks(sorted(set(be_geo_ids))):
        stmt = select(ps.c.be_geo_id, ps.c.specialization, ps.c.requirements_version).where(ps.c.be_geo_id.in_(chunk))
        found.update({(r.be_geo_id, r.specialization): r.requirements_version for r in (await conn.execute(stmt)).all()})
    return found


async def certifications(conn: AsyncConnection) -> dict[str, CertificationRequirements]:
    """Certification's requirements, every version, as projected (CE-10): the kind is the latest version's."""
    rows = (await conn.execute(select(certification_requirements).order_by(certification_requirements.c.code, certification_requirements.c.version))).all()
    found: dict[str, list] = defaultdict(list)
    for r in rows:
        found[r.code].append(r)
    return {
        code: CertificationRequirements(
            code,
            rs[-1].kind,
            tuple(CertificationVersion(r.version, r.effective_on, tuple(tuple(alt) for alt in r.required_exams)) for r in rs),
        )
        for code, rs in found.items()
    }


async def level_points(conn: AsyncConnection) -> dict[str, int]:
    from specialization.domain.catalog import DEFAULT_LEVEL_POINTS

    points = {level: required_points(p) for level, p in DEFAULT_LEVEL_POINTS.items()}
    for row in (await conn.execute(select(levels))).all():
        points[row.level] = required_points(row.points_required)
    return points


async def replacements(conn: AsyncConnection) -> dict[str, Replacement]:
    rows = (await conn.execute(select(exam_replacements))).all()
    return {r.old_number: Replacement(r.old_number, r.new_number, r.required, r.effective_on) for r in rows}


async def person_facts(conn: AsyncConnection, cco_ids: Iterable[str]) -> dict[str, PersonFacts]:
    ids = sorted(set(cco_ids))
    found_badges: dict[str, dict[str, Badge]] = defaultdict(dict)
    found_exams: dict[str, dict[str, date]] = defaultdict(dict)
    for chunk in chunks(ids):
        for r in (await conn.execute(select(badges).where(badges.c.cco_id.in_(chunk)))).all():
            found_badges[r.cco_id][r.certification] = Badge(r.certification, r.kind, r.achieved_on, r.expires_on, r.expired_on)
        for r in (await conn.execute(select(exam_passes).where(exam_passes.c.cco_id.in_(chunk)))).all():
            found_exams[r.cco_id][r.exam_number] = r.passed_on
    return {c: PersonFacts(found_badges.get(c, {}), found_exams.get(c, {})) for c in ids}


async def person_memberships(conn: AsyncConnection, cco_ids: Iterable[str]) -> dict[str, list[Membership]]:
    """Each person's memberships; one still active ends on its planned leave date, if one was announced."""
    found: dict[str, list[Membership]] = defaultdict(list)
    for chunk in chunks(sorted(set(cco_ids))):
        rows = (await conn.execute(select(memberships).where(memberships.c.cco_id.in_(chunk)))).all()
        plans = await planned_leaves_of(conn, chunk)
        for r in rows:
            ends = r.ended_on or plans.get((r.cco_id, r.be_geo_id, r.started_on))
            found[r.cco_id].append(Membership(r.be_geo_id, r.started_on, ends))
    return found


async def planned_leaves_of(conn: AsyncConnection, cco_ids: list[str]) -> dict[tuple[str, str, date], date]:
    """(cco_id, be_geo_id, started_on) -> the planned leave date, for plans not cancelled."""
    stmt = select(planned_leaves).where(planned_leaves.c.cco_id.in_(cco_ids), planned_leaves.c.leaves_on.is_not(None))
    return {(r.cco_id, r.be_geo_id, r.started_on): r.leaves_on for r in (await conn.execute(stmt)).all()}


async def current_members(conn: AsyncConnection, be_geo_id: str, day: date) -> list[str]:
    stmt = select(memberships.c.cco_id).where(
        memberships.c.be_geo_id == be_geo_id,
        memberships.c.started_on <= day,
        or_(memberships.c.ended_on.is_(None), memberships.c.ended_on > day),
    )
    return sorted({r.cco_id for r in (await conn.execute(stmt)).all()})


def state_of(row: Row[Any]) -> SpecState:
    return SpecState(
        status=row.status,
        approved_on=row.approved_on,
        anniversary=row.anniversary,
        period_start=row.period_start,
        grace_ends_on=row.grace_ends_on,
        lost_on=row.lost_on,
        blocked_until=row.blocked_until,
        submitted=row.submitted,
        reactivated_on=row.reactivated_on,
        be_geo_id=row.be_geo_id,
        specialization=row.specialization,
    )


def state_values(state: SpecState) -> dict[str, Any]:
    return {
        "status": state.status,
        "approved_on": state.approved_on,
        "anniversary": state.anniversary,
        "period_start": state.period_start,
        "grace_ends_on": state.grace_ends_on,
        "lost_on": state.lost_on,
        "blocked_until": state.blocked_until,
        "submitted": state.submitted,
        "reactivated_on": state.reactivated_on,
    }


async def partner_specialization(conn: AsyncConnection, be_geo_id: str, code: str) -> Row[Any] | None:
    stmt = select(partner_specializations).where(
        and_(partner_specializations.c.be_geo_id == be_geo_id, partner_specializations.c.specialization == code)
    )
    return (await conn.execute(stmt)).first()
