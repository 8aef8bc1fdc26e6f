"""What learning does when identity's facts change, as the identity mirror's hooks (partnerhub.mirrors.identity).

The mirror keeps names, the staff flag, memberships and merges (CL-7, CL-8, ID-2); learning's own part:

- ``after_change``: a membership changed, or a merge: the people's credits are brought in line with
  their memberships (``ledger.reconcile_people``, correcting credit events where a credit went wrong);
- ``rekey``: a merge moved the retired IDs' memberships to the survivor; their entries follow (one per
  activity survives, the others are voided so an activity done under both counts once), and so do
  completions and proofs. The credits of voided entries stay recorded (inactive) under the ID that earned them.
"""

from __future__ import annotations

from sqlalchemy import select, update

from learning.domain.attribution import MergeEntry, plan_merge
from learning.tables import completions, entries, proofs
from learning.use_cases import ledger
from partnerhub.db.uow import UnitOfWork
from partnerhub.mirrors.identity import Change, Merge


async def after_change(uow: UnitOfWork, change: Change) -> None:
    await after_changes(uow, [change])


async def after_changes(uow: UnitOfWork, changes: list[Change]) -> None:
    """The people of the changes' memberships and merges, reconciled together."""
    people = {cco_id for change in changes if change.kind in ("membership", "merge") for cco_id in change.cco_ids}
    if people:
        await ledger.reconcile_people(uow, sorted(people))


async def rekey(uow: UnitOfWork, merge: Merge) -> None:
    survivor, retired = merge.survivor, list(merge.retired)
    everyone = [survivor, *retired]
    rows = (
        await uow.conn.execute(
            select(entries.c.entry_id, entries.c.cco_id, entries.c.activity_id, entries.c.earned_on).where(
                entries.c.cco_id.in_(everyone), entries.c.voided.is_(False)
            )
        )
    ).all()
    kept, voided = plan_merge(MergeEntry(r.entry_id, r.cco_id, r.activity_id, r.earned_on) for r in rows)
    for part in ledger.chunks(voided):
        await uow.conn.execute(update(entries).where(entries.c.entry_id.in_(part)).values(voided=True))
    for part in ledger.chunks(kept):
        await uow.conn.execute(
            update(entries).where(entries.c.entry_id.in_(part), entries.c.cco_id != survivor).values(cco_id=survivor)
        )
    await uow.conn.execute(update(completions).where(completions.c.person.in_(retired)).values(person=survivor))
    await uow.conn.execute(update(proofs).where(proofs.c.cco_id.in_(retired)).values(cco_id=survivor))
