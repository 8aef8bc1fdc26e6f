"""Read side: the CL View (CL-9, CL-10, SP-13) and the point ledgers of partners and people.

The status icon is shown as specialization announced it (the periods projection), never judged here."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypedDict

from sqlalchemy import Integer, Row, Select, and_, bindparam, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from learning.domain.alerts import roles_section
from learning.domain.periods import Period, cycle_of, elapsed_fraction, mandatory_in
from learning.tables import (
    activities,
    aliases,
    clview_points,
    credits,
    entries,
    memberships,
    people,
    periods,
    role_alerts,
)
from partnerhub.db import lookups
from partnerhub.db.uow import Database
from partnerhub.errors import NotFound

PREVIOUS_EMPLOYEE = "Previous Employee"


def _current_stint() -> list[Any]:
    """A membership of the partner ``:be_geo_id`` that has started and not ended by ``:today`` (it ends on
    ``ended_on``)."""
    return [
        memberships.c.be_geo_id == bindparam("be_geo_id"),
        memberships.c.started_on <= bindparam("today"),
        or_(memberships.c.ended_on.is_(None), memberships.c.ended_on > bindparam("today")),
    ]


# The view's statements are built once, here, and run with the partner, the date and the specialization as
# parameters: building them on every read (SQLAlchemy's expression objects, then their cache keys) took more of
# the service's CPU than running them (19 % of a busy CL View's samples, at 20,000 members).
_CURRENT = select(memberships.c.cco_id).where(*_current_stint()).group_by(memberships.c.cco_id).subquery("current_members")
_MEMBER_COUNT = select(func.count()).select_from(_CURRENT)
_LIMIT = bindparam("limit", type_=Integer)


class PersonPoints(TypedDict):
    cco_id: str
    name: str | None
    points: int


class PreviousEmployees(TypedDict):
    title: str  # "Previous Employee" (CL-8)
    total: int
    people: list[PersonPoints]


class PeriodOut(TypedDict):
    start: date
    end: date
    cycle: str


class OutstandingItem(TypedDict):
    activity_id: str
    title: str
    points: int


class SpecializationView(TypedDict):
    specialization: str
    level: str | None
    status: str | None
    anniversary: date | None
    period: PeriodOut | None
    points_required: int
    points_earned: int
    points_outstanding: int
    elapsed_fraction: float | None
    icon: str | None
    mandatory_outstanding: list[OutstandingItem]
    roles: list[dict[str, Any]]
    people: list[PersonPoints]
    previous_employees: PreviousEmployees


class CLView(TypedDict):
    """The CL View of a partner, as GET /v1/partners/{id}/cl-view answers it and the pages show it."""

    be_geo_id: str
    as_of: date
    members: int
    specializations: list[SpecializationView]


@dataclass
class _Figures:
    """What one snapshot read for the view: the periods, role alerts, members and, per dated specialization,
    the mandatory items due and done, the totals and the people."""

    rows: Sequence[Row[Any]]
    alerts: dict[str, list[dict[str, Any]]]
    members_total: int
    dated: dict[str, Period]
    due: dict[str, list[Any]] = field(default_factory=dict)
    done: dict[str, set[str]] = field(default_factory=dict)
    totals: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    groups: dict[str, tuple[list[PersonPoints], list[PersonPoints]]] = field(default_factory=dict)


async def cl_view(
    db: Database, be_geo_id: str, *, today: date, people_limit: int | None, specialization: str | None = None
) -> CLView:
    """The CL View of one partner (or one of its specializations), read in one snapshot.

    A fixed set of statements, whatever the number of members:
    - the periods, the count of current members and, when items are due, one statement of EXISTS
      checks (CL-3);
    - one statement of totals for every specialization (``_totals``);
    - per specialization up to three reads of people, best first down the (partner, specialization,
      points, person) index with the page's limit: current members, previous employees (CL-8), and
      members without points when the page has room; a group the totals show to be empty is not read.
    """
    async with db.engine.connect() as conn:
        await db.snapshot(conn)  # one snapshot for every figure
        figures = await _read_figures(conn, be_geo_id, today, people_limit, specialization)
    views = [_specialization_view(row, figures, today) for row in figures.rows]
    return {"be_geo_id": be_geo_id, "as_of": today, "members": figures.members_total, "specializations": views}


async def _read_figures(
    conn: AsyncConnection, be_geo_id: str, today: date, people_limit: int | None, specialization: str | None
) -> _Figures:
    params = {"be_geo_id": be_geo_id, "today": today, "spec": specialization}
    rows = (await conn.execute(_PERIODS_OF_ONE if specialization else _PERIODS, params)).all()
    alerts = await _role_alerts(conn, be_geo_id)
    members_total = int(await conn.scalar(_MEMBER_COUNT, params) or 0)
    dated = {r.specialization: Period(r.period_start, r.period_end) for r in rows if r.period_start and r.period_end}
    figures = _Figures(rows, alerts, members_total, dated)
    if dated:
        figures.due = await _mandatory_due(conn, dated)
        figures.done = await _mandatory_done(conn, be_geo_id, dated, figures.due)
        figures.totals = await _totals(conn, be_geo_id, today, list(dated))
        for spec in dated:
            _, scored_members, previous_total = figures.totals.get(spec, (0, 0, 0))
            counts = (scored_members, members_total - scored_members, previous_total)
            figures.groups[spec] = await _people(conn, be_geo_id, spec, today, people_limit, counts)
    return figures


_PERIODS = (
    select(periods)
    .where(periods.c.be_geo_id == bindparam("be_geo_id"), periods.c.status.is_not(None))
    .order_by(periods.c.specialization)
)
_PERIODS_OF_ONE = _PERIODS.where(periods.c.specialization == bindparam("spec"))


def _specialization_view(row: Row[Any], figures: _Figures, today: date) -> SpecializationView:
    spec = row.specialization
    period = figures.dated.get(spec)
    earned, _, previous_total = figures.totals.get(spec, (0, 0, 0))
    current_people, previous_people = figures.groups.get(spec, ([], []))
    outstanding: list[OutstandingItem] = [
        {"activity_id": m.activity_id, "title": m.title, "points": m.points}
        for m in figures.due.get(spec, [])
        if m.activity_id not in figures.done.get(spec, set())
    ]
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
        "icon": row.icon,  # SP-13: specialization's, from specialization.status.changed
        "mandatory_outstanding": outstanding,
        "roles": roles_section(figures.alerts.get(spec, []), today),  # SP-14, NO-4: as the summary page shows
        "people": current_people,
        "previous_employees": {"title": PREVIOUS_EMPLOYEE, "total": previous_total, "people": previous_people},
    }


async def _role_alerts(conn: AsyncConnection, be_geo_id: str) -> dict[str, list[dict[str, Any]]]:
    """The partner's projected role alerts (specialization.role.vacated / at_risk), by specialization."""
    found: dict[str, list[dict[str, Any]]] = {}
    for r in await conn.execute(_ROLE_ALERTS, {"be_geo_id": be_geo_id}):
        found.setdefault(r.specialization, []).append(dict(r._mapping))
    return found


