"""ID-2 in certification: what a merge moves besides the identity mirror's own rows (``rekey``).

The mirror (partnerhub.mirrors.identity) has already pointed the retired IDs at the survivor and moved
their memberships; here every record of certification's own moves: exam results, certificates (a merged
ID's credentials move to the survivor, ``credentials.certificates_merged``), reminders, agreements and
grants. Badges are then recomputed from the joined history (both attempts of an exam kept), never
duplicated.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from certification import repository
from certification.tables import agreements, badges, exam_results, grants, holders, reminders
from certification.use_cases.badges import recompute
from certification.use_cases.credentials import certificates_merged
from partnerhub.db.uow import UnitOfWork
from partnerhub.mirrors.identity import Merge


async def rekey(uow: UnitOfWork, merge: Merge) -> None:
    conn, db = uow.conn, uow.db
    target, gone = merge.survivor, list(merge.retired)
    await repository.lock_holders(db, conn, [target, *gone])
    await conn.execute(update(exam_results).where(exam_results.c.cco_id.in_(gone)).values(cco_id=target))
    await certificates_merged(uow, gone, target)
    for table, key in (
        (reminders, ["certification", "expires_on", "months_before"]),
        (agreements, ["version"]),
        (grants, ["be_geo_id"]),
    ):
        await _move_rows(uow, table, key, gone, target)
    await conn.execute(delete(badges).where(badges.c.cco_id.in_(gone)))
    await conn.execute(delete(holders).where(holders.c.cco_id.in_(gone)))
    catalog = await repository.catalog_of(uow.db, conn)
    await recompute(uow, catalog, [target], await uow.today())


async def _move_rows(uow: UnitOfWork, table: Any, key: list[str], gone: list[str], target: str) -> None:
    """Copy the retired IDs' rows to the survivor (keeping the survivor's own where both have one)."""
    rows = (await uow.conn.execute(select(table).where(table.c.cco_id.in_(gone)))).mappings().all()
    if rows:
        await uow.conn.execute(
            uow.db.insert_ignoring_duplicates(table), [dict(r) | {"cco_id": target} for r in rows]
        )
        await uow.conn.execute(delete(table).where(table.c.cco_id.in_(gone)))
