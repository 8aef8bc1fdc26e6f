"""Bulk import of historical exam results (JSON lines or CSV).

Phase 1 reads the file in batches: each batch's good lines, their ``exam.passed`` events, the
per-line errors, the progress counters and a "recompute" mark on each person commit in one
transaction; a bad line is reported and never stops or spoils the others. Phase 2 recomputes the
marked people's badges, a batch of people per transaction. A crash leaves committed batches and
marks in place: uploading the file again skips what was recorded (idempotent on external ids) and
the marks are picked up by the next import or the daily job.
"""

from __future__ import annotations

import asyncio
import csv
import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from certification import repository
from certification.domain.rows import FIELDS, ResultRow, RowError, parse_row
from certification.tables import IDENTITY, exam_results, import_errors, import_warnings, imports
from certification.use_cases.badges import dirty_people, recompute
from partnerhub.bus.contracts import ExamPassed
from partnerhub.db.uow import Database, UnitOfWork
from partnerhub.errors import NotFound
from partnerhub.ids import new_id
from partnerhub.inputs import visible
from partnerhub.logging import get_logger

log = get_logger(__name__)
MAX_LINE = 4096
FORMATS = ("csv", "jsonl")


@dataclass
class ImportReport:
    id: str
    format: str
    filename: str | None
    status: str
    lines_read: int
    lines_total: int | None
    accepted: int
    replayed: int
    rejected: int
    individuals_recomputed: int
    error: str | None
    started_at: datetime
    finished_at: datetime | None
    warned: int = 0

    @property
    def percent(self) -> float | None:
        """How far the import is, 0 to 100: lines read of the total, 100 only once it is done."""
        if self.status == "done":
            return 100.0
        if not self.lines_total:
            return None
        return min(99.9, round(100 * self.lines_read / self.lines_total, 1))


def report_of(row: Any) -> ImportReport:
    return ImportReport(
        row.id, row.format, row.filename, row.status, row.lines_read, row.lines_total, row.accepted, row.replayed,
        row.rejected, row.individuals_recomputed, row.error, row.started_at, row.finished_at, row.warned,
    )


def count_lines(path: Path, fmt: str) -> int:
    """The data lines of an upload: non-empty lines, less a CSV's header line."""
    lines = 0
    with path.open("rb") as handle:
        for raw in handle:
            if raw.strip():
                lines += 1
    return max(0, lines - 1) if fmt == "csv" else lines


async def create_import(
    db: Database, fmt: str, filename: str | None, created_by: str, lines_total: int | None = None
) -> str:
    import_id = new_id()
    async with db.uow() as uow:
        await uow.conn.execute(
            imports.insert().values(
                id=import_id, format=fmt, filename=(filename or "")[:200] or None, status="running",
                lines_read=0, lines_total=lines_total, accepted=0, replayed=0, rejected=0, warned=0,
                individuals_recomputed=0,
                created_by=created_by, started_at=datetime.now(UTC),
            )
        )
        await uow.commit()
    return import_id


async def get_import(db: Database, import_id: str) -> ImportReport:
    async with db.engine.connect() as conn:
        row = (await conn.execute(select(imports).where(imports.c.id == import_id))).first()
    if row is None:
        raise NotFound(f"No import {import_id}.", import_id=import_id)
    return report_of(row)


async def import_errors_of(db: Database, import_id: str, offset: int, limit: int) -> list[dict[str, Any]]:
    await get_import(db, import_id)
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            select(import_errors)
            .where(import_errors.c.import_id == import_id)
            .order_by(import_errors.c.line)
            .offset(offset)
            .limit(limit)
        )
        return [{"line": r.line, "error": r.error, "content": r.content} for r in rows]


async def import_warnings_of(db: Database, import_id: str, offset: int, limit: int) -> list[dict[str, Any]]:
    """The recorded lines worth a look, by line number: each with its CCO ID and why."""
    await get_import(db, import_id)
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            select(import_warnings)
            .where(import_warnings.c.import_id == import_id)
            .order_by(import_warnings.c.line)
            .offset(offset)
            .limit(limit)
        )
        return [{"line": r.line, "cco_id": r.cco_id, "reason": r.reason} for r in rows]


# reading the file ---------------------------------------------------------------------------------
Line = tuple[int, dict[str, Any] | None, str | None, str]  # (line number, fields, error, content)


