"""Read side of the CL View pages: who can sign in (dev), partner names, specialization notes, role
alerts, the activities behind each person's points, and the partners overview sorted by risk.
The CL View figures themselves come from ``learning.reads.points`` (the API's queries)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select, union
from sqlalchemy.ext.asyncio import AsyncConnection

from learning.tables import (
    activities,
    admin_roles,
    aliases,
    clview_points,
    credits,
    memberships,
    partners,
    people,
    periods,
    proofs,
    role_alerts,
    specialization_names,
    specialization_notes,
)
from learning.use_cases import ledger
from partnerhub.db.lookups import chunks
from partnerhub.db.uow import Database
from partnerhub.ui import Claims, KnownPeople


# sign-in (dev and demo) ------------------------------------------------------------------------
async def known_people(db: Database, limit: int = 25) -> KnownPeople:
    """The people learning knows, by kind: program staff, partner admins, PAMs, plain individuals."""
    out = KnownPeople()
    retired = select(aliases.c.retired)
    async with db.engine.connect() as conn:
        for r in await conn.execute(
            select(people.c.cco_id, people.c.name)
            .where(people.c.program_staff.is_(True), people.c.cco_id.not_in(retired))
            .order_by(people.c.cco_id)
            .limit(limit)
        ):
            out.staff.append({"cco_id": r.cco_id, "name": r.name, "partners": []})
        grouped: dict[tuple[str, str], dict[str, Any]] = {}
        rows = await conn.execute(
            select(admin_roles.c.cco_id, admin_roles.c.role, admin_roles.c.be_geo_id, people.c.name)
            .select_from(admin_roles.outerjoin(people, people.c.cco_id == admin_roles.c.cco_id))
            .where(admin_roles.c.active.is_(True), admin_roles.c.cco_id.not_in(retired))
            .order_by(admin_roles.c.role, admin_roles.c.cco_id, admin_roles.c.be_geo_id)
            .limit(limit * 20)
        )
        for r in rows:
            person = grouped.setdefault((r.role, r.cco_id), {"cco_id": r.cco_id, "name": r.name, "partners": []})
            person["partners"].append(r.be_geo_id)
        for (role, _), person in grouped.items():
            target = out.admins if role == "partner_admin" else out.pams
            if len(target) < limit:
                target.append(person)
        with_roles = select(admin_roles.c.cco_id).where(admin_roles.c.active.is_(True))
        for r in await conn.execute(
            select(people.c.cco_id, people.c.name)
            .where(
                people.c.program_staff.is_(False),
                people.c.cco_id.not_in(retired),
                people.c.cco_id.not_in(with_roles),
            )
            .order_by(people.c.name.is_(None), people.c.cco_id)
            .limit(limit)
        ):
            out.individuals.append({"cco_id": r.cco_id, "name": r.name, "partners": []})
    return out


async def claims_for(db: Database, cco_id: str) -> Claims | None:
    """The token claims of a person as learning's projections know them; None if unknown.
    A retired CCO ID signs in as its survivor (ID-2); roles of IDs merged into it count."""
    async with db.engine.connect() as conn:
        survivor = await conn.scalar(select(aliases.c.survivor).where(aliases.c.retired == cco_id)) or cco_id
        person = (await conn.execute(select(people).where(people.c.cco_id == survivor))).first()
        if person is None:
            return None
        ids = [survivor, *(await conn.execute(select(aliases.c.retired).where(aliases.c.survivor == survivor))).scalars()]
        rows = (
            await conn.execute(
                select(admin_roles.c.role, admin_roles.c.be_geo_id).where(
                    admin_roles.c.cco_id.in_(ids), admin_roles.c.active.is_(True)
                )
            )
        ).all()
    roles = {"individual", *(r.role for r in rows)}
    if person.program_staff:
        roles.add("program_staff")
    admin_of = tuple(sorted({r.be_geo_id for r in rows if r.role == "partner_admin"}))
    pam_of = tuple(sorted({r.be_geo_id for r in rows if r.role == "pam"}))
    return Claims(survivor, person.name, tuple(sorted(roles)), admin_of, pam_of)


# partners ----------------------------------------------------------------------------------------
async def partner_names(db: Database, ids: list[str]) -> dict[str, str | None]:
    names: dict[str, str | None] = {}
    async with db.engine.connect() as conn:
        for part in chunks(ids):
            for r in await conn.execute(select(partners).where(partners.c.be_geo_id.in_(part))):
                names[r.be_geo_id] = r.name
    return names


async def all_partners(db: Database, search: str | None, limit: int) -> list[dict[str, Any]]:
    """Partners known by name or by a specialization (program staff's picker)."""
    known = union(
        select(partners.c.be_geo_id), select(periods.c.be_geo_id).where(periods.c.status.is_not(None))
    ).subquery("known")
    query = select(known.c.be_geo_id, partners.c.name).select_from(
        known.outerjoin(partners, partners.c.be_geo_id == known.c.be_geo_id)
    )
    if search:
        like = f"%{search.lower()}%"
        query = query.where(or_(func.lower(known.c.be_geo_id).like(like), func.lower(partners.c.name).like(like)))
    async with db.engine.connect() as conn:
        rows = await conn.execute(query.order_by(partners.c.name.is_(None), partners.c.name, known.c.be_geo_id).limit(limit))
        return [{"be_geo_id": r.be_geo_id, "name": r.name} for r in rows]


async def specialization_names_of(db: Database, codes: list[str]) -> dict[str, str]:
    """The names specialization announced for ``codes`` (a code without one is absent: shown as the code)."""
    names: dict[str, str] = {}
    async with db.engine.connect() as conn:
        for part in chunks(sorted(set(codes))):
            for r in await conn.execute(select(specialization_names).where(specialization_names.c.specialization.in_(part))):
                names[r.specialization] = r.name
    return names


# the summary page's extras ------------------------------------------------------------------------
async def notes_and_alerts(db: Database, be_geo_id: str) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    async with db.engine.connect() as conn:
        notes = {
            r.specialization: dict(r._mapping)
            for r in await conn.execute(select(specialization_notes).where(specialization_notes.c.be_geo_id == be_geo_id))
        }
        alerts: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in await conn.execute(
            select(role_alerts, people.c.name)
            .select_from(role_alerts.outerjoin(people, people.c.cco_id == role_alerts.c.cco_id))
            .where(role_alerts.c.be_geo_id == be_geo_id)
            .order_by(role_alerts.c.specialization, role_alerts.c.role, role_alerts.c.on_date)
        ):
            alerts[r.specialization].append(dict(r._mapping))
    return notes, alerts


def grace_days_left(note: dict[str, Any] | None, today: date) -> int | None:
    """Days of grace left, today included (the grace period's last day is ``grace_ends_on``, SP-10)."""
    if not note or note.get("grace_ends_on") is None or note["grace_ends_on"] < today:
        return None
    return (note["grace_ends_on"] - today).days + 1


# the detail page: what earned the points -------------------------------------------------------
async def activities_of(
    db: Database, be_geo_id: str, specialization: str, period: dict[str, Any] | None, cco_ids: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """Per person, the credits behind their CL View points in the period (ledger.counted_credits, as the totals)."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if not period or not cco_ids:
        return found
    async with db.engine.connect() as conn:
        joined, counted = ledger.counted_credits(be_geo_id, specialization, period["start"], period["end"])
        for part in chunks(cco_ids):
            rows = await conn.execute(
                select(
                    credits.c.cco_id, credits.c.activity_id, credits.c.points, credits.c.earned_on, activities.c.title,
                    activities.c.kind,
                )
                .select_from(joined.outerjoin(activities, activities.c.activity_id == credits.c.activity_id))
                .where(*counted, credits.c.cco_id.in_(part))
                .order_by(credits.c.cco_id, credits.c.earned_on.desc(), credits.c.activity_id)
            )
            for r in rows:
                found[r.cco_id].append(dict(r._mapping))
    return found


# the partners overview (PAM page) ---------------------------------------------------------------
RISK_ORDER = {"grace": 0, "behind": 1, "roles": 2, "lost": 3, "ok": 4, "none": 5}
RISK_LABEL = {
    "grace": "In grace",
    "behind": "Behind on points",
    "roles": "Role vacant or at risk",
    "lost": "Lost",
    "ok": "No risk",
    "none": "No specializations",
}


async def overview(db: Database, ids: list[str] | None, today: date, limit: int) -> list[dict[str, Any]]:
    """Each partner's specializations at a glance and its worst risk: grace first, then behind."""
    async with db.engine.connect() as conn:
        if ids is None:
            ids = [p["be_geo_id"] for p in await all_partners(db, None, limit)]
        ids = sorted(set(ids))[:limit]
        specs: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for part in chunks(ids):
            for be_geo_id, rows in (await _specializations_at_a_glance(conn, part, today)).items():
                specs[be_geo_id] += rows
        names = await partner_names(db, ids)
    spec_names = await specialization_names_of(db, [s["specialization"] for rows in specs.values() for s in rows])
    for rows in specs.values():
        for s in rows:
            s["name"] = spec_names.get(s["specialization"])
    return [_partner_at_a_glance(be_geo_id, names.get(be_geo_id), specs.get(be_geo_id, [])) for be_geo_id in ids]


async def _specializations_at_a_glance(
    conn: AsyncConnection, part: list[str], today: date
) -> dict[str, list[dict[str, Any]]]:
    """The partners' specializations (of ``part``): status, icon, points, grace days left, role alerts, risk."""
    earned = {
        (r.be_geo_id, r.specialization): int(r.points or 0)
        for r in await conn.execute(
            select(clview_points.c.be_geo_id, clview_points.c.specialization, func.sum(clview_points.c.points).label("points"))
            .where(clview_points.c.be_geo_id.in_(part))
            .group_by(clview_points.c.be_geo_id, clview_points.c.specialization)
        )
    }
    notes = {
        (r.be_geo_id, r.specialization): dict(r._mapping)
        for r in await conn.execute(select(specialization_notes).where(specialization_notes.c.be_geo_id.in_(part)))
    }
    alerted: defaultdict[tuple[str, str], int] = defaultdict(int)
    for r in await conn.execute(select(role_alerts).where(role_alerts.c.be_geo_id.in_(part))):
        if r.kind == "vacated" or r.on_date > today:
            alerted[(r.be_geo_id, r.specialization)] += 1
    specs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in await conn.execute(
        select(periods).where(periods.c.be_geo_id.in_(part), periods.c.status.is_not(None)).order_by(periods.c.specialization)
    ):
        key = (r.be_geo_id, r.specialization)
        got = earned.get(key, 0) if r.period_start and r.period_end else 0
        icon = r.icon  # SP-13: as specialization announced it
        note = notes.get(key)
        specs[r.be_geo_id].append(
            {
                "specialization": r.specialization,
                "level": r.level,
                "status": r.status,
                "icon": icon,
                "points_earned": got,
                "points_required": r.points_required,
                "grace_days_left": grace_days_left(note, today) if r.status == "grace" else None,
                "role_alerts": alerted.get(key, 0),
                "risk": _risk(r.status, icon, alerted.get(key, 0)),
                "note": note or {},
                "anniversary": r.anniversary,
            }
        )
    return specs


def _risk(status: str, icon: str | None, role_alerts: int) -> str:
    """A specialization's risk, worst first: in grace, lost, behind on points, a role vacant or at risk."""
    if status == "grace":
        return "grace"
    if status == "lost":
        return "lost"
    if icon == "behind":
        return "behind"
    if role_alerts:
        return "roles"
    return "ok"


def _partner_at_a_glance(be_geo_id: str, name: str | None, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A partner's line: its worst risk, and the key that sorts partners by it (then grace left, then shortfall)."""
    worst = min((RISK_ORDER[s["risk"]] for s in rows), default=RISK_ORDER["none"])
    risk = next(k for k, v in RISK_ORDER.items() if v == worst)
    grace_left = min((s["grace_days_left"] for s in rows if s["grace_days_left"] is not None), default=None)
    shortfall = max(
        (1 - s["points_earned"] / s["points_required"] for s in rows if s["points_required"]), default=0.0
    )
    return {
        "be_geo_id": be_geo_id,
        "name": name,
        "specializations": rows,
        "risk": risk,
        "risk_label": RISK_LABEL[risk],
        "sort_key": (worst, grace_left if grace_left is not None else 10_000, -shortfall, be_geo_id),
    }


# proofs of attendance (CL-5) and the review page -------------------------------------------------
async def proof_choices(db: Database, cco_id: str, today: date) -> list[dict[str, Any]]:
    """The specializations a proof may name: those of the person's current partners, else every one known."""
    async with db.engine.connect() as conn:
        partners_now = [
            r.be_geo_id
            for r in await conn.execute(select(memberships).where(memberships.c.cco_id == cco_id))
            if r.started_on <= today and (r.ended_on is None or today < r.ended_on)
        ]
        stmt = select(periods.c.specialization).distinct()
        if partners_now:
            stmt = stmt.where(periods.c.be_geo_id.in_(partners_now))
        codes = sorted({r.specialization for r in await conn.execute(stmt)})
        if not codes:
            codes = sorted({r.specialization for r in await conn.execute(select(specialization_names.c.specialization))})
        names = {r.specialization: r.name for r in await conn.execute(select(specialization_names))}
    return [{"code": c, "name": names.get(c)} for c in codes]


async def proofs_of(db: Database, cco_id: str, limit: int = 100) -> list[dict[str, Any]]:
    """The proofs a person attended or submitted, newest first (the API's ``GET /v1/proofs/{id}`` shows each to them)."""
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            select(proofs)
            .where(or_(proofs.c.cco_id == cco_id, proofs.c.submitted_by == cco_id))
            .order_by(proofs.c.submitted_at.desc(), proofs.c.proof_id)
            .limit(limit)
        )
        return [dict(r._mapping) for r in rows]
