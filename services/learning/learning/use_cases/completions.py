"""Completions (API and xAPI): many per request, one transaction per batch, bulk statements.

Idempotent on the external id; each item gets its own outcome, so one bad or repeated
item never rejects the others. Videos earn when viewed, never when downloaded (CL-4);
an activity earns its points once per person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from learning.domain.points import completion_problem, earns, occurred_problem
from learning.tables import completions
from learning.use_cases import ledger
from learning.use_cases.library import published_activities
from partnerhub.db.uow import Database, UnitOfWork

Outcome = Literal["earned", "recorded", "already_earned", "duplicate", "rejected"]


@dataclass(frozen=True)
class CompletionIn:
    external_id: str
    cco_id: str
    activity_id: str
    action: str
    occurred_at: datetime
    source: str = "api"


@dataclass
class ItemResult:
    index: int
    external_id: str | None
    status: Outcome
    points: int = 0
    reason: str | None = None
    entry_id: str | None = None


async def record(db: Database, today: date, items: list[tuple[int, CompletionIn]]) -> list[ItemResult]:
    """Apply a batch of already-validated items; returns one result per item (by index).

    Two requests racing with the same new external id for different people: the loser's
    transaction fails on the primary key and is run again, and then reports the duplicate."""
    for attempt in (1, 2, 3):
        try:
            return await _record(db, today, items)
        except IntegrityError:
            if attempt == 3:
                raise
    raise AssertionError("unreachable")


Results = dict[int, ItemResult]
Items = list[tuple[int, CompletionIn]]
COMPLETION_COLUMNS = ("external_id", "source", "cco_id", "person", "activity_id", "action", "occurred_at", "recorded_at")


async def _record(db: Database, today: date, items: Items) -> list[ItemResult]:
    """Each item's outcome: repeated in the batch, refused, already received, recorded, earned or already earned."""
    if not items:
        return []
    async with db.uow(today=today) as uow:
        results = await record_in(uow, items, today)
        await uow.commit()
    return results


async def record_in(uow: UnitOfWork, items: Items, today: date) -> list[ItemResult]:
    """The batch inside the caller's transaction (xAPI stores its statements in the same one); the caller
    commits. A duplicate external id met by the bulk copy raises IntegrityError: run the whole again."""
    results: Results = {}
    fresh = _first_of_each(items, results)
    if not fresh:
        return [results[i] for i in sorted(results)]
    # the checks that need no lock first: an item refused by them locks (and so writes) nothing
    library = await published_activities(uow.conn, {i.activity_id for _, i in fresh})
    checked = _acceptable(fresh, library, today, results)
    survivors = await ledger.resolve(uow, {i.cco_id for _, i in checked})
    # a group commit of single completions: the events of a person's activity carry the request's correlation
    uow.attribute(
        [(survivors.get(i.cco_id, i.cco_id), i.activity_id) for _, i in sorted(items, key=lambda pair: pair[0])],
        key_of=_person_and_activity,
    )
    await ledger.lock_people(uow, survivors.values())
    accepted = await _not_received_before(uow, checked, results)
    if accepted:
        # the ids were checked under the people's locks; a rare race retries
        now = datetime.now(UTC)
        rows = [
            (i.external_id, i.source, i.cco_id, survivors[i.cco_id], i.activity_id, i.action, i.occurred_at, now)
            for _, i in accepted
        ]
        await uow.db.copy_rows(uow.conn, completions, COMPLETION_COLUMNS, rows)
        entry_of = _entries(accepted, library, survivors, results)
        await _earn(uow, entry_of, dict(accepted), results)
    return [results[i] for i in sorted(results)]


def _person_and_activity(event: Any) -> tuple[Any, Any]:
    return getattr(event, "cco_id", None), getattr(event, "activity_id", None)


def _first_of_each(items: Items, results: Results) -> Items:
    """The first item of each external id; later ones in the same batch are duplicates."""
    fresh: Items = []
    seen: set[str] = set()
    for index, item in items:
        if item.external_id in seen:
            results[index] = ItemResult(index, item.external_id, "duplicate", reason="repeated in this batch")
        else:
            seen.add(item.external_id)
            fresh.append((index, item))
    return fresh


def _acceptable(fresh: Items, library: dict[str, Any], today: date, results: Results) -> Items:
    """Items of a published activity, with an action it takes (CL-4) and a date not in the future."""
    checked: Items = []
    for index, item in fresh:
        activity = library.get(item.activity_id)
        problem = (
            f"no published activity {item.activity_id!r} in the library"
            if activity is None
            else completion_problem(activity.kind, item.action) or occurred_problem(item.occurred_at, today)
        )
        if problem is not None:
            results[index] = ItemResult(index, item.external_id, "rejected", reason=problem)
        else:
            checked.append((index, item))
    return checked


async def _not_received_before(uow: UnitOfWork, checked: Items, results: Results) -> Items:
    known: set[str] = set()
    for part in ledger.chunks([i.external_id for _, i in checked]):
        rows = await uow.conn.execute(select(completions.c.external_id).where(completions.c.external_id.in_(part)))
        known.update(r.external_id for r in rows)
    accepted: Items = []
    for index, item in checked:
        if item.external_id in known:
            results[index] = ItemResult(index, item.external_id, "duplicate", reason="already received")
        else:
            accepted.append((index, item))
    return accepted


def _entries(
    accepted: Items, library: dict[str, Any], survivors: dict[str, str], results: Results
) -> dict[int, ledger.NewEntry]:
    """The ledger entry each earning item would make: one per (person, activity) in the batch (CL-6)."""
    candidates: dict[tuple[str, str], ledger.NewEntry] = {}
    entry_of: dict[int, ledger.NewEntry] = {}
    for index, item in accepted:
        activity = library[item.activity_id]
        if not earns(activity.kind, item.action):
            why = f"{item.action} does not earn points for a {activity.kind}"
            results[index] = ItemResult(index, item.external_id, "recorded", reason=why)
            continue
        person = survivors[item.cco_id]
        key = (person, activity.activity_id)
        if key not in candidates:
            candidates[key] = ledger.NewEntry(
                cco_id=person,
                earned_by=item.cco_id,
                activity_id=activity.activity_id,
                points=activity.points,
                earned_on=item.occurred_at.astimezone(UTC).date(),
                specializations=list(activity.specializations),
                mandatory_for=list(activity.mandatory_for),
                source=item.source,
                source_ref=item.external_id,
            )
        entry_of[index] = candidates[key]
    return entry_of


async def _earn(
    uow: UnitOfWork, entry_of: dict[int, ledger.NewEntry], by_index: dict[int, CompletionIn], results: Results
) -> None:
    """Add the entries; the first item of a new entry earned it, the others (and earlier earners) did not."""
    unique = list({id(e): e for e in entry_of.values()}.values())
    added = {e.entry_id for e in await ledger.add_entries(uow, unique)}
    claimed: set[str] = set()
    for index, entry in sorted(entry_of.items()):
        item_id = by_index[index].external_id
        if entry.entry_id in added and entry.entry_id not in claimed:
            claimed.add(entry.entry_id)
            results[index] = ItemResult(index, item_id, "earned", points=entry.points, entry_id=entry.entry_id)
        else:
            results[index] = ItemResult(
                index, item_id, "already_earned", reason="this person already earned this activity's points"
            )
