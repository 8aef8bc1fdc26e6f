"""Gathering the facts a renewal is judged on, for one partner specialization or for every one due (batched)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ColumnElement

from specialization.domain.catalog import Specialization
from specialization.domain.lifecycle import Assessment
from specialization.tables import allocations, credits, mandatory_items, partner_specializations as ps

Key = tuple[str, str]  # (be_geo_id, specialization)


@dataclass(frozen=True)
class Gathered:
    points: dict[Key, int]
    completed: dict[Key, set[str]]
    filled: dict[Key, set[str]]
    mandatory: dict[str, list[tuple[str, str, date]]]  # specialization -> (activity_id, title, published_on)


def _upper(as_of: date) -> ColumnElement:
    """The last earned-on date that counts now: the anniversary (or grace end), or ``as_of`` if earlier."""
    by_status = case(
        (ps.c.status == "grace", ps.c.grace_ends_on),
        (ps.c.status == "lost", literal(as_of)),
        else_=ps.c.anniversary,
    )
    return case((by_status < literal(as_of), by_status), else_=literal(as_of))


async def gather(conn: AsyncConnection, where: ColumnElement, as_of: date) -> Gathered:
    upper = _upper(as_of)
    joined = and_(
        credits.c.be_geo_id == ps.c.be_geo_id,
        credits.c.specialization == ps.c.specialization,
        credits.c.earned_on >= ps.c.period_start,
        credits.c.earned_on <= upper,
    )
    stmt = (
        select(ps.c.be_geo_id, ps.c.specialization, func.sum(credits.c.points).label("points"))
        .select_from(ps.join(credits, joined))
        .where(where)
        .group_by(ps.c.be_geo_id, ps.c.specialization)
    )
    points = {(r.be_geo_id, r.specialization): int(r.points or 0) for r in (await conn.execute(stmt)).all()}

    done_stmt = (
        select(ps.c.be_geo_id, ps.c.specialization, credits.c.activity_id)
        .select_from(
            ps.join(credits, joined).join(
                mandatory_items,
                and_(
                    mandatory_items.c.activity_id == credits.c.activity_id,
                    mandatory_items.c.specialization == ps.c.specialization,
                ),
            )
        )
        .where(where)
        .group_by(ps.c.be_geo_id, ps.c.specialization, credits.c.activity_id)
        .having(func.sum(credits.c.points) > 0)
    )
    completed: dict[Key, set[str]] = defaultdict(set)
    for r in (await conn.execute(done_stmt)).all():
        completed[(r.be_geo_id, r.specialization)].add(r.activity_id)

    holding = and_(
        allocations.c.be_geo_id == ps.c.be_geo_id,
        allocations.c.specialization == ps.c.specialization,
        allocations.c.started_on <= as_of,
        or_(allocations.c.ended_on.is_(None), allocations.c.ended_on > as_of),
        or_(allocations.c.vacates_on.is_(None), allocations.c.vacates_on > as_of),
    )
    fill_stmt = select(ps.c.be_geo_id, ps.c.specialization, allocations.c.role).select_from(ps.join(allocations, holding)).where(where)
    filled: dict[Key, set[str]] = defaultdict(set)
    for r in (await conn.execute(fill_stmt)).all():
        filled[(r.be_geo_id, r.specialization)].add(r.role)

    mandatory: dict[str, list[tuple[str, str, date]]] = defaultdict(list)
    for r in (await conn.execute(select(mandatory_items).order_by(mandatory_items.c.activity_id))).all():
        mandatory[r.specialization].append((r.activity_id, r.title, r.published_on))
    return Gathered(points, completed, filled, mandatory)


def assessment_for(
    gathered: Gathered,
    key: Key,
    spec: Specialization | None,
    points_required: int,
    upper: date,
    submitted: bool,
) -> Assessment:
    """``upper``: the period's last counting day; mandatory items published after it are not due."""
    roles = tuple(spec.roles) if spec else ()
    done = gathered.completed.get(key, set())
    outstanding = tuple(
        activity for activity, _title, published in gathered.mandatory.get(key[1], []) if published <= upper and activity not in done
    )
    filled = gathered.filled.get(key, set())
    return Assessment(
        points_earned=gathered.points.get(key, 0),
        points_required=points_required,
        mandatory_outstanding=outstanding,
        vacant_roles=tuple(r for r in roles if r not in filled),
        submitted=submitted,
    )


def one(be_geo_id: str, code: str) -> ColumnElement:
    return and_(ps.c.be_geo_id == be_geo_id, ps.c.specialization == code)
