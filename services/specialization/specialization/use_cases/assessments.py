"""Gathering the facts a renewal is judged on, for one partner specialization or for every one due (batched)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ColumnElement

from specialization import repository
from specialization.domain import lifecycle as lc
from specialization.domain.catalog import Specialization
from specialization.domain.lifecycle import Assessment
from specialization.tables import allocations, credits, mandatory_items
from specialization.tables import partner_specializations as ps

Key = tuple[str, str]  # (be_geo_id, specialization)


@dataclass(frozen=True)
class Gathered:
    points: dict[Key, int]
    completed: dict[Key, set[str]]
    filled: dict[Key, set[str]]
    mandatory: dict[str, list[tuple[str, str, date, str]]]  # code -> (activity_id, title, published_on, cycle)
    cycles: dict[Key, str] = field(default_factory=dict)  # the cycle of each period: its anniversary's year (CL-3)


async def gather(conn: AsyncConnection, where: ColumnElement, as_of: date) -> Gathered:
    """Points, completed mandatory items and filled roles of every partner specialization matching ``where``.

    The matching rows come by their own index; credits and holders are then read by partner (indexed) and
    bounded here, so a day's work grows with the rows due, not with the table.
    """
    rows = (await conn.execute(select(ps).where(where))).all()
    return await gather_states(conn, {(r.be_geo_id, r.specialization): repository.state_of(r) for r in rows}, as_of)


async def gather_states(conn: AsyncConnection, states: dict[Key, lc.SpecState], as_of: date, *, points_only: bool = False) -> Gathered:
    """``gather`` for states given (a state just decided, not yet written): each counts its own points window.
    ``points_only``: the points alone (the icon needs no roles nor mandatory items)."""
    bounds = {key: lc.points_window(state, as_of) for key, state in states.items()}
    partners = sorted({be for be, _ in bounds})
    points: dict[Key, int] = defaultdict(int)
    by_activity: dict[tuple[str, str, str], int] = defaultdict(int)
    filled: dict[Key, set[str]] = defaultdict(set)
    for i in range(0, len(partners), 500):
        chunk = partners[i : i + 500]
        stmt = select(
            credits.c.be_geo_id, credits.c.specialization, credits.c.activity_id, credits.c.points, credits.c.earned_on
        ).where(credits.c.be_geo_id.in_(chunk))
        for r in (await conn.execute(stmt)).all():
            key = (r.be_geo_id, r.specialization)
            window = bounds.get(key)
            if window is not None and window[0] <= r.earned_on <= window[1]:
                points[key] += r.points
                by_activity[(r.be_geo_id, r.specialization, r.activity_id)] += r.points
        if points_only:
            continue
        # role holders at ``as_of``
        stmt = select(
            allocations.c.be_geo_id, allocations.c.specialization, allocations.c.role,
            allocations.c.started_on, allocations.c.ended_on, allocations.c.vacates_on,
        ).where(allocations.c.be_geo_id.in_(chunk), or_(allocations.c.ended_on.is_(None), allocations.c.ended_on > as_of))
        for r in (await conn.execute(stmt)).all():
            key = (r.be_geo_id, r.specialization)
            if key in bounds and r.started_on <= as_of and (r.vacates_on is None or r.vacates_on > as_of):
                filled[key].add(r.role)
    completed: dict[Key, set[str]] = defaultdict(set)
    for (be, code, activity), total in by_activity.items():
        if total > 0:
            completed[(be, code)].add(activity)

    mandatory: dict[str, list[tuple[str, str, date, str]]] = defaultdict(list)
    if not points_only:
        for r in (await conn.execute(select(mandatory_items).order_by(mandatory_items.c.activity_id))).all():
            mandatory[r.specialization].append((r.activity_id, r.title, r.published_on, r.cycle))
    cycles = {key: str(state.anniversary.year) for key, state in states.items()}
    return Gathered(points, completed, filled, mandatory, cycles)


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
        activity
        for activity, _title, published, cycle in gathered.mandatory.get(key[1], [])
        if published <= upper and activity not in done and cycle == gathered.cycles.get(key)
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
