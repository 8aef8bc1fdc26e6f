"""Exam results from outside systems (CE-1): one at a time, idempotent on the external id."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from certification import repository
from certification.domain.rows import ResultRow, RowError, check_taken_on
from certification.tables import exam_results, exams
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


async def find_by_external_id(db: Database, external_id: str) -> Result | None:
    async with db.engine.connect() as conn:
        row = (await conn.execute(select(exam_results).where(exam_results.c.external_id == external_id))).first()
    return result_of(row) if row else None


async def record_result(db: Database, today: date, row: ResultRow) -> tuple[Result, bool]:
    """Record one result and recompute the person's badges; (result, created). A replay of the
    external id returns the first result unchanged (created False)."""
    first = await find_by_external_id(db, row.external_id)
    if first is not None:
        return first, False
    async with db.uow(today=today) as uow:
        conn = uow.conn
        known = set((await conn.execute(select(exams.c.number))).scalars())
        if row.exam_number not in known:
            raise Unprocessable(
                f"Exam {row.exam_number} is not in the exam catalog.", slug="unknown-exam", exam_number=row.exam_number
            )
        try:
            check_taken_on(row.taken_on, today)
        except RowError as exc:
            raise Unprocessable(str(exc), slug="invalid-exam-date", taken_on=row.taken_on.isoformat()) from exc
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
        if inserted.rowcount != 1:  # a concurrent request with the same external id won
            await uow.rollback()
            again = await find_by_external_id(db, row.external_id)
            assert again is not None
            return again, False
        if row.passed:
            uow.emit(ExamPassed(cco_id=owner, exam_number=row.exam_number, passed_on=row.taken_on, result_id=result.id))
        catalog = await repository.load_catalog(conn)
        await recompute(uow, catalog, [owner], today)
        await uow.commit()
    return result, True
