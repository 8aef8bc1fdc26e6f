"""Joining and leaving partners (ID-1, ID-3); leaving also withdraws the person's grant (ID-4)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from identity.domain.memberships import MembershipRuleError, Stint, check_leave, plan_join
from identity.tables import grants, memberships
from identity.use_cases.common import (
    Membership,
    require_cco_id,
    require_partner,
    rule_error,
    stints_of,
)
from partnerhub.bus.contracts import GrantChanged, MembershipEnded, MembershipStarted
from partnerhub.db.uow import Database, UnitOfWork
from partnerhub.errors import Conflict


async def end_membership(uow: UnitOfWork, cco_id: str, stint: Stint, on: date, *, withdraw_grant: bool = True) -> None:
    await uow.conn.execute(update(memberships).where(memberships.c.id == stint.id).values(ended_on=on))
    uow.emit(MembershipEnded(cco_id=cco_id, be_geo_id=stint.be_geo_id, started_on=stint.started_on, ended_on=on))
    if withdraw_grant:
        gone = await uow.conn.execute(
            delete(grants).where(grants.c.cco_id == cco_id, grants.c.be_geo_id == stint.be_geo_id)
        )
        if gone.rowcount:
            uow.emit(GrantChanged(cco_id=cco_id, be_geo_id=stint.be_geo_id, granted=False, changed_on=on))


async def join_partner(db: Database, *, cco_id: str, be_geo_id: str, on: date | None = None) -> tuple[Membership, bool]:
    """Start a membership; any other active one ends on the same date. (membership, changed)."""
    async with db.uow() as uow:
        person = await require_cco_id(uow.conn, cco_id)
        await require_partner(uow.conn, be_geo_id)
        today = await uow.today()
        on = on or today
        history = await stints_of(uow.conn, [person])
        try:
            plan = plan_join(history, be_geo_id, on, today)
        except MembershipRuleError as exc:
            raise rule_error(exc) from exc
        if plan.already_member:
            current = next(s for s in history if s.active)
            return Membership(person, be_geo_id, current.started_on, None), False
        if plan.end is not None:
            await end_membership(uow, person, plan.end, on)
        try:
            await uow.conn.execute(memberships.insert().values(cco_id=person, be_geo_id=be_geo_id, started_on=on))
        except IntegrityError as exc:  # a concurrent join won
            raise Conflict(f"{person} joined a partner concurrently; retry.", slug="concurrent-membership") from exc
        uow.emit(MembershipStarted(cco_id=person, be_geo_id=be_geo_id, started_on=on))
        await uow.commit()
    return Membership(person, be_geo_id, on, None), True


async def leave_partner(db: Database, *, cco_id: str, be_geo_id: str, on: date | None = None) -> bool:
    """End the active membership of ``cco_id`` in ``be_geo_id``; False when there is none."""
    async with db.uow() as uow:
        person = await require_cco_id(uow.conn, cco_id)
        await require_partner(uow.conn, be_geo_id)
        today = await uow.today()
        on = on or today
        row = (
            await uow.conn.execute(
                select(memberships).where(
                    memberships.c.cco_id == person, memberships.c.be_geo_id == be_geo_id, memberships.c.ended_on.is_(None)
                )
            )
        ).first()
        if row is None:
            return False
        stint = Stint(row.id, row.be_geo_id, row.started_on, None)
        try:
            check_leave(stint, on, today)
        except MembershipRuleError as exc:
            raise rule_error(exc) from exc
        await end_membership(uow, person, stint, on)
        await uow.commit()
    return True