_ROLE_ALERTS = (
    select(role_alerts, people.c.name)
    .select_from(role_alerts.outerjoin(people, people.c.cco_id == role_alerts.c.cco_id))
    .where(role_alerts.c.be_geo_id == bindparam("be_geo_id"))
)


async def _totals(conn: AsyncConnection, be_geo_id: str, today: date, specs: list[str]) -> dict[str, tuple[int, int, int]]:
    """Per specialization: points earned (everyone's, CL-8), current members with points, previous
    employees with points. One scan of the partner's totals; "is a current member" is one lookup in
    the set of current members, which PostgreSQL hashes once for the statement (a hashed SubPlan),
    instead of a NOT EXISTS per row under a COUNT per specialization."""
    rows = await conn.execute(_TOTALS, {"be_geo_id": be_geo_id, "today": today, "specs": specs})
    return {
        spec: (int(earned or 0), int(members or 0), int(everyone or 0) - int(members or 0))
        for spec, earned, everyone, members in rows
    }


_cv = clview_points
_scored = _cv.c.points != 0
_TOTALS = (
    select(
        _cv.c.specialization,
        func.coalesce(func.sum(_cv.c.points), 0),
        func.sum(case((_scored, 1), else_=0)),
        func.sum(case((and_(_scored, _cv.c.cco_id.in_(select(memberships.c.cco_id).where(*_current_stint()))), 1), else_=0)),
    )
    .where(_cv.c.be_geo_id == bindparam("be_geo_id"), _cv.c.specialization.in_(bindparam("specs", expanding=True)))
    .group_by(_cv.c.specialization)
)


