"""Other services' facts, kept from their events (badges, exams, certification requirements, exam replacements,
credits, mandatory items), and specialization's part of identity's changes (the identity mirror's hooks: ``rekey``
on a merge, ``after_change``); the mirror itself keeps memberships, planned leaves and merges.

Handlers tolerate redelivery (the inbox) and order: each fact is merged by its own dates, never by arrival.
After a person's facts change, their role holdings are recomputed (SP-14).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, delete, select, update

from partnerhub.bus import contracts as c
from partnerhub.db.uow import UnitOfWork
from partnerhub.mirrors.identity import Change, Merge
from specialization import repository
from specialization.tables import (
    allocations,
    badges,
    certification_requirements,
    credits,
    exam_passes,
    exam_replacements,
    mandatory_items,
)
from specialization.use_cases import compliance, cycle, leaves


async def badge_changed(uow: UnitOfWork, cco_id: str, certification: str, kind: str, *, on: date | None,
                        expires_on: date | None = None, expired_on: date | None = None, extend_to: date | None = None) -> None:
    """Achieved/renewed (``on``, ``expires_on``), extended (``extend_to``) or expired (``expired_on``)."""
    cco_id = await repository.resolve(uow.conn, cco_id)
    key = (badges.c.cco_id == cco_id, badges.c.certification == certification)
    row = (await uow.conn.execute(select(badges).where(*key))).first()
    if row is None:
        first = on or expired_on or extend_to
        assert first is not None
        await uow.conn.execute(
            badges.insert().values(
                cco_id=cco_id,
                certification=certification,
                kind=kind,
                achieved_on=on or first,
                fact_on=on or first,
                expires_on=expires_on if on else extend_to,
                expired_on=expired_on,
            )
        )
    else:
        values: dict = {"kind": kind}
        if on is not None and on >= row.fact_on:  # a later achievement or renewal wins
            values.update(fact_on=on, expires_on=expires_on)
            if row.expired_on is not None and row.expired_on <= on:
                values.update(expired_on=None, achieved_on=on)  # re-achieved after expiry (CE-5)
        if extend_to is not None and (row.expires_on is None or extend_to > row.expires_on):
            values["expires_on"] = extend_to  # never shortens (CE-7)
        if expired_on is not None and expired_on >= row.fact_on:
            values["expired_on"] = expired_on
        await uow.conn.execute(update(badges).where(*key).values(**values))
    await compliance.refresh_people(uow, [cco_id], await uow.today())


async def exam_passed(uow: UnitOfWork, e: c.ExamPassed) -> None:
    cco_id = await repository.resolve(uow.conn, e.cco_id)
    await _record_pass(uow, cco_id, e.exam_number, e.passed_on)
    await compliance.refresh_people(uow, [cco_id], await uow.today())


async def _record_pass(uow: UnitOfWork, cco_id: str, number: str, passed_on: date) -> None:
    key = (exam_passes.c.cco_id == cco_id, exam_passes.c.exam_number == number)
    known = await uow.conn.scalar(select(exam_passes.c.passed_on).where(*key))
    if known is None:
        await uow.conn.execute(exam_passes.insert().values(cco_id=cco_id, exam_number=number, passed_on=passed_on))
    elif passed_on < known:
        await uow.conn.execute(update(exam_passes).where(*key).values(passed_on=passed_on))


async def exam_replaced(uow: UnitOfWork, e: c.ExamReplaced, occurred_at: datetime) -> None:
    """CE-1 as certification (its owner) announced it: a new number is a new exam; with ``required``, passes of the
    old one stop counting on ``effective_on`` (SP-4 no longer applies to them, SP-14).

    The latest announcement of an exam wins, whatever the arrival order. Holders are re-judged at once: a role that
    ends today falls vacant now (``specialization.role.vacated``, compliance), one that ends within the warning
    days is warned now (``specialization.role.at_risk``, NO-4), a later one on its day.
    """
    if e.old_number == e.new_number:
        return
    order = (e.announced_on or date.min, occurred_at)
    key = exam_replacements.c.old_number == e.old_number
    known = (await uow.conn.execute(select(exam_replacements).where(key))).first()
    if known is not None and known.occurred_at is not None and (known.announced_on or date.min, known.occurred_at) >= order:
        return  # an older announcement arriving late
    await uow.conn.execute(delete(exam_replacements).where(key))
    await uow.conn.execute(
        exam_replacements.insert().values(
            old_number=e.old_number,
            new_number=e.new_number,
            required=e.required,
            effective_on=e.effective_on,
            announced_on=e.announced_on,
            occurred_at=occurred_at,
        )
    )
    today = await uow.today()
    await compliance.refresh_all(uow, today)
    await compliance.warn_at_risk(uow, today)


async def requirements_changed(uow: UnitOfWork, e: c.RequirementsChanged) -> None:
    """CE-10: a certification's requirements version as certification (its owner) announced it; every version is
    kept (a role naming a Specialist badge is met by the component exams of the version in force on the day).

    A version is keyed by (code, version): redelivery changes nothing, a republished version replaces its row.
    Holders are re-judged at once, as for an exam replacement: a role that ends today falls vacant now, one ending
    within the warning days is warned now (NO-4)."""
    key = (certification_requirements.c.code == e.code, certification_requirements.c.version == e.version)
    row = {
        "name": e.name[:200],
        "kind": e.kind,
        "effective_on": e.effective_on,
        "required_exams": [list(alt) for alt in e.required_exams],
        "renewal_exams": None if e.renewal_exams is None else [list(alt) for alt in e.renewal_exams],
        "prerequisites": list(e.prerequisites),
        "validity_months": e.validity_months,
    }
    known = (await uow.conn.execute(select(certification_requirements).where(*key))).first()
    if known is not None and {k: getattr(known, k) for k in row} == row:
        return
    await uow.conn.execute(delete(certification_requirements).where(*key))
    await uow.conn.execute(certification_requirements.insert().values(code=e.code, version=e.version, **row))
    today = await uow.today()
    await compliance.refresh_all(uow, today)
    await compliance.warn_at_risk(uow, today)


async def partner_credited(uow: UnitOfWork, e: c.PartnerCredited) -> None:
    """CL-7/CL-8 points per partner, person, specialization and date; negative points correct a credit.

    A credit counts toward exactly the ``specializations`` learning says (its CL View totals count the same):
    learning keeps every mandatory item's specialization among them (CL-3), so nothing is added here."""
    cco_id = await repository.resolve(uow.conn, e.cco_id)
    codes = sorted(set(e.specializations))
    if not codes:
        return
    stmt = uow.db.insert_ignoring_duplicates(credits)
    await uow.conn.execute(
        stmt,
        [
            {
                "credit_id": e.credit_id,
                "specialization": code,
                "be_geo_id": e.be_geo_id,
                "cco_id": cco_id,
                "activity_id": e.activity_id,
                "points": e.points,
                "earned_on": e.earned_on,
            }
            for code in codes
        ],
    )
    await cycle.reassess(uow, [(e.be_geo_id, code) for code in codes], await uow.today())