def read_lines(path: Path, fmt: str) -> Iterator[Line]:
    """Each non-empty data line as fields, or as the reason it cannot be read."""
    header: list[str] | None = None
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            content = visible(raw[:200].decode("utf-8", "replace").rstrip("\r\n"))  # stored: no NUL or controls
            if len(raw) > MAX_LINE:
                yield number, None, f"line longer than {MAX_LINE} bytes", content
                continue
            try:
                text = raw.decode("utf-8").strip().lstrip("\ufeff")
            except UnicodeDecodeError:
                yield number, None, "line is not UTF-8 text", content
                continue
            if not text:
                continue
            if fmt == "jsonl":
                yield number, *_json_fields(text), content
                continue
            try:
                cells = next(csv.reader([text]))
            except csv.Error as exc:
                yield number, None, f"not a CSV line: {exc}", content
                continue
            if header is None:
                header = [c.strip().lower() for c in cells]
                missing = [f for f in FIELDS if f not in header]
                if missing:
                    raise HeaderError(f"the CSV header must name {', '.join(FIELDS)}; missing: {', '.join(missing)}")
                continue
            if len(cells) != len(header):
                yield number, None, f"expected {len(header)} values as in the header, found {len(cells)}", content
                continue
            yield number, {k: v.strip() for k, v in zip(header, cells, strict=True)}, None, content


def _json_fields(text: str) -> tuple[dict[str, Any] | None, str | None]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        return None, f"not valid JSON: {exc.args[0] if exc.args else exc}"
    if not isinstance(value, dict):
        return None, "a JSON line must be an object with the fields " + ", ".join(FIELDS)
    return value, None


class HeaderError(ValueError):
    pass


# running it -------------------------------------------------------------------------------------
async def run_import(
    db: Database,
    import_id: str,
    path: Path,
    fmt: str,
    *,
    batch_size: int = 5000,
    recompute_batch_size: int = 1000,
    recompute_workers: int = 2,
    progress: Callable[[ImportReport], None] | None = None,
    business_date: Callable[[], Awaitable[date]],
) -> ImportReport:
    """Import a file; ``business_date`` is the service's clock, read when the import starts and again when its
    badges are recomputed (a long import may see the clock move)."""
    today = await business_date()
    try:
        batch: list[Line] = []
        for line in read_lines(path, fmt):
            batch.append(line)
            if len(batch) >= batch_size:
                await _import_batch(db, import_id, batch, today)
                batch = []
                if progress:
                    progress(await get_import(db, import_id))
        if batch:
            await _import_batch(db, import_id, batch, today)
        await _set(db, import_id, status="recomputing")
        await recompute_marked(db, import_id, recompute_batch_size, progress, workers=recompute_workers, business_date=business_date)
        await _set(db, import_id, status="done", finished_at=datetime.now(UTC))
    except HeaderError as exc:
        await _set(db, import_id, status="failed", error=str(exc), finished_at=datetime.now(UTC))
    except Exception as exc:
        log.exception("import failed", import_id=import_id)
        await _set(db, import_id, status="failed", error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=datetime.now(UTC))
    return await get_import(db, import_id)


async def _set(db: Database, import_id: str, **values: Any) -> None:
    async with db.uow() as uow:
        await uow.conn.execute(update(imports).where(imports.c.id == import_id).values(**values))
        await uow.commit()


async def recompute_marked(
    db: Database,
    import_id: str | None,
    batch_size: int,
    progress: Callable[[ImportReport], None] | None = None,
    *,
    workers: int = 1,
    business_date: Callable[[], Awaitable[date]],
) -> None:
    """Recompute every marked person, a batch per transaction. On PostgreSQL several workers run
    side by side (each claims its batch with SKIP LOCKED), so one computes while another waits
    for the database; SQLite's writers queue anyway, so it uses one."""
    async with db.engine.connect() as conn:
        catalog = await repository.catalog_of(db, conn)
    today = await business_date()

    async def worker() -> None:
        while True:
            async with db.uow() as uow:
                people = await dirty_people(uow, batch_size)
                if not people:
                    return
                await recompute(uow, catalog, people, today)
                if import_id:
                    await uow.conn.execute(
                        update(imports)
                        .where(imports.c.id == import_id)
                        .values(individuals_recomputed=imports.c.individuals_recomputed + len(people))
                    )
                await uow.commit()
            if progress and import_id:
                progress(await get_import(db, import_id))

    await asyncio.gather(*(worker() for _ in range(db.concurrent_writers(workers))))


RESULT_COLUMNS = (
    "id", "external_id", "cco_id", "original_cco_id", "exam_number", "taken_on", "passed", "import_id", "recorded_at",
)


async def _import_batch(db: Database, import_id: str, batch: list[Line], today: date) -> None:
    """One batch in one transaction. The external ids are looked up first and the new results
    bulk-copied; if another writer recorded one of the same external ids in between, the copy
    fails and the batch runs again, and then finds that result recorded."""
    for attempt in (1, 2, 3):
        try:
            return await _apply_batch(db, import_id, batch, today)
        except IntegrityError:
            if attempt == 3:
                raise
            log.info("import batch met a result another writer recorded meanwhile; running it again", import_id=import_id)


