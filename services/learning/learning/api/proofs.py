"""Proofs of attendance (CL-5): the individual or their partner's admin submits; program staff decide."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import Response

from learning.api.access import SETTINGS
from learning.api.schemas import (
    ACTIVITY_ID_PATTERN,
    CCO_ID_PATTERN,
    SPEC_PATTERN,
    Decision,
    ProofOut,
)
from learning.domain.proofs import detect_type
from learning.settings import LearningSettings
from learning.use_cases import proofs
from learning.use_cases.proof_store import proof_store
from learning.use_cases.proofs import ProofIn
from partnerhub.auth import Principal, current_principal, require_person, require_roles
from partnerhub.errors import NotFound, Problem
from partnerhub.inputs import BusinessDate, single_line
from partnerhub.pagination import Page, paging
from partnerhub.policy import Person, PersonRight
from partnerhub.service import ServiceRuntime, runtime_of, today_of

router = APIRouter(prefix="/v1/proofs", tags=["proofs"])
ProofId = Path(pattern=r"^[0-9a-f-]{36}$")
staff_only = require_roles("program_staff")
MULTIPART_OVERHEAD = 64 * 1024
EventName = single_line(200)
EVIDENCE_TYPES = ("application/pdf", "image/png", "image/jpeg", "message/rfc822")
SUBMIT_RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"description": "neither the attendee, an admin of theirs, nor program staff"},
    404: {"description": "the attendee is not at the admin's partners, or no published event has that activity_id"},
    413: {"description": "the file is larger than the limit"},
    415: {"description": "the file is not a PDF, PNG, JPEG or e-mail (EML) message"},
    422: {"description": "invalid fields, an attendance date after today, or an empty file"},
}
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the file as stored, in the type detected at submission",
        "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in EVIDENCE_TYPES},
    },
}
DECIDED = {409: {"description": "the proof was already decided, or the attendee already has points for that event"}}


def _too_large(limit: int) -> Problem:
    return Problem(f"The proof file is larger than {limit} bytes.", status=413, slug="proof-too-large")


async def refuse_oversized(request: Request, settings: LearningSettings = Depends(SETTINGS)) -> None:
    """Refuse before reading the body when the declared length is already too big."""
    limit = settings.proof_max_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + MULTIPART_OVERHEAD:
        raise _too_large(limit)


async def _read_limited(upload: UploadFile, limit: int) -> bytes:
    chunks, size = [], 0
    while chunk := await upload.read(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "",
    status_code=201,
    summary="Submit a proof of attendance (the individual, their partner's admin, program staff; CL-5)",
    dependencies=[Depends(refuse_oversized)],
    responses=SUBMIT_RESPONSES,
)
async def submit(
    *,  # the form fields are Annotated: FastAPI drops a type's own validators from ``x: T = Form(...)``
    cco_id: Annotated[str, Form(pattern=CCO_ID_PATTERN, description="who attended")],
    event: Annotated[EventName, Form(description="e.g. Cisco Live 2026 Las Vegas")],
    specialization: Annotated[str, Form(pattern=SPEC_PATTERN, description="the specialization the points go to")],
    attended_on: Annotated[BusinessDate, Form(description="the attendance date: the points count from it")],
    activity_id: Annotated[str | None, Form(pattern=ACTIVITY_ID_PATTERN, description="the event in the library, if listed")] = None,
    file: Annotated[
        UploadFile, File(description="certificate, screenshot, registration e-mail or receipt: PDF, PNG, JPEG or EML")
    ],
    runtime: ServiceRuntime = Depends(runtime_of),
    today: date = Depends(today_of),
    settings: LearningSettings = Depends(SETTINGS),
    principal: Principal = Depends(current_principal),
) -> ProofOut:
    current = await proofs.current_partners_among(runtime.db, cco_id, principal.administered, today)
    require_person(
        principal,
        PersonRight.ACT_FOR,
        Person.of(principal, [cco_id], current),
        cco_id,
        forbidden="Only the attendee, their partner's admins and program staff submit proofs.",
    )
    if attended_on > today:
        raise Problem(f"attended_on {attended_on} is after today ({today}).", status=422, slug="attendance-in-future")
    content = await _read_limited(file, settings.proof_max_bytes)
    if not content:
        raise Problem("The proof file is empty.", status=422, slug="proof-empty")
    kind = detect_type(content[:4096])
    if kind is None:
        raise Problem(
            "The proof file's content is not a PDF, PNG, JPEG or e-mail (EML) message.",
            status=415,
            slug="proof-type-not-accepted",
        )
    record = await proofs.submit(
        runtime.db,
        proof_store(settings, runtime.db),
        ProofIn(cco_id, event.strip(), specialization, attended_on, activity_id, file.filename or "proof", kind, content),
        principal.sub,
    )
    return ProofOut(**record)


@router.get("", summary="Proofs, e.g. those awaiting a decision (program staff)")
async def list_proofs(
    status: str | None = Query(None, pattern="^(submitted|accepted|rejected)$"),
    page: Page = Depends(paging),
    runtime: ServiceRuntime = Depends(runtime_of),
    _: Principal = Depends(staff_only),
) -> list[ProofOut]:
    return [ProofOut(**p) for p in await proofs.list_proofs(runtime.db, status, page.limit, page.offset)]


async def _visible(runtime: ServiceRuntime, proof_id: str, principal: Principal) -> dict[str, Any]:
    record = await proofs.get(runtime.db, proof_id)
    if not (principal.is_staff or principal.sub in (record["cco_id"], record["submitted_by"])):
        raise NotFound(f"No proof {proof_id}.", proof_id=proof_id)
    return record


@router.get("/{proof_id}", summary="A proof (program staff, the attendee, the submitter)")
async def read_proof(
    proof_id: str = ProofId, runtime: ServiceRuntime = Depends(runtime_of), principal: Principal = Depends(current_principal)
) -> ProofOut:
    return ProofOut(**await _visible(runtime, proof_id, principal))


@router.get(
    "/{proof_id}/file",
    summary="The evidence file (program staff, the attendee, the submitter)",
    response_class=Response,
    responses=FILE_RESPONSES,
)
async def read_file(
    proof_id: str = ProofId,
    runtime: ServiceRuntime = Depends(runtime_of),
    settings: LearningSettings = Depends(SETTINGS),
    principal: Principal = Depends(current_principal),
) -> Response:
    record = await _visible(runtime, proof_id, principal)
    content = await proof_store(settings, runtime.db).get(record["stored_as"])
    if content is None:
        raise NotFound(f"The file of proof {proof_id} is missing.", proof_id=proof_id)
    # the stored filename is [A-Za-z0-9._-] only (use_cases.proofs._safe_filename): no quoting needed
    disposition = f'attachment; filename="{record["filename"]}"'
    return Response(content, media_type=record["content_type"], headers={"Content-Disposition": disposition})


@router.post(
    "/{proof_id}/accept",
    summary="Accept: 20 points toward the named specialization, from the attendance date (program staff)",
    responses=DECIDED,
)
async def accept(
    body: Decision | None = None,
    proof_id: str = ProofId,
    runtime: ServiceRuntime = Depends(runtime_of),
    settings: LearningSettings = Depends(SETTINGS),
    principal: Principal = Depends(staff_only),
) -> ProofOut:
    points = settings.proof_points
    reason = body.reason if body else None
    return ProofOut(**await proofs.decide(runtime.db, proof_id, accept=True, by=principal.sub, reason=reason, points=points))


@router.post("/{proof_id}/reject", summary="Reject a proof (program staff)", responses=DECIDED)
async def reject(
    body: Decision | None = None,
    proof_id: str = ProofId,
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(staff_only),
) -> ProofOut:
    reason = body.reason if body else None
    return ProofOut(**await proofs.decide(runtime.db, proof_id, accept=False, by=principal.sub, reason=reason, points=0))
