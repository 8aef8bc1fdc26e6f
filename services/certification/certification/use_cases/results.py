"""Exam results from outside systems (CE-1): one at a time, idempotent on the external id."""

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
from partnerhub.db.uow import Database
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


async def record_result(db: Database, today: date, row: ResultRow) -> tuple[Result, bool]:
    """Record one result and recompute the person's badges; (result, created). A replay of the
    external id returns the first result unchanged (created False).

    One connection, and the idempotency check is the INSERT itself (ON CONFLICT DO NOTHING): no row
    inserted means the external id is known, and the first result is read in the same transaction.
    """
    async with db.uow(today=today) as uow:
        conn = uow.conn
        catalog = await repository.catalog_of(db, conn)
        owner = await repository.resolve(conn, row.cco_id)
        result = Result(
            str(uuid.uuid4()), row.external_id, owner, row.cco_id, row.exam_number, row.taken_on, row.passed,
            datetime.now(UTC),
        )
        inserted = await conn.execute(
            db.insert_ignoring_duplicates(exam_results).values(
                id=result.id,
                external_id=result.external_id,
                cco_id=owner,
                original_cco_id=row.cco_id,
                exam_number=row.exam_number,
                taken_on=row.taken_on,
                passed=row.passed,
                import_id=None,
                recorded_at=result.recorded_at,
            )
        )
        if inserted.rowcount != 1:  # a replay, or a concurrent request with the same external id won
            first = (await conn.execute(select(exam_results).where(exam_results.c.external_id == row.external_id))).first()
            await uow.rollback()
            assert first is not None
            return result_of(first), False
        # after the replay check, as before it (a replay answers as the first time did); raising rolls back
        if row.exam_number not in catalog.exams:
            raise Unprocessable(
                f"Exam {row.exam_number} is not in the exam catalog.", slug="unknown-exam", exam_number=row.exam_number
            )
        try:
            check_taken_on(row.taken_on, today)
        except RowError as exc:
            raise Unprocessable(str(exc), slug="invalid-exam-date", taken_on=row.taken_on.isoformat()) from exc
        if row.passed:
            uow.emit(ExamPassed(cco_id=owner, exam_number=row.exam_number, passed_on=row.taken_on, result_id=result.id))
        await recompute(uow, catalog, [owner], today)
        await uow.commit()
    return result, True