async def _apply_batch(db: Database, import_id: str, batch: list[Line], today: date) -> None:
    errors: list[dict[str, Any]] = []
    async with db.uow() as uow:
        conn = uow.conn
        catalog = await repository.catalog_of(db, conn)
        parsed = _parse(batch, import_id, today, catalog.exams, errors)
        new_rows, replayed = await _first_seen(conn, parsed, import_id, errors)
        records = await _record_results(uow, import_id, new_rows)
        warnings = await _unknown_people(conn, import_id, parsed, new_rows)
        if errors:
            await conn.execute(db.insert_ignoring_duplicates(import_errors), errors)
        if warnings:
            await conn.execute(db.insert_ignoring_duplicates(import_warnings), warnings)
        await conn.execute(
            update(imports)
            .where(imports.c.id == import_id)
            .values(
                lines_read=imports.c.lines_read + len(batch),
                accepted=imports.c.accepted + records,
                replayed=imports.c.replayed + replayed,
                rejected=imports.c.rejected + len(errors),
                warned=imports.c.warned + len(warnings),
            )
        )
        await uow.commit()


def _parse(
    batch: list[Line], import_id: str, today: date, known_exams: Any, errors: list[dict[str, Any]]
) -> list[tuple[int, ResultRow, str]]:
    """The batch's lines as results; each line that is not one goes to ``errors`` with what is wrong."""
    parsed: list[tuple[int, ResultRow, str]] = []
    for number, fields, error, content in batch:
        if error is None and fields is not None:
            try:
                parsed.append((number, parse_row(fields, today=today, known_exams=known_exams), content))
                continue
            except RowError as exc:
                error = str(exc)
        errors.append({"import_id": import_id, "line": number, "error": visible(error or ""), "content": content})
    return parsed


async def _first_seen(
    conn: Any, parsed: list[tuple[int, ResultRow, str]], import_id: str, errors: list[dict[str, Any]]
) -> tuple[list[ResultRow], int]:
    """The results not recorded before, and how many lines repeat one recorded with the same values; a line
    with a recorded external_id but other values is an error (the first result stands)."""
    first_seen: dict[str, ResultRow] = {}
    for part in repository.chunks([p[1].external_id for p in parsed]):
        rows = await conn.execute(
            select(
                exam_results.c.external_id, exam_results.c.original_cco_id, exam_results.c.exam_number,
                exam_results.c.taken_on, exam_results.c.passed,
            ).where(exam_results.c.external_id.in_(part))
        )
        for r in rows:
            first_seen[r.external_id] = ResultRow(r.external_id, r.original_cco_id, r.exam_number, r.taken_on, r.passed)
    new_rows: list[ResultRow] = []
    replayed = 0
    for number, row, content in parsed:
        first = first_seen.get(row.external_id)
        if first is None:
            first_seen[row.external_id] = row
            new_rows.append(row)
        elif first == row:
            replayed += 1
        else:
            errors.append(
                {
                    "import_id": import_id, "line": number, "content": content,
                    "error": f"external_id {row.external_id} was recorded before with different values; the first result stands",
                }
            )
    return new_rows, replayed


UNKNOWN_PERSON = "identity has not told certification of this CCO ID (yet); the result is recorded under it"


async def _unknown_people(
    conn: Any, import_id: str, parsed: list[tuple[int, ResultRow, str]], new_rows: list[ResultRow]
) -> list[dict[str, Any]]:
    """The newly recorded lines whose CCO ID the identity mirror does not know. Certification does not refuse
    them (identity may learn of the person later, and history is history); it says so, line by line."""
    recorded = {id(r) for r in new_rows}
    known = await IDENTITY.known(conn, {r.cco_id for r in new_rows})
    return [
        {"import_id": import_id, "line": number, "cco_id": row.cco_id[:64], "reason": UNKNOWN_PERSON}
        for number, row, _ in parsed
        if id(row) in recorded and row.cco_id not in known
    ]


async def _record_results(uow: UnitOfWork, import_id: str, new_rows: list[ResultRow]) -> int:
    """Copy the new results in, each pass with its ``exam.passed`` event, and mark their owners for recomputing."""
    owners = await repository.resolve_many(uow.conn, (r.cco_id for r in new_rows))
    now = datetime.now(UTC)
    records = []
    passed_by: set[str] = set()  # owners whose badges may change
    for row in new_rows:
        result_id = new_id()
        owner = owners[row.cco_id]
        records.append(
            (result_id, row.external_id, owner, row.cco_id, row.exam_number, row.taken_on, row.passed, import_id, now)
        )
        if row.passed:
            passed_by.add(owner)
            uow.emit(ExamPassed(cco_id=owner, exam_number=row.exam_number, passed_on=row.taken_on, result_id=result_id))
    if records:
        await uow.db.copy_rows(uow.conn, exam_results, RESULT_COLUMNS, records)
        await repository.mark_dirty(uow.db, uow.conn, passed_by)
    return len(records)