async def activity_published(uow: UnitOfWork, e: c.ActivityPublished) -> None:
    """CL-3: the activity's mandatory items (specialization, cycle) are replaced by what this publication says."""
    today = await uow.today()
    mine = mandatory_items.c.activity_id == e.activity_id
    existing = {
        (r.specialization, r.cycle): r.published_on for r in (await uow.conn.execute(select(mandatory_items).where(mine))).all()
    }
    await uow.conn.execute(delete(mandatory_items).where(mine))
    wanted = sorted({(m.specialization, m.cycle) for m in e.mandatory})
    rows = [
        {"activity_id": e.activity_id, "specialization": code, "cycle": cycle, "title": e.title[:300],
         "published_on": existing.get((code, cycle), today)}
        for code, cycle in wanted
    ]
    if rows:
        await uow.conn.execute(mandatory_items.insert(), rows)
    affected = {code for code, _ in set(existing) | set(wanted)}
    if affected:
        from specialization.tables import partner_specializations as ps

        keys = (await uow.conn.execute(select(ps.c.be_geo_id, ps.c.specialization).where(ps.c.specialization.in_(affected), ps.c.status == "grace"))).all()
        await cycle.reassess(uow, [(k.be_geo_id, k.specialization) for k in keys], today)


async def rekey(uow: UnitOfWork, merge: Merge) -> None:
    """ID-2: the identity mirror has moved the retired IDs' memberships and planned leaves to the survivor;
    here every record of specialization's own follows: nothing lost, nothing counted twice."""
    survivor, retired = merge.survivor, list(merge.retired)
    for p in (await uow.conn.execute(select(exam_passes).where(exam_passes.c.cco_id.in_(retired)))).all():
        await _record_pass(uow, survivor, p.exam_number, p.passed_on)
    await uow.conn.execute(delete(exam_passes).where(exam_passes.c.cco_id.in_(retired)))

    for b in (await uow.conn.execute(select(badges).where(badges.c.cco_id.in_(retired)))).all():
        mine = (await uow.conn.execute(select(badges).where(badges.c.cco_id == survivor, badges.c.certification == b.certification))).first()
        if mine is None or _better(b, mine):
            if mine is not None:
                await uow.conn.execute(delete(badges).where(badges.c.cco_id == survivor, badges.c.certification == b.certification))
            await uow.conn.execute(badges.insert().values({**b._mapping, "cco_id": survivor}))
    await uow.conn.execute(delete(badges).where(badges.c.cco_id.in_(retired)))

    await uow.conn.execute(update(credits).where(credits.c.cco_id.in_(retired)).values(cco_id=survivor))
    await _merge_allocations(uow, survivor, retired, merge.merged_on)


