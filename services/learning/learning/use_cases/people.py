"""Projections of identity's facts: names, memberships (CL-7, CL-8) and merges (ID-2)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select, update

from learning.domain.attribution import MergeEntry, plan_merge
from learning.tables import aliases, completions, entries, memberships, people, proofs
from learning.use_cases import ledger
from partnerhub.db.uow import UnitOfWork


async def remember_name(uow: UnitOfWork, cco_id: str, name: str) -> None:
    await ledger.lock_people(uow, [cco_id])
    await uow.conn.execute(update(people).where(people.c.cco_id == cco_id).values(name=name))


async def membership_started(uow: UnitOfWork, cco_id: str, be_geo_id: str, started_on: date) -> None:
    person = (await ledger.resolve(uow, [cco_id]))[cco_id]
    await ledger.lock_people(uow, [person])
    await uow.conn.execute(
        uow.db.insert_ignoring_duplicates(memberships).values(
            cco_id=person, be_geo_id=be_geo_id, started_on=started_on, ended_on=None
        )
    )
    await ledger.reconcile_people(uow, [person])


async def membership_ended(uow: UnitOfWork, cco_id: str, be_geo_id: str, started_on: date, ended_on: date) -> None:
    """Tolerates arriving before its start event: the stint is recorded with its end."""
    person = (await ledger.resolve(uow, [cco_id]))[cco_id]
    await ledger.lock_people(uow, [person])
    await uow.conn.execute(
        uow.db.insert_ignoring_duplicates(memberships).values(
            cco_id=person, be_geo_id=be_geo_id, started_on=started_on, ended_on=ended_on
        )
    )
    await uow.conn.execute(
        update(memberships)
        .where(
            memberships.c.cco_id == person,
            memberships.c.be_geo_id == be_geo_id,
            memberships.c.started_on == started_on,
        )
        .values(ended_on=ended_on)
    )
    await ledger.reconcile_people(uow, [person])


async def merged(uow: UnitOfWork, survivor: str, retired: list[str]) -> None:
    """ID-2: everything of the retired IDs moves to the survivor; an activity done under
    both counts once; partner credits are corrected with correcting credit events."""
    survivor = (await ledger.resolve(uow, [survivor]))[survivor]
    retired = sorted({r for r in retired if r != survivor})
    if not retired:
        return
    everyone = [survivor, *retired]
    await ledger.lock_people(uow, everyone)
    # aliases: the retired IDs (and IDs retired into them earlier) resolve to the survivor
    await uow.conn.execute(update(aliases).where(aliases.c.survivor.in_(retired)).values(survivor=survivor))
    await uow.conn.execute(delete(aliases).where(aliases.c.retired.in_(retired)))
    await uow.conn.execute(aliases.insert(), [{"retired": r, "survivor": survivor} for r in retired])
    # memberships
    stints = (await uow.conn.execute(select(memberships).where(memberships.c.cco_id.in_(retired)))).all()
    if stints:
        await uow.conn.execute(delete(memberships).where(memberships.c.cco_id.in_(retired)))
        await uow.conn.execute(
            uow.db.insert_ignoring_duplicates(memberships),
            [
                {"cco_id": survivor, "be_geo_id": s.be_geo_id, "started_on": s.started_on, "ended_on": s.ended_on}
                for s in stints
            ],
        )
    # entries: one per activity survives and moves; the others are voided (their credits revoked below)
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
    await ledger.reconcile_people(uow, everyone)
    # the credits of voided entries stay recorded (inactive) under the ID that earned them