async def _people(
    conn: AsyncConnection,
    be_geo_id: str,
    spec: str,
    today: date,
    people_limit: int | None,
    counts: tuple[int, int, int],
) -> tuple[list[PersonPoints], list[PersonPoints]]:
    """(current members, best first and then those without points; previous employees, best first).
    ``counts``: current members with points, current members without, previous employees (from the same
    snapshot); a group counted empty is not queried."""
    scored_members, idle_members, previous_total = counts
    params = {"be_geo_id": be_geo_id, "spec": spec, "today": today, "limit": people_limit}

    async def fetch(query: tuple[Select[Any], Select[Any]], count: int) -> list[PersonPoints]:
        if count == 0 or people_limit == 0:
            return []
        rows = await conn.execute(_up_to(query, people_limit), params)
        return [{"cco_id": c, "name": n, "points": p} for c, n, p in rows]

    current_people = await fetch(_CURRENT_PEOPLE, scored_members)
    previous_people = await fetch(_PREVIOUS_PEOPLE, previous_total)
    room = None if people_limit is None else people_limit - len(current_people)
    if idle_members > 0 and (room is None or room > 0):
        idle = await conn.execute(_up_to(_IDLE_MEMBERS, room), params | {"limit": room})
        current_people += [{"cco_id": c, "name": n, "points": 0} for c, n in idle]
    return current_people, previous_people


def _with_and_without_limit(query: Select[Any]) -> tuple[Select[Any], Select[Any]]:
    return query, query.limit(_LIMIT)


def _up_to(query: tuple[Select[Any], Select[Any]], limit: int | None) -> Select[Any]:
    """The statement of a pair from ``_with_and_without_limit`` for ``limit`` (None: every row)."""
    every, limited = query
    return every if limit is None else limited


_mine = and_(_cv.c.be_geo_id == bindparam("be_geo_id"), _cv.c.specialization == bindparam("spec"), _cv.c.points != 0)
_is_member = select(memberships.c.cco_id).where(memberships.c.cco_id == _cv.c.cco_id, *_current_stint()).exists()
# best first, read down the (partner, specialization, points, person) index: with a limit the work grows with
# the page asked for, not with the number of members
_ranked = (
    select(_cv.c.cco_id, people.c.name, _cv.c.points)
    .select_from(_cv.outerjoin(people, people.c.cco_id == _cv.c.cco_id))
    .order_by(_cv.c.points.desc(), _cv.c.cco_id.desc())
)
_CURRENT_PEOPLE = _with_and_without_limit(_ranked.where(_mine, _is_member))
_PREVIOUS_PEOPLE = _with_and_without_limit(_ranked.where(_mine, ~_is_member))
_IDLE_MEMBERS = _with_and_without_limit(
    select(_CURRENT.c.cco_id, people.c.name)
    .select_from(_CURRENT.outerjoin(people, people.c.cco_id == _CURRENT.c.cco_id))
    .where(~select(_cv.c.cco_id).where(_mine, _cv.c.cco_id == _CURRENT.c.cco_id).exists())
    .order_by(_CURRENT.c.cco_id)
)


async def _mandatory_due(conn: AsyncConnection, dated: dict[str, Period]) -> dict[str, list[Any]]:
    """Per specialization, the published activities mandatory for it in its period's cycle (CL-3)."""
    rows = [r for r in await conn.execute(_PUBLISHED_ACTIVITIES) if r.mandatory_for]
    return {spec: [m for m in rows if mandatory_in(m.mandatory_for, spec, period)] for spec, period in dated.items()}


_PUBLISHED_ACTIVITIES = select(
    activities.c.activity_id, activities.c.title, activities.c.points, activities.c.mandatory_for
).where(activities.c.published.is_(True))


async def _mandatory_done(
    conn: AsyncConnection, be_geo_id: str, dated: dict[str, Period], due: dict[str, list[Any]]
) -> dict[str, set[str]]:
    """Which due items someone of the partner completed in the period: one EXISTS per item, all in one
    statement (each stops at the first active credit of the period instead of reading them all)."""
    checks = [(spec, m.activity_id) for spec, items in due.items() for m in items]
    if not checks:
        return {}
    columns = [
        exists()
        .where(
            credits.c.be_geo_id == be_geo_id,
            credits.c.activity_id == activity_id,
            credits.c.active.is_(True),
            credits.c.earned_on >= dated[spec].start,
            credits.c.earned_on <= dated[spec].end,
        )
        .label(f"done_{i}")
        for i, (spec, activity_id) in enumerate(checks)
    ]
    row = (await conn.execute(select(*columns))).one()
    done: dict[str, set[str]] = {}
    for (spec, activity_id), hit in zip(checks, row, strict=True):
        if hit:
            done.setdefault(spec, set()).add(activity_id)
    return done


