"""Joining and leaving partners (ID-1, ID-3); leaving also withdraws the person's grant (ID-4).

A leave may be planned ahead (NO-4): the membership stays active with ``leaves_on`` and is ended by the
daily job on that day (``end_due_leaves``); a plan can be replaced or cancelled until then.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from identity.domain.memberships import MembershipRuleError, Stint, decide_leave, plan_join
from identity.tables import grants, memberships
from identity.use_cases.records import (
    Membership,
    require_cco_id,
    require_partner,
    rule_error,
    stints_of,
)
from partnerhub.bus.contracts import (
    GrantChanged,
    LeaveCancelled,
    LeavePlanned,
    MembershipEnded,
    MembershipStarted,
)
from partnerhub.db.uow import Database, UnitOfWork
from partnerhub.errors import Conflict


async def end_membership(uow: UnitOfWork, cco_id: str, stint: Stint, on: date, *, withdraw_grant: bool = True) -> None:
    """End now; a planned leave is superseded (``membership.ended`` is the final word). Once: a membership
    a concurrent command (or the daily job) ended first is left as it is."""
    done = await uow.conn.execute(
        update(memberships)
        .where(memberships.c.id == stint.id, memberships.c.ended_on.is_(None))
        .values(ended_on=on, leaves_on=None)
    )
    if done.rowcount != 1:
        return
    uow.emit(MembershipEnded(cco_id=cco_id, be_geo_id=stint.be_geo_id, started_on=stint.started_on, ended_on=on))
    if withdraw_grant:
        gone = await uow.conn.execute(
            delete(grants).where(grants.c.cco_id == cco_id, grants.c.be_geo_id == stint.be_geo_id)
        )
        if gone.rowcount:
            uow.emit(GrantChanged(cco_id=cco_id, be_geo_id=stint.be_geo_id, granted=False, changed_on=on))


async def set_planned_leave(
    uow: UnitOfWork, cco_id: str, stint: Stint, leaves_on: date | None, *, seen: int, above: int = 0
) -> None:
    """Plan (with None: cancel) the end of the active membership ``stint``; the event says so at once.

    ``seen``: the membership's plan revision as read; the new one is above it and above ``above`` (a merge
    passes the highest of the memberships it combines), so projections keep it. A concurrent change of the
    plan since it was read is a conflict (retry), never two plans with one revision."""
    revision = max(seen, above) + 1
    done = await uow.conn.execute(
        update(memberships)
        .where(memberships.c.id == stint.id, memberships.c.leave_revision == seen)
        .values(leaves_on=leaves_on, leave_revision=revision)
    )
    if done.rowcount != 1:
        raise Conflict(f"The planned leave of {cco_id} changed concurrently; retry.", slug="concurrent-membership")
    key = {"cco_id": cco_id, "be_geo_id": stint.be_geo_id, "started_on": stint.started_on, "revision": revision}
    if leaves_on is not None:
        uow.emit(LeavePlanned(**key, leaves_on=leaves_on))
    elif stint.leaves_on is not None:
        uow.emit(LeaveCancelled(**key, leaves_on=stint.leaves_on))


async def _active_row(uow: UnitOfWork, cco_id: str, be_geo_id: str) -> Any:
    stmt = select(memberships).where(
        memberships.c.cco_id == cco_id, memberships.c.be_geo_id == be_geo_id, memberships.c.ended_on.is_(None)
    )
    return (await uow.conn.execute(stmt)).first()


async def join_partner(db: Database, *, today: date, cco_id: str, be_geo_id: str, on: date | None = None) -> tuple[Membership, bool]:
    """Start a membership; any other active one ends on the same date. (membership, changed)."""
    async with db.uow(today=today) as uow:
        person = await require_cco_id(uow.conn, cco_id)
        await require_partner(uow.conn, be_geo_id)
        on = on or today
        history = await stints_of(uow.conn, [person])
        try:
            plan = plan_join(history, be_geo_id, on, today)
        except MembershipRuleError as exc:
            raise rule_error(exc) from exc
        if plan.already_member:
            current = next(s for s in history if s.active)
            return Membership(person, be_geo_id, current.started_on, None, leaves_on=current.leaves_on), False
        if plan.end is not None:
            await end_membership(uow, person, plan.end, on)
        try:
            await uow.conn.execute(memberships.insert().values(cco_id=person, be_geo_id=be_geo_id, started_on=on))
        except IntegrityError as exc:  # a concurrent join won
            raise Conflict(f"{person} joined a partner concurrently; retry.", slug="concurrent-membership") from exc
        uow.emit(MembershipStarted(cco_id=person, be_geo_id=be_geo_id, started_on=on))
        await uow.commit()
    return Membership(person, be_geo_id, on, None), True


async def leave_partner(db: Database, *, today: date, cco_id: str, be_geo_id: str, on: date | None = None) -> bool:
    """End the active membership of ``cco_id`` in ``be_geo_id`` on ``on``: at once by the business
    date, else planned for that day (replacing an earlier plan). False when there is none."""
    async with db.uow(today=today) as uow:
        person = await require_cco_id(uow.conn, cco_id)
        await require_partner(uow.conn, be_geo_id)
        on = on or today
        row = await _active_row(uow, person, be_geo_id)
        if row is None:
            return False
        stint = Stint(row.id, row.be_geo_id, row.started_on, None, row.leaves_on)
        try:
            decision = decide_leave(stint, on, today)
        except MembershipRuleError as exc:
            raise rule_error(exc) from exc
        if decision == "unchanged":
            return True
        if decision == "end":
            await end_membership(uow, person, stint, on)
        else:
            await set_planned_leave(uow, person, stint, on, seen=row.leave_revision)
        await uow.commit()
    return True


async def cancel_leave(db: Database, *, cco_id: str, be_geo_id: str) -> bool:
    """Call off the planned leave of the active membership: the person stays. False when none was planned."""
    async with db.uow() as uow:
        person = await require_cco_id(uow.conn, cco_id)
        await require_partner(uow.conn, be_geo_id)
        row = await _active_row(uow, person, be_geo_id)
        if row is None or row.leaves_on is None:
            return False
        stint = Stint(row.id, row.be_geo_id, row.started_on, None, row.leaves_on)
        await set_planned_leave(uow, person, stint, None, seen=row.leave_revision)
        await uow.commit()
    return True


async def end_due_leaves(uow: UnitOfWork, day: date) -> None:
    """Daily job: the planned leaves whose day has come end, with ``ended_on`` = the planned date (ID-3)."""
    rows = (
        await uow.conn.execute(
            select(memberships)
            .where(memberships.c.ended_on.is_(None), memberships.c.leaves_on.is_not(None), memberships.c.leaves_on <= day)
            .order_by(memberships.c.id)
        )
    ).all()
    for row in rows:
        await end_membership(uow, row.cco_id, Stint(row.id, row.be_geo_id, row.started_on, None, row.leaves_on), row.leaves_on)
