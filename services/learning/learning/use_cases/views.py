"""Read side: the CL View (CL-9, CL-10, SP-13) and the point ledgers of partners and people."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select

from learning.domain.periods import Period, cycle_of, elapsed_fraction, mandatory_in, status_icon
from learning.tables import (
    activities,
    aliases,
    clview_points,
    credits,
    entries,
    memberships,
    people,
    periods,
)
from partnerhub.db import lookups
from partnerhub.db.uow import Database
from partnerhub.errors import NotFound

PREVIOUS_EMPLOYEE = "Previous Employee"


def _current_members(be_geo_id: str, today: date):  # type: ignore[no-untyped-def]
    return (
        select(memberships.c.cco_id)
        .where(
            memberships.c.be_geo_id == be_geo_id,
            memberships.c.started_on <= today,
            or_(memberships.c.ended_on.is_(None), memberships.c.ended_on > today),
        )
        .group_by(memberships.c.cco_id)
        .subquery("current_members")
    )


async def cl_view(
    db: Database, be_geo_id: str, *, today: date, people_limit: int | None, specialization: str | None = None
) -> dict[str, Any]:
    async with db.engine.connect() as conn:
        query = select(periods).where(periods.c.be_geo_id == be_geo_id, periods.c.status.is_not(None))
        if specialization:
            query = query.where(periods.c.specialization == specialization)
        rows = (await conn.execute(query.order_by(periods.c.specialization))).all()
        mandatory_rows = [
            r
            for r in await conn.execute(
                select(activities.c.activity_id, activities.c.title, activities.c.points, activities.c.mandatory_for).where(
                    activities.c.published.is_(True)
                )
            )
            if r.mandatory_for
        ]
        current = _current_members(be_geo_id, today)
        members_total = await conn.scalar(select(func.count()).select_from(current))
        views = []
        for row in rows:
            views.append(await _one(conn, be_geo_id, row, today, current, mandatory_rows, people_limit))
    return {"be_geo_id": be_geo_id, "as_of": today, "members": members_total, "specializations": views}


async def _one(conn, be_geo_id, row, today, current, mandatory_rows, people_limit) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    spec = row.specialization
    period = Period(row.period_start, row.period_end) if row.period_start and row.period_end else None
    cv = clview_points
    mine = and_(cv.c.be_geo_id == be_geo_id, cv.c.specialization == spec)
    earned = int(await conn.scalar(select(func.coalesce(func.sum(cv.c.points), 0)).where(mine)) or 0) if period else 0
    outstanding: list[dict[str, Any]] = []
    if period is not None:
        due = [m for m in mandatory_rows if mandatory_in(m.mandatory_for, spec, period)]
        done: set[str] = set()
        if due:
            done = set(
                (
                    await conn.execute(
                        select(credits.c.activity_id)
                        .where(
                            credits.c.be_geo_id == be_geo_id,
                            credits.c.active.is_(True),
                            credits.c.activity_id.in_([m.activity_id for m in due]),
                            credits.c.earned_on >= period.start,
                            credits.c.earned_on <= period.end,
                        )
                        .distinct()
                    )
                ).scalars()
            )
        outstanding = [
            {"activity_id": m.activity_id, "title": m.title, "points": m.points} for m in due if m.activity_id not in done
        ]
    # people, best first, read down the (partner, specialization, points, person) index: the work
    # grows with the page asked for, not with the number of members
    is_member = (
        select(memberships.c.cco_id)
        .where(
            memberships.c.cco_id == cv.c.cco_id,
            memberships.c.be_geo_id == be_geo_id,
            memberships.c.started_on <= today,
            or_(memberships.c.ended_on.is_(None), memberships.c.ended_on > today),
        )
        .exists()
    )
    ranked = (
        select(cv.c.cco_id, people.c.name, cv.c.points)
        .select_from(cv.outerjoin(people, people.c.cco_id == cv.c.cco_id))
        .order_by(cv.c.points.desc(), cv.c.cco_id.desc())
    )
    current_q = ranked.where(mine, cv.c.points != 0, is_member)
    previous_filter = and_(mine, cv.c.points != 0, ~is_member)
    previous_q = ranked.where(previous_filter)
    if people_limit is not None:
        current_q = current_q.limit(people_limit)
        previous_q = previous_q.limit(people_limit)
    current_people = [dict(r._mapping) for r in await conn.execute(current_q)] if period else []
    previous_people = [dict(r._mapping) for r in await conn.execute(previous_q)] if period else []
    room = None if people_limit is None else people_limit - len(current_people)
    if period and (room is None or room > 0):
        with_points = select(cv.c.cco_id).where(mine, cv.c.points != 0, cv.c.cco_id == current.c.cco_id).exists()
        idle = (
            select(current.c.cco_id, people.c.name)
            .select_from(current.outerjoin(people, people.c.cco_id == current.c.cco_id))
            .where(~with_points)
            .order_by(current.c.cco_id)
        )
        if room is not None:
            idle = idle.limit(room)
        current_people += [{"cco_id": r.cco_id, "name": r.name, "points": 0} for r in await conn.execute(idle)]
    previous_total = (
        int(await conn.scalar(select(func.count()).select_from(cv).where(previous_filter)) or 0) if period else 0
    )
    required = row.points_required
    return {
        "specialization": spec,
        "level": row.level,
        "status": row.status,
        "anniversary": row.anniversary,
        "period": {"start": period.start, "end": period.end, "cycle": cycle_of(period)} if period else None,
        "points_required": required,
        "points_earned": earned,
        "points_outstanding": max(0, required - earned),
        "elapsed_fraction": round(elapsed_fraction(period, today), 4) if period else None,
        "icon": status_icon(period, today, earned, required),
        "mandatory_outstanding": outstanding,
        "people": current_people,
        "previous_employees": {"title": PREVIOUS_EMPLOYEE, "total": previous_total, "people": previous_people},
    }


def cl_view_rows(view: dict[str, Any]) -> list[list[Any]]:
    """The CSV export: one line per person per specialization."""
    out: list[list[Any]] = [
        ["be_geo_id", "specialization", "status", "period_start", "period_end", "points_required", "points_earned",
         "icon", "mandatory_outstanding", "group", "cco_id", "name", "points"]
    ]
    for s in view["specializations"]:
        period = s["period"] or {}
        head = [
            view["be_geo_id"], s["specialization"], s["status"], period.get("start", ""), period.get("end", ""),
            s["points_required"], s["points_earned"], s["icon"],
            " ".join(m["activity_id"] for m in s["mandatory_outstanding"]),
        ]
        if not s["people"] and not s["previous_employees"]["people"]:
            out.append([*head, "", "", "", ""])
        for p in s["people"]:
            out.append([*head, "current", p["cco_id"], p["name"] or "", p["points"]])
        for p in s["previous_employees"]["people"]:
            out.append([*head, PREVIOUS_EMPLOYEE, p["cco_id"], p["name"] or "", p["points"]])
    return out


async def partner_points(
    db: Database, be_geo_id: str, *, today: date, since: date | None, until: date | None, limit: int, offset: int
) -> dict[str, Any]:
    current = _current_members(be_geo_id, today)
    filters = [credits.c.be_geo_id == be_geo_id, credits.c.active.is_(True)]
    if since:
        filters.append(credits.c.earned_on >= since)
    if until:
        filters.append(credits.c.earned_on <= until)
    async with db.engine.connect() as conn:
        total = int(await conn.scalar(select(func.coalesce(func.sum(credits.c.points), 0)).where(*filters)) or 0)
        count = int(await conn.scalar(select(func.count()).select_from(credits).where(*filters)) or 0)
        members = set((await conn.execute(select(current.c.cco_id))).scalars())
        rows = (
            await conn.execute(
                select(credits, entries.c.specializations, entries.c.source, people.c.name)
                .select_from(
                    credits.join(entries, entries.c.entry_id == credits.c.entry_id).outerjoin(
                        people, people.c.cco_id == credits.c.cco_id
                    )
                )
                .where(*filters)
                .order_by(credits.c.earned_on.desc(), credits.c.entry_id)
                .limit(limit)
                .offset(offset)
            )
        ).all()
    items = [
        {
            "entry_id": r.entry_id,
            "cco_id": r.cco_id,
            "name": r.name,
            "group": "current" if r.cco_id in members else PREVIOUS_EMPLOYEE,
            "activity_id": r.activity_id,
            "source": r.source,
            "points": r.points,
            "earned_on": r.earned_on,
            "specializations": r.specializations,
        }
        for r in rows
    ]
    return {"be_geo_id": be_geo_id, "total_points": total, "count": count, "items": items}


async def survivor_of(db: Database, cco_id: str) -> str:
    async with db.engine.connect() as conn:
        return await lookups.survivor_of(conn, cco_id, aliases=aliases)


async def partners_of(db: Database, cco_id: str) -> set[str]:
    """Every partner the person was ever a member of."""
    async with db.engine.connect() as conn:
        return set((await conn.execute(select(memberships.c.be_geo_id).where(memberships.c.cco_id == cco_id))).scalars())


async def individual_points(db: Database, cco_id: str) -> dict[str, Any]:
    async with db.engine.connect() as conn:
        rows = (
            await conn.execute(
                select(entries)
                .where(entries.c.cco_id == cco_id, entries.c.voided.is_(False))
                .order_by(entries.c.earned_on.desc(), entries.c.entry_id)
            )
        ).all()
        credited: dict[str, list[str]] = {}
        ids = [r.entry_id for r in rows]
        for i in range(0, len(ids), 500):
            for c in await conn.execute(
                select(credits.c.entry_id, credits.c.be_geo_id).where(
                    credits.c.entry_id.in_(ids[i : i + 500]), credits.c.active.is_(True)
                )
            ):
                credited.setdefault(c.entry_id, []).append(c.be_geo_id)
        known = await conn.scalar(select(people.c.cco_id).where(people.c.cco_id == cco_id))
    if not rows and not known:
        raise NotFound(f"No points recorded for {cco_id}.", cco_id=cco_id)
    items = [
        {
            "entry_id": r.entry_id,
            "activity_id": r.activity_id,
            "source": r.source,
            "points": r.points,
            "earned_on": r.earned_on,
            "earned_by": r.earned_by,
            "specializations": r.specializations,
            "credited_partners": sorted(credited.get(r.entry_id, [])),
        }
        for r in rows
    ]
    return {"cco_id": cco_id, "total_points": sum(r.points for r in rows), "items": items}
