"""Merging duplicate CCO IDs (ID-2): one active ID survives; the others resolve to it forever."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete, select, update

from identity.domain.memberships import Stint, combine_active
from identity.tables import grants, individuals, memberships, partner_roles
from identity.use_cases.memberships import end_membership, set_planned_leave
from identity.use_cases.records import Individual, load_individual, stints_of
from partnerhub.bus.contracts import IndividualMerged
from partnerhub.db.uow import Database, UnitOfWork
from partnerhub.errors import Conflict, NotFound, Unprocessable


async def merge_individuals(db: Database, *, today: date, survivor: str, retire: Sequence[str]) -> tuple[Individual, list[str]]:
    """Retire ``retire`` into ``survivor``. Returns (the survivor, the IDs newly retired).

    Repeating a merge changes nothing. Retiring an ID that already has retired IDs of its own
    moves those too (chains: B into A, then A into C — B and A both resolve to C)."""
    async with db.uow(today=today) as uow:
        result, retired = await merge_in(uow, survivor=survivor, retire=retire)
        if retired:
            await uow.commit()
    return result, retired


async def merge_in(uow: UnitOfWork, *, survivor: str, retire: Sequence[str]) -> tuple[Individual, list[str]]:
    """The merge inside the caller's unit of work (the caller commits): staff's merge, or a confirmed link."""
    wanted = list(dict.fromkeys(retire))
    head = (await uow.conn.execute(select(individuals).where(individuals.c.cco_id == survivor))).first()
    if head is None:
        raise NotFound(f"No individual with CCO ID {survivor}.", cco_id=survivor)
    if head.survivor_id is not None:
        raise Conflict(
            f"{survivor} is retired (merged into {head.survivor_id}); merge into {head.survivor_id} instead.",
            slug="survivor-retired",
            survivor=head.survivor_id,
        )
    if survivor in wanted:
        raise Unprocessable(f"{survivor} cannot be merged into itself.", slug="merge-into-itself")
    rows = {r.cco_id: r for r in await uow.conn.execute(select(individuals).where(individuals.c.cco_id.in_(wanted)))}
    unknown = [c for c in wanted if c not in rows]
    if unknown:
        raise Unprocessable(f"Unknown CCO IDs: {', '.join(unknown)}.", slug="unknown-cco-id", unknown=unknown)
    covered = {survivor, *wanted}
    elsewhere = [c for c in wanted if rows[c].survivor_id is not None and rows[c].survivor_id not in covered]
    if elsewhere:
        raise Conflict(
            f"Already merged into another CCO ID: {', '.join(elsewhere)}.",
            slug="already-merged-elsewhere",
            retired=elsewhere,
        )
    new = [c for c in wanted if rows[c].survivor_id is None]
    if not new:
        return await load_individual(uow.conn, survivor), []
    retired = await _retire(uow, survivor, new)
    return await load_individual(uow.conn, survivor), retired


async def _retire(uow: UnitOfWork, survivor: str, new: list[str]) -> list[str]:
    today = await uow.today()
    conn = uow.conn
    earlier = list(
        (await conn.scalars(select(individuals.c.cco_id).where(individuals.c.survivor_id.in_(new)))).all()
    )
    await conn.execute(
        update(individuals).where(individuals.c.cco_id.in_(new)).values(survivor_id=survivor, retired_on=today)
    )
    await conn.execute(update(individuals).where(individuals.c.survivor_id.in_(new)).values(survivor_id=survivor))
    retired = new + [c for c in earlier if c not in new]
    # first the merge, so a consumer moves the retired IDs' records before it hears of their end
    uow.emit(IndividualMerged(survivor=survivor, retired=retired, merged_on=today))
    await _combine_memberships(uow, survivor, new)
    # admin roles and grants: the union, the survivor's own row winning a tie
    for row in (await conn.execute(select(partner_roles).where(partner_roles.c.cco_id.in_(new)))).all():
        await conn.execute(
            uow.db.insert_ignoring_duplicates(partner_roles).values(
                be_geo_id=row.be_geo_id, role=row.role, cco_id=survivor, assigned_at=row.assigned_at
            )
        )
    await conn.execute(delete(partner_roles).where(partner_roles.c.cco_id.in_(new)))
    for row in (await conn.execute(select(grants).where(grants.c.cco_id.in_(new)))).all():
        await conn.execute(
            uow.db.insert_ignoring_duplicates(grants).values(
                cco_id=survivor, be_geo_id=row.be_geo_id, granted_on=row.granted_on
            )
        )
    await conn.execute(delete(grants).where(grants.c.cco_id.in_(new)))
    return retired


async def _combine_memberships(uow: UnitOfWork, survivor: str, new: list[str]) -> None:
    """The most recent active membership stays active; the others end on its start date."""
    conn = uow.conn
    theirs = await stints_of(conn, new)
    keep, to_end = combine_active(await stints_of(conn, [survivor]), theirs)
    revisions = await _leave_revisions(uow, [survivor, *new])
    duplicate_plans: list[Stint] = []
    for stint in to_end:
        assert keep is not None
        if (stint.be_geo_id, stint.started_on) == (keep.be_geo_id, keep.started_on):
            # the same membership held under two IDs (same partner, same start): it is one membership, and
            # nobody left; ending it would tell every consumer the survivor left that partner on the day it began
            duplicate_plans += [stint] if stint.leaves_on is not None else []
            await conn.execute(delete(memberships).where(memberships.c.id == stint.id))
            continue
        await end_membership(uow, survivor, stint, keep.started_on, withdraw_grant=False)
    await conn.execute(update(memberships).where(memberships.c.cco_id.in_(new)).values(cco_id=survivor))
    if keep is not None:
        await _keep_planned_leave(uow, survivor, keep, moved=keep in theirs, duplicates=duplicate_plans, revisions=revisions)


async def _leave_revisions(uow: UnitOfWork, cco_ids: list[str]) -> dict[int, int]:
    rows = await uow.conn.execute(select(memberships.c.id, memberships.c.leave_revision).where(memberships.c.cco_id.in_(cco_ids)))
    return {r.id: r.leave_revision for r in rows}


async def _keep_planned_leave(
    uow: UnitOfWork, survivor: str, keep: Stint, *, moved: bool, duplicates: list[Stint], revisions: dict[int, int]
) -> None:
    """A merge never loses a planned leave (ID-2): the membership kept has its own plan, else the plan of the
    same membership held under a retired ID. A plan that now belongs to the survivor is announced again under
    it, with a revision above every plan announced for either ID, so projections take this one."""
    leaves_on = keep.leaves_on or next((s.leaves_on for s in duplicates), None)
    if leaves_on is None or (keep.leaves_on is not None and not moved):
        return  # no plan, or the survivor's own plan on its own membership: nothing changed
    above = max(revisions.get(s.id, 0) for s in (keep, *duplicates))
    await set_planned_leave(uow, survivor, keep, leaves_on, seen=revisions.get(keep.id, 0), above=above)