async def after_change(uow: UnitOfWork, change: Change) -> None:
    """A membership, planned leave or merge changed a person's facts: their role holdings are recomputed
    (SP-14; after a merge, the survivor's). A planned leave warns of the roles it vacates at once (NO-4)."""
    if change.kind == "profile":
        return
    person = change.cco_ids[0]
    today = await uow.today()
    await compliance.refresh_people(uow, [person], today)  # vacates_on becomes the leaving date, or is cleared
    if change.kind == "leave" and change.leaves_on is not None and change.be_geo_id is not None:
        await leaves.warn_leaving(uow, person, change.be_geo_id, change.leaves_on, today)


async def after_changes(uow: UnitOfWork, changes: list[Change]) -> None:
    """Memberships that changed together: their people's role holdings recomputed at once (SP-14); a leave or a
    merge as ``after_change`` has it."""
    people = sorted({change.cco_ids[0] for change in changes if change.kind == "membership"})
    if people:
        await compliance.refresh_people(uow, people, await uow.today())
    for change in changes:
        if change.kind in ("leave", "merge"):
            await after_change(uow, change)


def _better(a: Row[Any], b: Row[Any]) -> bool:
    """The badge record that lasts longer (then the later achievement) wins a merge."""
    def end(x: Row[Any]) -> date:
        ends = [d for d in (x.expires_on, x.expired_on) if d is not None]
        return min(ends) if ends else date.max

    return (end(a), a.fact_on) > (end(b), b.fact_on)


async def _merge_allocations(uow: UnitOfWork, survivor: str, retired: list[str], merged_on: date) -> None:
    """Allocations move to the survivor; a seat the survivor already holds is not held twice."""
    rows = (await uow.conn.execute(select(allocations).where(allocations.c.cco_id.in_([survivor, *retired])))).all()
    held = {(r.be_geo_id, r.specialization, r.role) for r in rows if r.cco_id == survivor and r.ended_on is None}
    for r in rows:
        if r.cco_id == survivor:
            continue
        seat = (r.be_geo_id, r.specialization, r.role)
        if r.ended_on is None and seat in held:
            await uow.conn.execute(
                update(allocations).where(allocations.c.id == r.id).values(cco_id=survivor, ended_on=merged_on, end_reason="merged")
            )
            continue
        if r.ended_on is None:
            held.add(seat)
        await uow.conn.execute(update(allocations).where(allocations.c.id == r.id).values(cco_id=survivor))
