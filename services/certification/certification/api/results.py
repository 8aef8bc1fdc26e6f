"""Exam results from testing systems: one at a time (idempotent) or a bulk import (program staff, systems)."""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import asdict
from datetime import date
from pathlib import Path as FsPath
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from certification.api.schemas import ExamResultIn, ExamResultOut, ImportOut
from certification.domain.rows import ResultRow
from certification.settings import CertificationSettings
from certification.use_cases import imports as imports_uc
from certification.use_cases.results import Outcome, Result, record_results
from partnerhub.auth import Principal, require_roles
from partnerhub.combine import WriteBatches
from partnerhub.db.uow import Database
from partnerhub.errors import Problem, Unprocessable
from partnerhub.inputs import UnsafeText, check_single_line
from partnerhub.pagination import Page, paging
from partnerhub.service import ServiceRuntime, database_of, runtime_of, settings_of, today_of

router = APIRouter(prefix="/v1/exam-results", tags=["exam results"])


async def _record_together(key: tuple[Database, date], rows: list[ResultRow]) -> list[Outcome]:
    db, today = key
    return await record_results(db, today, rows)


# single results sent at the same time are recorded together, one transaction per batch, in arrival order; each
# answers with its own outcome (201, a 200 replay, or its 422) once its batch committed (partnerhub.combine)
SINGLE_RESULTS: WriteBatches[tuple[Database, date], ResultRow, Outcome] = WriteBatches(_record_together)
Writers = Depends(require_roles("program_staff", "system"))
UUID_PATTERN = r"^[0-9a-f-]{36}$"
IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "description": "the file: CSV with a header line, or JSON lines; raw, or as the multipart field `file`",
        "content": {
            # any bytes: bad lines are reported in the import, they never refuse the upload
            "text/csv": {},
            "application/x-ndjson": {},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            },
        },
    }
}
IMPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    201: {"description": "with ?wait=true: the import is done", "headers": {"Location": {"schema": {"type": "string"}}}},
    202: {"description": "the import runs; follow it at Location", "headers": {"Location": {"schema": {"type": "string"}}}},
    413: {"description": "the upload is larger than the import limit"},
    415: {"description": "the format is neither named nor recognisable from the file name or content type"},
    422: {"description": "an empty upload, or no multipart field `file`"},
}


def _out(result: Result) -> ExamResultOut:
    return ExamResultOut(
        id=result.id, external_id=result.external_id, cco_id=result.cco_id, recorded_as=result.original_cco_id,
        exam_number=result.exam_number, taken_on=result.taken_on, passed=result.passed, recorded_at=result.recorded_at,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Record an exam result (idempotent on external_id: a replay answers 200 with the first result)",
    responses={200: {"description": "a replay: the first result"}, 422: {"description": "unknown exam, date after today"}},
)
async def post_result(
    body: ExamResultIn,
    response: Response,
    db: Database = Depends(database_of),
    today: date = Depends(today_of),
    _: Principal = Writers,
) -> ExamResultOut:
    row = ResultRow(body.external_id, body.cco_id, body.exam_number, body.taken_on, body.passed)
    outcome = await SINGLE_RESULTS((db, today), row, apart=row.external_id)
    if isinstance(outcome, Unprocessable):
        raise outcome
    result, created = outcome
    if not created:
        response.status_code = status.HTTP_200_OK
        response.headers["Idempotent-Replayed"] = "true"
    return _out(result)


def _format_of(given: str | None, content_type: str, filename: str | None) -> str:
    if given:
        return given
    name = (filename or "").lower()
    if name.endswith(".csv") or "csv" in content_type:
        return "csv"
    if name.endswith((".jsonl", ".ndjson")) or any(t in content_type for t in ("ndjson", "jsonl", "json-lines", "json")):
        return "jsonl"
    raise Problem(
        "Say which format the upload is in: ?format=csv or ?format=jsonl (or name the file .csv/.jsonl).",
        status=415, slug="unsupported-media-type", title="Unsupported media type",
    )


def _filename(name: str | None) -> str | None:
    """The upload's file name as sent, kept for the report: one line of text, or a 422."""
    try:
        return check_single_line(name, "the file name") if name else None
    except UnsafeText as exc:
        raise Problem(str(exc), status=422, slug="invalid-request", title="Invalid request") from None


