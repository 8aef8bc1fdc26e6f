"""The library (CL-1, CL-2, CL-3, CL-6): staff write drafts; publishing makes them count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from learning.domain.points import activity_points, mandatory_outside
from learning.tables import activities
from partnerhub.bus.contracts import ActivityPublished, MandatoryItem
from partnerhub.db.uow import Database
from partnerhub.errors import Conflict, NotFound, Unprocessable

FIELDS = ("title", "kind", "duration_minutes", "specializations", "explicit_points", "extended_cap", "mandatory_for", "exam_number")


@dataclass(frozen=True)
class Activity:
    """A published activity: what completions, exams and the CL View use."""

    activity_id: str
    title: str
    kind: str
    duration_minutes: int
    specializations: list[str]
    explicit_points: int | None
    extended_cap: bool
    mandatory_for: list[dict[str, str]]
    exam_number: str | None
    points: int

    @classmethod
    def from_row(cls, row: Any) -> Activity:
        return cls(**{f: getattr(row, f) for f in ("activity_id", *FIELDS, "points")})


def with_points(draft: dict[str, Any]) -> dict[str, Any]:
    points = activity_points(
        draft["duration_minutes"], explicit_points=draft.get("explicit_points"), extended_cap=draft["extended_cap"]
    )
    return {**draft, "points": points}


async def save_draft(db: Database, activity_id: str, draft: dict[str, Any], by: str) -> dict[str, Any]:
    """PUT: the activity's next revision, to be reviewed; the published one (if any) stays in force."""
    if draft.get("exam_number") and draft["kind"] != "exam":
        raise Conflict("Only an activity of kind `exam` has an exam number.", slug="exam-number-not-exam")
    if draft["kind"] == "exam" and not draft.get("exam_number"):
        raise Conflict("An exam activity needs its exam number (CL-6).", slug="exam-number-missing")
    draft = with_points(draft)
    now = datetime.now(UTC)
    async with db.uow() as uow:
        exists = await uow.conn.scalar(select(activities.c.activity_id).where(activities.c.activity_id == activity_id))
        if exists:
            await uow.conn.execute(
                update(activities)
                .where(activities.c.activity_id == activity_id)
                .values(draft=draft, updated_at=now, updated_by=by)
            )
        else:
            await uow.conn.execute(
                activities.insert().values(activity_id=activity_id, published=False, draft=draft, updated_at=now, updated_by=by)
            )
        await uow.commit()
    return await get_activity(db, activity_id, include_draft=True)


async def publish(db: Database, activity_id: str, by: str) -> dict[str, Any]:
    """Program staff reviewed the draft: it becomes the published activity (CL-1)."""
    async with db.uow() as uow:
        query = select(activities).where(activities.c.activity_id == activity_id)
        query = db.for_update(query)
        row = (await uow.conn.execute(query)).first()
        if row is None:
            raise NotFound(f"No activity {activity_id}.", activity_id=activity_id)
        if row.draft is None:
            raise Conflict(f"Activity {activity_id} has no draft to publish.", slug="nothing-to-publish")
        draft = row.draft
        outside = mandatory_outside(draft["specializations"], draft.get("mandatory_for") or [])
        if outside:  # a draft written before PUT checked it (CL-3)
            raise Unprocessable(
                f"The draft is mandatory for {', '.join(outside)} without counting toward it; list it among its specializations.",
                slug="mandatory-outside-specializations",
            )
        if draft.get("exam_number"):
            clash = await uow.conn.scalar(
                select(activities.c.activity_id).where(
                    activities.c.published.is_(True),
                    activities.c.exam_number == draft["exam_number"],
                    activities.c.activity_id != activity_id,
                )
            )
            if clash:
                raise Conflict(
                    f"Exam {draft['exam_number']} is already in the library as {clash}.", slug="exam-already-in-library"
                )
        now = datetime.now(UTC)
        await uow.conn.execute(
            update(activities)
            .where(activities.c.activity_id == activity_id)
            .values(**{f: draft.get(f) for f in FIELDS}, points=draft["points"], published=True, draft=None, published_at=now, published_by=by)
        )
        uow.emit(
            ActivityPublished(
                activity_id=activity_id,
                title=draft["title"],
                kind=draft["kind"],
                points=draft["points"],
                specializations=draft["specializations"],
                exam_number=draft.get("exam_number"),
                mandatory=[MandatoryItem.model_validate(m) for m in draft["mandatory_for"]],
            )
        )
        await uow.commit()
    return await get_activity(db, activity_id, include_draft=True)


def _published_view(row: Any) -> dict[str, Any] | None:
    if not row.published:
        return None
    return {f: getattr(row, f) for f in (*FIELDS, "points")} | {"published_at": row.published_at}


async def get_activity(db: Database, activity_id: str, *, include_draft: bool) -> dict[str, Any]:
    async with db.engine.connect() as conn:
        row = (await conn.execute(select(activities).where(activities.c.activity_id == activity_id))).first()
    if row is None or (not row.published and not include_draft):
        raise NotFound(f"No activity {activity_id}.", activity_id=activity_id)
    view: dict[str, Any] = {"activity_id": row.activity_id, "published": _published_view(row)}
    if include_draft:
        view["draft"] = row.draft
    return view


async def list_published(db: Database, *, specialization: str | None, limit: int, offset: int) -> list[dict[str, Any]]:
    async with db.engine.connect() as conn:
        rows = (
            await conn.execute(
                select(activities)
                .where(activities.c.published.is_(True))
                .order_by(activities.c.activity_id)
            )
        ).all()
    found = [{"activity_id": r.activity_id, **(_published_view(r) or {})} for r in rows]
    if specialization:
        found = [a for a in found if specialization in a["specializations"]]
    return found[offset : offset + limit]


async def list_drafts(db: Database) -> list[dict[str, Any]]:
    async with db.engine.connect() as conn:
        rows = (await conn.execute(select(activities).where(activities.c.draft.is_not(None)).order_by(activities.c.activity_id))).all()
    return [{"activity_id": r.activity_id, "draft": r.draft, "published": _published_view(r)} for r in rows]


async def published_activities(conn: Any, activity_ids: set[str]) -> dict[str, Activity]:
    found: dict[str, Activity] = {}
    ids = sorted(activity_ids)
    for i in range(0, len(ids), 500):
        rows = await conn.execute(
            select(activities).where(activities.c.activity_id.in_(ids[i : i + 500]), activities.c.published.is_(True))
        )
        found.update({r.activity_id: Activity.from_row(r) for r in rows})
    return found