CSV_COLUMNS = [
    "be_geo_id", "specialization", "status", "period_start", "period_end", "points_required", "points_earned",
    "icon", "mandatory_outstanding", "group", "cco_id", "name", "points",
]
# the same columns in the words of the people who open the file (``?header=titles``, the pages' download)
CSV_TITLES = [
    "Partner ID", "Specialization", "Status", "Period start", "Period end", "Points required", "Points earned",
    "Progress", "Mandatory items outstanding", "Group", "CCO ID", "Name", "Points",
]
# OWASP "CSV injection": a text cell that begins with one of these is read as a formula by spreadsheets
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: Any) -> Any:
    """A text cell a spreadsheet shows as text: one beginning like a formula gets a leading apostrophe
    (OWASP's advice; people type their own names, so ``=HYPERLINK(...)`` must not reach an admin's sheet
    as a formula). Numbers stay numbers: ``-2`` points is a number, not a formula."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def _csv_head(view: CLView, s: SpecializationView) -> list[Any]:
    """The columns a specialization's lines share."""
    period = s["period"] or {}
    return [
        spreadsheet_safe(cell)
        for cell in (
            view["be_geo_id"], s["specialization"], s["status"], period.get("start", ""), period.get("end", ""),
            s["points_required"], s["points_earned"], s["icon"],
            " ".join(m["activity_id"] for m in s["mandatory_outstanding"]),
        )
    ]


def _person_cells(group: str, p: PersonPoints) -> tuple[Any, ...]:
    return (group, spreadsheet_safe(p["cco_id"]), spreadsheet_safe(p["name"] or ""), p["points"])


def cl_view_rows(view: CLView, *, titles: bool = False) -> list[list[Any]]:
    """The CSV export: one line per person per specialization."""
    out: list[list[Any]] = [list(CSV_TITLES if titles else CSV_COLUMNS)]
    for s in view["specializations"]:
        head = _csv_head(view, s)
        if not s["people"] and not s["previous_employees"]["people"]:
            out.append([*head, "", "", "", ""])
        for p in s["people"]:
            out.append([*head, *_person_cells("current", p)])
        for p in s["previous_employees"]["people"]:
            out.append([*head, *_person_cells(PREVIOUS_EMPLOYEE, p)])
    return out


def cl_view_csv(view: CLView, *, titles: bool = False) -> str:
    """``cl_view_rows`` written by ``csv.writer``, the same text: each specialization's shared columns are
    encoded once and written before each of its people's four columns (a field is quoted or not on its
    own, so a line written in two parts is the line written at once)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_TITLES if titles else CSV_COLUMNS)
    for s in view["specializations"]:
        head = _csv_head(view, s)
        if not s["people"] and not s["previous_employees"]["people"]:
            writer.writerow([*head, "", "", "", ""])
            continue
        encoded = io.StringIO()
        csv.writer(encoded, dialect=writer.dialect).writerow(head)
        prefix = encoded.getvalue()[: -len(writer.dialect.lineterminator)] + writer.dialect.delimiter
        for group, members in (("current", s["people"]), (PREVIOUS_EMPLOYEE, s["previous_employees"]["people"])):
            for p in members:
                buffer.write(prefix)
                writer.writerow(_person_cells(group, p))
    return buffer.getvalue()


async def partner_points(
    db: Database, be_geo_id: str, *, today: date, since: date | None, until: date | None, limit: int, offset: int
) -> dict[str, Any]:
    filters = [credits.c.be_geo_id == be_geo_id, credits.c.active.is_(True)]
    if since:
        filters.append(credits.c.earned_on >= since)
    if until:
        filters.append(credits.c.earned_on <= until)
    async with db.engine.connect() as conn:
        total = int(await conn.scalar(select(func.coalesce(func.sum(credits.c.points), 0)).where(*filters)) or 0)
        count = int(await conn.scalar(select(func.count()).select_from(credits).where(*filters)) or 0)
        members = set((await conn.execute(select(_CURRENT.c.cco_id), {"be_geo_id": be_geo_id, "today": today})).scalars())
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
