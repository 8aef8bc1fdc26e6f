"""Projections of identity events: memberships (ID-3), grants (ID-4), merges (ID-2).

Handlers tolerate redelivery (the inbox) and events out of order: a membership end may arrive
before its start, a grant change older than the one stored is ignored, and an event about a
retired CCO ID is applied to its survivor.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select, update

from certification import store
from certification.tables import (
    agreements,
    aliases,
    badges,
    exam_results,
    grants,
    holders,
    memberships,
    reminders,
)
from certification.use_cases.badges import recompute
from certification.use_cases.credentials import certificates_merged
from partnerhub.db.uow import UnitOfWork


async def membership_started(uow: UnitOfWork, cco_id: str, be_geo_id: str, started_on: date) -> None:
    owner = await store.resolve(uow.conn, cco_id)
    await uow.conn.execute(
        uow.db.insert_ignoring_duplicates(memberships).values(
            cco_id=owner, be_geo_id=be_geo_id, started_on=started_on, ended_on=None
        )
    )


async def membership_ended(uow: UnitOfWork, cco_id: str, be_geo_id: str, started_on: date, ended_on: date) -> None:
    owner = await store.resolve(uow.conn, cco_id)
    await uow.conn.execute(
        store.upsert(uow.db, memberships, ["cco_id", "be_geo_id", "started_on"], {"ended_on": ended_on}).values(
            cco_id=owner, be_geo_id=be_geo_id, started_on=started_on, ended_on=ended_on
        )
    )


async def grant_changed(uow: UnitOfWork, cco_id: str, be_geo_id: str, granted: bool, changed_on: date) -> None:
    occurred_at = uow.occurred_at
    owner = await store.resolve(uow.conn, cco_id)
    stored = (
        await uow.conn.execute(select(grants).where(grants.c.cco_id == owner, grants.c.be_geo_id == be_geo_id))
    ).first()
    if stored is not None and (stored.changed_on, stored.occurred_at) > (changed_on, occurred_at):
        return  # an older change arriving late
    await uow.conn.execute(
        store.upsert(
            uow.db, grants, ["cco_id", "be_geo_id"],
            {"granted": granted, "changed_on": changed_on, "occurred_at": occurred_at},
        ).values(cco_id=owner, be_geo_id=be_geo_id, granted=granted, changed_on=changed_on, occurred_at=occurred_at)
    )


async def merge(uow: UnitOfWork, survivor: str, retired: list[str], merged_on: date) -> None:
    """ID-2: every record of the retired IDs moves to the survivor; badges are recomputed from
    the joined history (both attempts of an exam kept), never duplicated."""
    conn, db = uow.conn, uow.db
    target = await store.resolve(conn, survivor)
    gone = sorted({r for r in retired if r not in (target, survivor)})
    if not gone:
        return
    await store.lock_holders(db, conn, [target, *gone])
    await conn.execute(
        store.upsert(db, aliases, ["retired"], {"survivor": target, "merged_on": merged_on}),
        [{"retired": r, "survivor": target, "merged_on": merged_on} for r in gone],
    )
    await conn.execute(update(aliases).where(aliases.c.survivor.in_(gone)).values(survivor=target))
    await conn.execute(update(exam_results).where(exam_results.c.cco_id.in_(gone)).values(cco_id=target))
    await certificates_merged(uow, gone, target)
    for table, key in (
        (reminders, ["certification", "expires_on", "months_before"]),
        (agreements, ["version"]),
        (memberships, ["be_geo_id", "started_on"]),
        (grants, ["be_geo_id"]),
    ):
        await _move_rows(uow, table, key, gone, target)
    await conn.execute(delete(badges).where(badges.c.cco_id.in_(gone)))
    await conn.execute(delete(holders).where(holders.c.cco_id.in_(gone)))
    catalog = await store.load_catalog(conn)
    await recompute(uow, catalog, [target], await uow.today())


async def _move_rows(uow: UnitOfWork, table, key: list[str], gone: list[str], target: str) -> None:  # type: ignore[no-untyped-def]
    """Copy the retired IDs' rows to the survivor (keeping the survivor's own where both have one)."""
    rows = (await uow.conn.execute(select(table).where(table.c.cco_id.in_(gone)))).mappings().all()
    if rows:
        await uow.conn.execute(
            uow.db.insert_ignoring_duplicates(table), [dict(r) | {"cco_id": target} for r in rows]
        )
        await uow.conn.execute(delete(table).where(table.c.cco_id.in_(gone)))
