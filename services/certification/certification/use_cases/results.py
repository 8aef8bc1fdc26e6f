"""Exam results from outside systems (CE-1): one at a time (recorded together when they arrive together),
idempotent on the external id."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from certification import repository
from certification.domain.rows import ResultRow, RowError, check_taken_on
from certification.tables import exam_results
from certification.use_cases.badges import recompute
from partnerhub.bus.contracts import ExamPassed
from partnerhub.db.uow import Database, UnitOfWork
from partnerhub.errors import Unprocessable


@dataclass(frozen=True)
class Result:
    id: str
    external_id: str
    cco_id: str
    original_cco_id: str
    exam_number: str
    taken_on: date
    passed: bool
    recorded_at: datetime


def result_of(row: Any) -> Result:
    return Result(
        row.id, row.external_id, row.cco_id, row.original_cco_id, row.exam_number, row.taken_on, row.passed,
        row.recorded_at,
    )


Outcome = tuple[Result, bool] | Unprocessable  # (result, created), or why it was refused


async def record_results(db: Database, today: date, rows: list[ResultRow]) -> list[Outcome]:
    """Record results of distinct external ids in one transaction, in order; one outcome per row, as each
    would have had alone (the API records the single results that arrive together this way).

    A known external id answers with the first result, before any check (a replay answers as the first
    time did); an unknown exam or a date after today is refused (CE-1); the others are inserted with
    ``ON CONFLICT DO NOTHING``, so one recorded meanwhile by another writer is a replay too. Then each
    owner's badges are recomputed once.
    """
    outcomes: dict[int, Outcome] = {}
    async with db.uow(today=today) as uow:
        conn = uow.conn
        catalog = await repository.catalog_of(db, conn)
        ids = [row.external_id for row in rows]
        first = {r.external_id: result_of(r) for r in await conn.execute(select(exam_results).where(exam_results.c.external_id.in_(ids)))}
        fresh: list[tuple[int, ResultRow]] = []
        for index, row in enumerate(rows):
            if row.external_id in first:
                outcomes[index] = (first[row.external_id], False)
            elif (problem := _refusal(row, catalog.exams, today)) is not None:
                outcomes[index] = problem
            else:
                fresh.append((index, row))
        if fresh:
            owners = await repository.resolve_many(conn, {row.cco_id for _, row in fresh})
            uow.attribute([owners.get(row.cco_id, row.cco_id) for row in rows])  # each result's events: its request's
            await recompute(uow, catalog, await _insert(uow, fresh, outcomes, owners), today)
        await uow.commit()
    return [outcomes[index] for index in range(len(rows))]


def _refusal(row: ResultRow, exams: Any, today: date) -> Unprocessable | None:
    if row.exam_number not in exams:
        return Unprocessable(
            f"Exam {row.exam_number} is not in the exam catalog.", slug="unknown-exam", exam_number=row.exam_number
        )
    try:
        check_taken_on(row.taken_on, today)
    except RowError as exc:
        return Unprocessable(str(exc), slug="invalid-exam-date", taken_on=row.taken_on.isoformat())
    return None


async def _insert(
    uow: UnitOfWork, fresh: list[tuple[int, ResultRow]], outcomes: dict[int, Outcome], owners: dict[str, str]
) -> list[str]:
    """Insert the fresh rows, fill in their outcomes and emit their passes; the owners of the rows recorded."""
    conn, now = uow.conn, datetime.now(UTC)
    made = {
        index: Result(str(uuid.uuid4()), row.external_id, owners[row.cco_id], row.cco_id, row.exam_number, row.taken_on, row.passed, now)
        for index, row in fresh
    }
    values = [
        {"id": r.id, "external_id": r.external_id, "cco_id": r.cco_id, "original_cco_id": r.original_cco_id,
         "exam_number": r.exam_number, "taken_on": r.taken_on, "passed": r.passed, "import_id": None, "recorded_at": now}
        for r in made.values()
    ]
    stmt = uow.db.insert_ignoring_duplicates(exam_results).returning(exam_results.c.external_id)
    inserted = set((await conn.execute(stmt, values)).scalars())  # executemany: one compiled form for any count
    raced = [r.external_id for r in made.values() if r.external_id not in inserted]
    won = {}
    if raced:  # another writer recorded these meanwhile: replays of theirs
        won = {r.external_id: result_of(r) for r in await conn.execute(select(exam_results).where(exam_results.c.external_id.in_(raced)))}
    for index, result in made.items():
        if result.external_id in inserted:
            outcomes[index] = (result, True)
            if result.passed:
                uow.emit(ExamPassed(cco_id=result.cco_id, exam_number=result.exam_number, passed_on=result.taken_on, result_id=result.id))
        else:
            outcomes[index] = (won[result.external_id], False)
    return [r.cco_id for r in made.values() if r.external_id in inserted]
