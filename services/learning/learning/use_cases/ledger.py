"""The point ledger and partner credits: the one place that writes entries and credits.

Every writer locks the people it touches first (a row per person, in CCO ID order), so a
membership change and a batch of completions for the same person never miss each other.
Credits then lock the partners' period rows for share while they add to the CL View totals;
a period change (an exclusive lock) waits for them and rebuilds the totals.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Insert, Join, Row, and_, delete, func, literal, select, update

from learning.domain.attribution import (
    CreditChange,
    CreditState,
    EntryFact,
    Stint,
    credited_partners,
    desired_credits,
    plan_reconciliation,
)
from learning.domain.periods import Period
from learning.tables import (
    IDENTITY,
    clview_points,
    credits,
    entries,
    entry_specializations,
    memberships,
    periods,
)
from partnerhub.bus.contracts import MandatoryItem, PartnerCredited, PointsEarned
from partnerhub.db.lookups import chunks
from partnerhub.db.uow import Database, UnitOfWork
from partnerhub.ids import new_id

ENTRY_COLUMNS = (
    "entry_id", "cco_id", "earned_by", "activity_id", "source", "source_ref", "points", "earned_on",
    "specializations", "mandatory_for", "voided", "recorded_at",
)


@dataclass
class NewEntry:
    cco_id: str
    activity_id: str
    points: int
    earned_on: date
    specializations: list[str]
    mandatory_for: list[dict[str, str]]
    source: str
    source_ref: str
    earned_by: str = ""
    entry_id: str = field(default_factory=new_id)


# people -----------------------------------------------------------------------------------------
async def resolve(uow: UnitOfWork, cco_ids: Iterable[str]) -> dict[str, str]:
    """Each ID mapped to its active ID (a retired ID resolves to its survivor, ID-2)."""
    return await IDENTITY.resolve_many(uow.conn, cco_ids)


async def lock_people(uow: UnitOfWork, cco_ids: Iterable[str]) -> None:
    """The identity mirror's row per person, in CCO ID order (the mirror's handlers take the same locks)."""
    await IDENTITY.lock(uow, cco_ids)


async def stints_of(uow: UnitOfWork, cco_ids: Iterable[str]) -> dict[str, list[Stint]]:
    ids = sorted(set(cco_ids))
    found: dict[str, list[Stint]] = defaultdict(list)
    for part in chunks(ids):
        rows = await uow.conn.execute(select(memberships).where(memberships.c.cco_id.in_(part)))
        for r in rows:
            found[r.cco_id].append(Stint(r.be_geo_id, r.started_on, r.ended_on))
    return found


# entries ----------------------------------------------------------------------------------------
async def add_entries(uow: UnitOfWork, new: list[NewEntry]) -> list[NewEntry]:
    """Insert entries (callers hold the people's locks); an activity earns once per person.
    Returns the entries that were new; they are announced and credited."""
    if not new:
        return []
    added = await _not_yet_earned(uow, new)
    if not added:
        return []
    await _write_entries(uow, added)
    for e in added:
        uow.emit(
            PointsEarned(
                entry_id=e.entry_id,
                cco_id=e.cco_id,
                activity_id=e.activity_id,
                points=e.points,
                earned_on=e.earned_on,
                specializations=e.specializations,
            )
        )
    await credit_new_entries(uow, added)
    return added


async def _not_yet_earned(uow: UnitOfWork, new: list[NewEntry]) -> list[NewEntry]:
    """The entries whose person has not earned their activity yet (the first of each in ``new``)."""
    # callers hold the people's locks, so what is not there now cannot appear before we commit:
    # look first, then insert plainly (a bulk executemany, no RETURNING round trips)
    held: set[tuple[str, str]] = set()
    persons = sorted({e.cco_id for e in new})
    activity_ids = sorted({e.activity_id for e in new})
    for part in chunks(persons):
        rows = await uow.conn.execute(
            select(entries.c.cco_id, entries.c.activity_id).where(
                entries.c.cco_id.in_(part), entries.c.activity_id.in_(activity_ids), entries.c.voided.is_(False)
            )
        )
        held.update((r.cco_id, r.activity_id) for r in rows)
    added = []
    for e in new:
        if (e.cco_id, e.activity_id) not in held:
            held.add((e.cco_id, e.activity_id))
            added.append(e)
    return added


async def _write_entries(uow: UnitOfWork, added: list[NewEntry]) -> None:
    """The entries and the specializations each counts for, by bulk copy."""
    now = datetime.now(UTC)
    await uow.db.copy_rows(
        uow.conn,
        entries,
        ENTRY_COLUMNS,
        [
            (
                e.entry_id, e.cco_id, e.earned_by or e.cco_id, e.activity_id, e.source, e.source_ref, e.points,
                e.earned_on, json.dumps(e.specializations), json.dumps(e.mandatory_for), False, now,
            )
            for e in added
        ],
    )
    await uow.db.copy_rows(
        uow.conn,
        entry_specializations,
        ("entry_id", "specialization"),
        [(e.entry_id, s) for e in added for s in e.specializations],
    )


@dataclass(frozen=True)
class CreditLine:
    be_geo_id: str
    entry_id: str
    cco_id: str
    activity_id: str
    points: int  # signed
    earned_on: date
    specializations: tuple[str, ...]  # what the credit counts toward, here (CL View) and in specialization alike
    mandatory: tuple[MandatoryItem, ...]


def _items(mandatory_for: list[dict[str, str]]) -> tuple[MandatoryItem, ...]:
    return tuple(MandatoryItem.model_validate(m) for m in mandatory_for)


async def credit_new_entries(uow: UnitOfWork, added: list[NewEntry]) -> None:
    """CL-7/CL-8 for fresh entries: credit every partner the person's memberships say."""
    if not added:
        return
    stints = await stints_of(uow, {e.cco_id for e in added})
    lines = [
        CreditLine(p, e.entry_id, e.cco_id, e.activity_id, e.points, e.earned_on, tuple(e.specializations), _items(e.mandatory_for))
        for e in added
        for p in sorted(credited_partners(e.earned_on, stints.get(e.cco_id, [])))
    ]
    if not lines:
        return
    now = datetime.now(UTC)
    await uow.db.copy_rows(  # the entries are new: no credit of them exists yet
        uow.conn,
        credits,
        ("be_geo_id", "entry_id", "cco_id", "activity_id", "points", "earned_on", "active", "updated_at"),
        [(c.be_geo_id, c.entry_id, c.cco_id, c.activity_id, c.points, c.earned_on, True, now) for c in lines],
    )
    _announce(uow, lines)
    await add_to_totals(uow, lines)


def _announce(uow: UnitOfWork, lines: Iterable[CreditLine]) -> None:
    for c in lines:
        uow.emit(
            PartnerCredited(
                credit_id=new_id(),
                be_geo_id=c.be_geo_id,
                cco_id=c.cco_id,
                entry_id=c.entry_id,
                activity_id=c.activity_id,
                points=c.points,
                earned_on=c.earned_on,
                specializations=list(c.specializations),
                mandatory=list(c.mandatory),
            )
        )


# the CL View totals -----------------------------------------------------------------------------
def _upsert_add(db: Database) -> Insert:
    stmt = db.insert(clview_points)
    return stmt.on_conflict_do_update(
        index_elements=["be_geo_id", "specialization", "cco_id"],
        set_={"points": clview_points.c.points + stmt.excluded.points},
    )


async def add_to_totals(uow: UnitOfWork, lines: Sequence[CreditLine]) -> None:
    """Add signed credit lines to the per-person totals of each partner's current period (CL-9)."""
    keys = sorted({(c.be_geo_id, s) for c in lines for s in c.specializations})
    if not keys:
        return
    await uow.conn.execute(
        uow.db.insert_ignoring_duplicates(periods), [{"be_geo_id": p, "specialization": s} for p, s in keys]
    )
    partners = sorted({p for p, _ in keys})
    current: dict[tuple[str, str], Period] = {}
    for part in chunks(partners):
        query = (
            select(periods.c.be_geo_id, periods.c.specialization, periods.c.period_start, periods.c.period_end)
            .where(periods.c.be_geo_id.in_(part))
            .order_by(periods.c.be_geo_id, periods.c.specialization)
        )
        query = uow.db.for_update(query, read=True)
        for r in await uow.conn.execute(query):
            if r.period_start is not None and r.period_end is not None:
                current[(r.be_geo_id, r.specialization)] = Period(r.period_start, r.period_end)
    sums: dict[tuple[str, str, str], int] = defaultdict(int)
    for c in lines:
        for s in c.specializations:
            period = current.get((c.be_geo_id, s))
            if period is not None and period.contains(c.earned_on):
                sums[(c.be_geo_id, s, c.cco_id)] += c.points
    if sums:
        await uow.conn.execute(
            _upsert_add(uow.db),
            [{"be_geo_id": p, "specialization": s, "cco_id": i, "points": n} for (p, s, i), n in sorted(sums.items())],
        )


def counted_credits(be_geo_id: str, specialization: str, start: date, end: date) -> tuple[Join, list[Any]]:
    """The credits that make up a partner's CL View total for a specialization (CL-9): active
    credits of entries that count for it, earned in the period. The join, and its filter."""
    joined = credits.join(
        entry_specializations,
        and_(
            entry_specializations.c.entry_id == credits.c.entry_id,
            entry_specializations.c.specialization == specialization,
        ),
    )
    return joined, [
        credits.c.be_geo_id == be_geo_id,
        credits.c.active.is_(True),
        credits.c.earned_on >= start,
        credits.c.earned_on <= end,
    ]


async def rebuild_totals(uow: UnitOfWork, be_geo_id: str, specialization: str, period: Period | None) -> None:
    """Recompute one partner's per-person totals for a (new) period from its credits."""
    await uow.conn.execute(
        delete(clview_points).where(
            clview_points.c.be_geo_id == be_geo_id, clview_points.c.specialization == specialization
        )
    )
    if period is None:
        return
    joined, counted = counted_credits(be_geo_id, specialization, period.start, period.end)
    source = (
        select(literal(be_geo_id), literal(specialization), credits.c.cco_id, func.sum(credits.c.points))
        .select_from(joined)
        .where(*counted)
        .group_by(credits.c.cco_id)
    )
    await uow.conn.execute(
        clview_points.insert().from_select(["be_geo_id", "specialization", "cco_id", "points"], source)
    )


# corrections ------------------------------------------------------------------------------------
async def reconcile_people(uow: UnitOfWork, cco_ids: Iterable[str]) -> None:
    """Bring the credits of these people's entries in line with their memberships (CL-8, ID-2):
    missing credits are granted, wrong ones revoked with negative (correcting) credit events."""
    ids = sorted(set(cco_ids))
    rows = []
    for part in chunks(ids):
        rows.extend(await uow.conn.execute(select(entries).where(entries.c.cco_id.in_(part))))
    if not rows:
        return
    by_id = {r.entry_id: r for r in rows}
    active = [EntryFact(r.entry_id, r.cco_id, r.earned_on) for r in rows if not r.voided]
    stints = await stints_of(uow, ids)
    desired = desired_credits(active, stints)
    existing = await _credit_states(uow, sorted(by_id))
    changes = plan_reconciliation(desired, existing)
    if not changes:
        return
    now = datetime.now(UTC)
    lines: list[CreditLine] = []
    for ch in changes:
        e = by_id[ch.entry_id]
        await _apply_change(uow, ch, e, existing, now)
        lines.append(
            CreditLine(
                ch.be_geo_id,
                ch.entry_id,
                ch.cco_id,
                e.activity_id,
                ch.sign * e.points,
                e.earned_on,
                tuple(e.specializations),
                _items(e.mandatory_for),
            )
        )
    _announce(uow, lines)
    await add_to_totals(uow, lines)


async def _credit_states(uow: UnitOfWork, entry_ids: list[str]) -> dict[tuple[str, str], CreditState]:
    """The credits these entries have now, by (partner, entry): whose they are and whether they count."""
    existing: dict[tuple[str, str], CreditState] = {}
    for part in chunks(entry_ids):
        for c in await uow.conn.execute(
            select(credits.c.be_geo_id, credits.c.entry_id, credits.c.cco_id, credits.c.active).where(
                credits.c.entry_id.in_(part)
            )
        ):
            existing[(c.be_geo_id, c.entry_id)] = CreditState(c.cco_id, c.active)
    return existing


async def _apply_change(
    uow: UnitOfWork, ch: CreditChange, e: Row[Any], existing: dict[tuple[str, str], CreditState], now: datetime
) -> None:
    """One planned change: a credit granted (again, or for the first time: ``existing`` learns it) or revoked."""
    key = (ch.be_geo_id, ch.entry_id)
    if ch.sign > 0:
        if key in existing:
            await uow.conn.execute(
                update(credits)
                .where(credits.c.be_geo_id == ch.be_geo_id, credits.c.entry_id == ch.entry_id)
                .values(active=True, cco_id=ch.cco_id, updated_at=now)
            )
        else:
            await uow.conn.execute(
                credits.insert().values(
                    be_geo_id=ch.be_geo_id,
                    entry_id=ch.entry_id,
                    cco_id=ch.cco_id,
                    activity_id=e.activity_id,
                    points=e.points,
                    earned_on=e.earned_on,
                    active=True,
                    updated_at=now,
                )
            )
            existing[key] = CreditState(ch.cco_id, True)
    else:
        await uow.conn.execute(
            update(credits)
            .where(credits.c.be_geo_id == ch.be_geo_id, credits.c.entry_id == ch.entry_id)
            .values(active=False, updated_at=now)
        )


# voiding (xAPI) ---------------------------------------------------------------------------------
async def people_of_sources(uow: UnitOfWork, source_refs: Iterable[str]) -> set[str]:
    """The people whose active entries these sources earned (to lock before voiding them)."""
    found: set[str] = set()
    for part in chunks(sorted(set(source_refs))):
        rows = await uow.conn.execute(
            select(entries.c.cco_id).where(entries.c.source_ref.in_(part), entries.c.voided.is_(False))
        )
        found.update(r.cco_id for r in rows)
    return found


async def void_sources(uow: UnitOfWork, source_refs: Iterable[str]) -> dict[str, int]:
    """The entries these sources earned are voided and their partner credits revoked: negative
    `learning.partner.credited` events, and the CL View totals follow. The callers hold the people's
    locks (``people_of_sources``); an entry already voided is left alone, so each is taken back once.
    Returns the points taken back per source."""
    refs = sorted(set(source_refs))
    rows = []
    for part in chunks(refs):
        rows.extend(
            await uow.conn.execute(
                select(entries.c.entry_id, entries.c.cco_id, entries.c.source_ref, entries.c.points).where(
                    entries.c.source_ref.in_(part), entries.c.voided.is_(False)
                )
            )
        )
    if not rows:
        return {}
    for part in chunks([r.entry_id for r in rows]):
        await uow.conn.execute(update(entries).where(entries.c.entry_id.in_(part)).values(voided=True))
    await reconcile_people(uow, {r.cco_id for r in rows})
    taken: dict[str, int] = defaultdict(int)
    for r in rows:
        taken[r.source_ref] += r.points
    return dict(taken)