async def _save_upload(request: Request, limit: int) -> tuple[FsPath, str | None]:
    """The upload to a temporary file: multipart field ``file``, or the raw request body."""
    handle = tempfile.NamedTemporaryFile(prefix="cert-import-", suffix=".upload", delete=False)  # noqa: SIM115
    path, size, filename = FsPath(handle.name), 0, None
    try:
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            form = await request.form()
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise Problem("Send the file in the multipart field `file`.", status=422, slug="invalid-request")
            filename = _filename(upload.filename)
            while chunk := await upload.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise Problem(f"The upload is larger than {limit} bytes.", status=413, slug="payload-too-large")
                handle.write(chunk)
        else:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise Problem(f"The upload is larger than {limit} bytes.", status=413, slug="payload-too-large")
                handle.write(chunk)
        handle.close()
        if size == 0:
            raise Problem("The upload is empty.", status=422, slug="empty-upload")
        return path, filename
    except BaseException:
        handle.close()
        path.unlink(missing_ok=True)  # noqa: ASYNC240 (a local temporary file)
        raise


async def _with_errors(db: Database, import_id: str) -> ImportOut:
    report = await imports_uc.get_import(db, import_id)
    return ImportOut(**asdict(report), percent=report.percent, errors=await imports_uc.import_errors_of(db, import_id, 0, 100))


@router.post(
    "/imports",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Bulk import of exam results: CSV or JSON lines (multipart `file` or the raw body)",
    description=(
        "Fields: external_id, cco_id, exam_number, taken_on (YYYY-MM-DD), passed. A CSV needs a header "
        "line naming them. Answers 202 at once with the import's id; follow its progress at "
        "GET /v1/exam-results/imports/{id}. With ?wait=true the answer (201) comes when it is done. "
        "Bad lines are listed with what is wrong and never stop the good ones; lines already recorded "
        "(same external_id) count as replayed."
    ),
    responses=IMPORT_RESPONSES,
    openapi_extra=IMPORT_BODY,
)
async def post_import(
    request: Request,
    response: Response,
    format: Literal["csv", "jsonl"] | None = Query(None, description="default: from the file name or content type"),
    wait: bool = Query(False, description="answer only when the import is done"),
    runtime: ServiceRuntime = Depends(runtime_of),
    settings: CertificationSettings = Depends(settings_of(CertificationSettings)),
    principal: Principal = Writers,
) -> ImportOut:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data") and not format:
        fmt = _format_of(None, content_type, None)
    path, filename = await _save_upload(request, settings.import_max_bytes)
    try:
        fmt = _format_of(format, content_type if not content_type.startswith("multipart") else "", filename)
    except Problem:
        path.unlink(missing_ok=True)
        raise
    db = runtime.db
    total = await asyncio.to_thread(imports_uc.count_lines, path, fmt)
    import_id = await imports_uc.create_import(db, fmt, filename, principal.sub, lines_total=total)

    async def work() -> None:
        try:
            await imports_uc.run_import(
                db, import_id, path, fmt,
                batch_size=settings.import_batch_size, recompute_batch_size=settings.recompute_batch_size,
                recompute_workers=settings.recompute_workers, business_date=runtime.clock.today,
            )
        finally:
            path.unlink(missing_ok=True)

    # under the standalone's /certification mount too: the root path the request came through
    response.headers["Location"] = f"{request.scope.get('root_path', '')}/v1/exam-results/imports/{import_id}"
    if wait:
        await work()
        response.status_code = status.HTTP_201_CREATED
        return await _with_errors(db, import_id)
    tasks: set[asyncio.Task[None]] = request.app.state.__dict__.setdefault("certification_imports", set())
    task = asyncio.create_task(work(), name=f"import:{import_id}")
    tasks.add(task)
    task.add_done_callback(tasks.discard)
    return await _with_errors(db, import_id)


@router.get("/imports/{import_id}", summary="An import's progress and its first bad lines")
async def get_import(
    import_id: str = Path(pattern=UUID_PATTERN), db: Database = Depends(database_of), _: Principal = Writers
) -> ImportOut:
    return await _with_errors(db, import_id)


@router.get("/imports/{import_id}/errors", summary="An import's bad lines, each with what is wrong")
async def get_import_errors(
    import_id: str = Path(pattern=UUID_PATTERN),
    page: Page = Depends(paging),
    db: Database = Depends(database_of),
    _: Principal = Writers,
) -> list[dict[str, object]]:
    return await imports_uc.import_errors_of(db, import_id, page.offset, page.limit)


@router.get(
    "/imports/{import_id}/warnings",
    summary="An import's recorded lines worth a look: each with its CCO ID and why (an unknown CCO ID)",
)
async def get_import_warnings(
    import_id: str = Path(pattern=UUID_PATTERN),
    page: Page = Depends(paging),
    db: Database = Depends(database_of),
    _: Principal = Writers,
) -> list[dict[str, object]]:
    return await imports_uc.import_warnings_of(db, import_id, page.offset, page.limit)


