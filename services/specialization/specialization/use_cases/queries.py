"""Read models: partner status (SP-13), candidates (SP-6), program requirements (CE-12), exam replacements (CE-1)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from partnerhub.db.uow import Database
from partnerhub.errors import NotFound
from specialization import repository
from specialization.domain import lifecycle as lc
from specialization.domain.allocation import Seat, limit_violation
from specialization.domain.calendar import ONE_DAY
from specialization.domain.catalog import Specialization, has_continuous_learning
from specialization.domain.program import count_people
from specialization.domain.qualification import Qualification, qualify
from specialization.settings import SpecializationSettings
from specialization.tables import allocations, badges, exam_replacements
from specialization.tables import partner_specializations as ps
from specialization.use_cases import assessments


async def statuses(
    db: Database, pol: SpecializationSettings, today: date, be_geo_id: str, code: str | None = None
) -> list[dict[str, Any]]:
    rules = pol.rules()
    async with db.engine.connect() as conn:
        where = ps.c.be_geo_id == be_geo_id if code is None else assessments.one(be_geo_id, code)
        rows = (await conn.execute(select(ps).where(where).order_by(ps.c.specialization))).all()
        if code is not None and not rows:
            raise NotFound(f"{be_geo_id} has never held {code}.", code=code)
        if not rows:
            return []
        gathered = await assessments.gather(conn, where, today)
        specs = await repository.all_versions(conn)
        points = await repository.level_points(conn)
        holders = (
            await conn.execute(
                select(allocations)
                .where(allocations.c.be_geo_id == be_geo_id)
                .where(allocations.c.specialization.in_([r.specialization for r in rows]))
                .order_by(allocations.c.id)
            )
        ).all()
    out = []
    for row in rows:
        state = repository.state_of(row)
        history = specs.get(row.specialization)
        spec = history.numbered(row.requirements_version) if history else None  # the version its holders are judged by
        level = spec.level if spec else "unknown"
        required = points.get(level, 0)
        key = (be_geo_id, row.specialization)
        a = assessments.assessment_for(gathered, key, spec, required, lc.points_window(state, today)[1], state.submitted)
        mine = [h for h in holders if h.specialization == row.specialization]
        out.append(_view(row, state, spec, level, a, mine, today, rules))
    return out


def _view(
    row: Row[Any],
    state: lc.SpecState,
    spec: Specialization | None,
    level: str,
    a: lc.Assessment,
    holders: Sequence[Row[Any]],
    today: date,
    rules: lc.Rules,
) -> dict[str, Any]:
    roles = [_role_view(spec, role, holders) for role in spec.roles] if spec else []
    opens = lc.window_opens_on(state, rules)
    return {
        "be_geo_id": row.be_geo_id,
        "specialization": row.specialization,
        "name": spec.name if spec else row.specialization,
        "level": level,
        "requirements_version": row.requirements_version,  # SP-3: the version its last application or renewal was judged by
        "status": state.status,
        "compliant": row.compliant,
        "approved_on": state.approved_on,
        "anniversary": state.anniversary if state.held else None,
        "period_start": state.period_start,
        "period_end": state.period_end,
        "points_required": a.points_required if has_continuous_learning(level) else None,  # SP-1: ATP none
        "points_earned": a.points_earned,
        "mandatory_outstanding": list(a.mandatory_outstanding),
        "icon": lc.icon(state, a.points_earned, a.points_required, today, rules),
        "roles": roles,
        "vacancies": [r["role"] for r in roles if r["vacant"]],
        "renewal_window": {
            "opens_on": opens,
            "closes_on": state.anniversary,
            "open": state.held and lc.can_submit_renewal(state, today, rules),
            "submitted": state.submitted,
        },
        "grace_ends_on": state.grace_ends_on,
        "lost_on": state.lost_on,
        "blocked_until": state.blocked_until,
        "new_application_from": (state.blocked_until + ONE_DAY) if state.blocked_until else None,
        "reactivated_on": state.reactivated_on,
        "unmet_for_renewal": a.unmet(rules),
    }


def _role_view(spec: Specialization, role: str, holders: Sequence[Row[Any]]) -> dict[str, Any]:
    """A job role: its requirement, its holder (or since when it is vacant) and the one before (SP-14)."""
    active = next((h for h in holders if h.role == role and h.ended_on is None), None)
    last = next((h for h in reversed(holders) if h.role == role and h.ended_on is not None), None)
    return {
        "role": role,
        "requirement": spec.describe_role(role),
        "holder": active.cco_id if active else None,
        "since": active.started_on if active else None,
        "vacant": active is None,
        "vacant_since": last.ended_on if active is None and last else None,
        "vacates_on": active.vacates_on if active else None,
        "previous_holder": last.cco_id if last else None,
    }


async def candidates(
    db: Database, pol: SpecializationSettings, today: date, be_geo_id: str, code: str, role: str, *, with_missing: bool = False
) -> dict[str, Any]:
    """SP-6: the partner's current members who qualify for the role; the previous holder is pre-selected.

    Judged by the version a refill would be (the partner's recorded one, SP-3), or by the version in force today
    when the partner does not hold the specialization (a new application). ``with_missing`` (the pages): also
    ``not_qualifying``, each member who does not qualify with what is missing (SP-3/SP-4), judged the same way."""
    async with db.engine.connect() as conn:
        history = await repository.versions(conn, code)
        if history is None:
            raise NotFound(f"No specialization {code} in the catalog.", code=code)
        row = await repository.partner_specialization(conn, be_geo_id, code)
        spec = history.numbered(row.requirements_version) if row is not None and row.status != "lost" else history.in_force(today)
        if role not in spec.roles:
            raise NotFound(f"{code} has no job role {role}.", code=code, role=role)
        members = await repository.current_members(conn, be_geo_id, today)
        person = await repository.person_facts(conn, members)
        replacements = await repository.replacements(conn)
        certifications = await repository.certifications(conn)
        previous, held = await _role_holders(conn, be_geo_id, code, role, members)
    qualifications = [
        (cco_id, qualify(spec.roles[role], person[cco_id], replacements, today, certifications)) for cco_id in members
    ]
    out, missing = _judge_members(qualifications, held, previous, Seat(be_geo_id, code, role), pol)
    found = {
        "specialization": code, "role": role, "requirements_version": spec.version, "requirement": spec.describe_role(role),
        "previous_holder": previous, "candidates": out,
    }
    if with_missing:
        found["not_qualifying"] = missing
    return found


async def _role_holders(
    conn: AsyncConnection, be_geo_id: str, code: str, role: str, members: list[str]
) -> tuple[str | None, Sequence[Row[Any]]]:
    """(the role's previous holder at the partner, the open allocations the members hold)."""
    previous_rows = (
        await conn.execute(
            select(allocations)
            .where(allocations.c.be_geo_id == be_geo_id, allocations.c.specialization == code, allocations.c.role == role)
            .order_by(allocations.c.id.desc())
        )
    ).all()
    held = (
        await conn.execute(select(allocations).where(allocations.c.cco_id.in_(members), allocations.c.ended_on.is_(None)))
    ).all() if members else []
    return (previous_rows[0].cco_id if previous_rows else None), held


def _judge_members(
    qualifications: Sequence[tuple[str, Qualification]], held: Sequence[Row[Any]], previous: str | None, wanted: Seat,
    pol: SpecializationSettings,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(the qualifying members, the previous holder first, each with the allocation limit's verdict; the others
    with what is missing)."""
    out = []
    missing = []
    for cco_id, q in qualifications:
        if not q.qualified:
            missing.append({"cco_id": cco_id, "missing": q.missing, "preselected": cco_id == previous})
            continue
        seats = [
            Seat(h.be_geo_id, h.specialization, h.role) for h in held
            if h.cco_id == cco_id and not (h.specialization == wanted.specialization and h.role == wanted.role)
        ]
        why = limit_violation(seats, [wanted], max_roles=pol.max_roles_per_person, max_specializations=pol.max_specializations_per_person)
        out.append(
            {
                "cco_id": cco_id,
                "qualified_via": q.via,
                "qualified_until": None if q.until == date.max else q.until,
                "preselected": cco_id == previous,
                "within_allocation_limit": why is None,
                "limit_reason": why,
            }
        )
    out.sort(key=lambda c: (not c["preselected"], c["cco_id"]))
    return out, missing


async def program_requirements(db: Database, today: date, be_geo_id: str) -> dict[str, Any]:
    """CE-12: certified individuals counted by the kind of their current certifications; CQS never counts."""
    async with db.engine.connect() as conn:
        members = await repository.current_members(conn, be_geo_id, today)
        rows = (
            await conn.execute(
                select(badges).where(
                    badges.c.cco_id.in_(members),
                    badges.c.achieved_on <= today,
                    or_(badges.c.expires_on.is_(None), badges.c.expires_on > today),
                    or_(badges.c.expired_on.is_(None), badges.c.expired_on > today),
                )
            )
        ).all() if members else []
    people = count_people((r.cco_id, r.kind) for r in rows)
    return {
        "be_geo_id": be_geo_id,
        "as_of": today,
        "counts": {category: len(ids) for category, ids in people.items()},
        "individuals": people,
    }


async def exam_replacements_known(db: Database, old_number: str | None = None) -> list[dict[str, Any]]:
    """CE-1: the replacements as projected from certification's announcements (``certification.exam.replaced``)."""
    stmt = select(exam_replacements).order_by(exam_replacements.c.old_number)
    if old_number is not None:
        stmt = stmt.where(exam_replacements.c.old_number == old_number)
    async with db.engine.connect() as conn:
        rows = (await conn.execute(stmt)).all()
    if old_number is not None and not rows:
        raise NotFound(f"No replacement of exam {old_number} was announced.", number=old_number)
    return [
        {
            "exam": r.old_number,
            "replaced_by": r.new_number,
            "required": r.required,
            "effective_on": r.effective_on,
            "announced_on": r.announced_on,
        }
        for r in rows
    ]
