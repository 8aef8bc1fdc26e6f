"""My certifications (CE-3..CE-6, CE-11, ID-4; the seeds' "Certifications tracking system"): server-rendered
HTML under ``/ui/`` on the platform's page kit (``partnerhub.ui``: sign-in by token cookie, CSRF, error pages).

An individual sees their certifications with start and expiry dates, their exam history, what each CQS they do
not hold still needs (CE-3), the expiry reminders sent (CE-6), and, once the Career Certifications Agreement is
signed (a form here), the certificate PDF and the Open Badges credential to download. A partner's admins see the
members' current certifications, and a member's exam history only while that member's grant is in force (CE-11):
without one the page says so, and the exam-history page answers 403 as the API does. Every answer comes from the
API's own queries (``certification.use_cases.queries``), so the pages show exactly what the API would.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path as FilePath
from typing import Any

from fastapi import Depends, Form, Path, Query, Request
from fastapi.responses import Response
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select

from certification import repository
from certification.api.credentials import (
    certificate_pdf_response,
    credential_jwt_response,
    signed_credential,
)
from certification.api.schemas import AgreementIn, ExamIn, ExamNumber
from certification.domain.badges import still_needed
from certification.domain.catalog import CQS_KINDS, ExamDef
from certification.domain.rows import CCO_ID_PATTERN
from certification.tables import badges, exam_results, reminders
from certification.use_cases import catalog, queries
from certification.use_cases.agreements import sign_agreement
from partnerhub.auth import Principal
from partnerhub.errors import Forbidden, Problem, Unprocessable
from partnerhub.policy import PartnerRight, partners_with
from partnerhub.service import ServiceRuntime, runtime_of, today_of
from partnerhub.ui import PageKit

HERE = FilePath(__file__).parent
PARTNER = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
CODE = r"^[A-Za-z0-9._-]{1,32}$"
KIND_LABEL = {
    "associate": "Associate", "professional": "Professional", "expert": "Expert", "sales_expert": "Sales Expert",
    "cqs_representative": "CQS Representative", "cqs_specialist": "CQS Specialist",
}
STATUS_LABEL = {"active": "Active", "expired": "Expired"}

kit = PageKit(title="My certifications", templates_dir=HERE / "templates")
kit.templates.env.globals.update(KIND_LABEL=KIND_LABEL, STATUS_LABEL=STATUS_LABEL)
router = kit.router


def admin_partners(principal: Principal) -> list[str] | None:
    """The partners whose members' certifications the caller sees (None: every partner, program staff)."""
    seen = partners_with(principal, PartnerRight.SEE_MEMBERS)
    return None if seen is None else sorted(seen)


@router.get("/")
async def home(request: Request, principal: Principal = Depends(kit.ui_principal)) -> Response:
    return kit.redirect(request, "/me")


@router.get("/me")
async def my_certifications(
    request: Request,
    message: str | None = Query(None, max_length=500),
    runtime: ServiceRuntime = Depends(runtime_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(kit.ui_principal),
) -> Response:
    db = runtime.db
    mine = await queries.individual_certifications(db, today, principal, principal.sub)
    history = await queries.exam_history(db, today, principal, principal.sub)
    needs, sent = await _cqs_needs_and_reminders(runtime, mine["cco_id"], today)
    return kit.render(
        request, "me.html", me=mine, history=history["results"], needs=needs, reminders=sent, today=today,
        message=message, partners=admin_partners(principal),
    )


async def _cqs_needs_and_reminders(runtime: ServiceRuntime, owner: str, today: date) -> tuple[list[dict[str, Any]], list[Any]]:
    """CE-3: for every CQS in force that the person does not hold active, the exams and prerequisite still missing;
    CE-6: the reminders certification sent."""
    async with runtime.db.engine.connect() as conn:
        catalog = await repository.catalog_of(runtime.db, conn)
        held = {r.certification: r for r in await conn.execute(select(badges).where(badges.c.cco_id == owner))}
        latest: dict[str, date] = defaultdict(lambda: date.min)
        for r in await conn.execute(
            select(exam_results.c.exam_number, exam_results.c.taken_on).where(
                exam_results.c.cco_id == owner, exam_results.c.passed.is_(True)
            )
        ):
            latest[r.exam_number] = max(latest[r.exam_number], r.taken_on)
        sent = (
            await conn.execute(
                select(reminders).where(reminders.c.cco_id == owner).order_by(reminders.c.due_on.desc())
            )
        ).all()
    active = {code for code, r in held.items() if r.status == "active"}
    needs = []
    for code in sorted(catalog.certifications):
        cert = catalog.in_force(code, today)
        if cert.kind not in CQS_KINDS or code in active:
            continue
        expired = held.get(code)
        exams, prerequisites = still_needed(cert, dict(latest), active, expired.expires_on if expired else None)
        titles = {n: (catalog.exams[n].title if n in catalog.exams else n) for n in exams}
        needs.append({
            "code": code, "name": cert.name, "kind": cert.kind, "exams": [(n, titles[n]) for n in exams],
            "prerequisites": list(prerequisites), "expired_on": expired.expires_on if expired else None,
        })
    return needs, sent


@router.post("/me/agreement")
async def sign(
    request: Request,
    runtime: ServiceRuntime = Depends(runtime_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(kit.ui_principal),
) -> Response:
    """CE-3: the Career Certifications Agreement, signed by the individual; due certificates are issued."""
    _agreement, issued, created = await sign_agreement(runtime.db, today, principal.sub, AgreementIn().version, None)
    n = len(issued)
    said = "You signed the Career Certifications Agreement." if created else "You had signed the agreement already."
    return kit.redirect(request, "/me", f"{said} {n} certificate{'' if n == 1 else 's'} issued.")


@router.get("/individuals/{cco_id}/certifications/{code}/certificate.pdf")
async def certificate_download(
    request: Request,
    cco_id: str = Path(pattern=CCO_ID_PATTERN),
    code: str = Path(pattern=CODE),
    runtime: ServiceRuntime = Depends(runtime_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(kit.ui_principal),
) -> Response:
    return await certificate_pdf_response(request, runtime, today, principal, cco_id, code)


@router.get("/individuals/{cco_id}/certifications/{code}/credential.jwt")
async def credential_download(
    request: Request,
    cco_id: str = Path(pattern=CCO_ID_PATTERN),
    code: str = Path(pattern=CODE),
    runtime: ServiceRuntime = Depends(runtime_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(kit.ui_principal),
) -> Response:
    facts, _credential, token = await signed_credential(request, runtime, today, principal, cco_id, code)
    return credential_jwt_response(facts.number, token)


@router.get("/partners/{be_geo_id}")
async def partner_members(
    request: Request,
    be_geo_id: str = Path(pattern=PARTNER),
    runtime: ServiceRuntime = Depends(runtime_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(kit.ui_principal),
) -> Response:
    found = await queries.partner_certifications(runtime.db, today, principal, be_geo_id)
    if "members" not in found:  # a PAM: the counts only (CE-12), as the API answers
        raise Forbidden("The members' certifications are shown to the partner's admins and program staff only.")
    return kit.render(request, "partner.html", be_geo_id=be_geo_id, found=found, today=found["as_of"])


@router.get("/individuals/{cco_id}")
async def individual(
    request: Request,
    cco_id: str = Path(pattern=CCO_ID_PATTERN),
    runtime: ServiceRuntime = Depends(runtime_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(kit.ui_principal),
) -> Response:
    """A member's certifications as their partner's admin sees them (current ones; everything with a grant), and
    their exam history only while the grant is in force (CE-11)."""
    db = runtime.db
    found = await queries.individual_certifications(db, today, principal, cco_id)
    if found["cco_id"] == principal.sub:
        return kit.redirect(request, "/me")
    try:
        history: list[dict[str, Any]] | None = (await queries.exam_history(db, today, principal, cco_id))["results"]
        refused = None
    except Problem as exc:
        if exc.status != 403:
            raise
        history, refused = None, exc.detail
    return kit.render(
        request, "individual.html", person=found, history=history, refused=refused, today=today,
        partners=admin_partners(principal),
    )


@router.get("/individuals/{cco_id}/exam-history")
async def exam_history(
    request: Request,
    cco_id: str = Path(pattern=CCO_ID_PATTERN),
    runtime: ServiceRuntime = Depends(runtime_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(kit.ui_principal),
) -> Response:
    """The exam history alone: 403 without a grant, 404 for someone the caller may not see, as the API."""
    history = await queries.exam_history(runtime.db, today, principal, cco_id)
    return kit.render(request, "history.html", owner=history["cco_id"], history=history["results"], today=today)


# staff: exam replacements to announce (CE-1) ------------------------------------------------------
def ensure_staff(principal: Principal) -> None:
    if not principal.is_staff:
        raise Forbidden("The exam catalog is maintained by program staff only.")


@router.get("/staff/exams")
async def exams_page(
    request: Request,
    message: str | None = Query(None, max_length=500),
    runtime: ServiceRuntime = Depends(runtime_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(kit.ui_principal),
) -> Response:
    ensure_staff(principal)
    return kit.render(
        request, "exams.html", exams=await catalog.list_exams(runtime.db), message=message, today=today,
        partners=admin_partners(principal),
    )


@router.post("/staff/exams")
async def announce_replacement(
    request: Request,
    number: str = Form(..., max_length=32),
    title: str = Form(..., max_length=300),
    replaces: str = Form(..., max_length=32),
    required: str = Form(""),
    effective_on: str = Form("", max_length=10),
    runtime: ServiceRuntime = Depends(runtime_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(kit.ui_principal),
) -> Response:
    """The API's ``PUT /v1/exams/{number}`` with ``replaces``: the same input checks, the same announcement."""
    ensure_staff(principal)
    try:
        body = ExamIn(
            title=title, replaces=replaces.strip(), replacement_required=bool(required),
            replacement_effective_on=effective_on.strip() or None,
        )
        number = TypeAdapter(ExamNumber).validate_python(number.strip())
    except ValidationError as exc:
        where = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'number'}: {e['msg']}" for e in exc.errors()[:5])
        raise Unprocessable(f"The announcement is not valid: {where}", slug="invalid-request") from exc
    exam = ExamDef(number, body.title, body.technical, body.replaces, body.replacement_required, body.replacement_effective_on)
    stored, _created = await catalog.put_exam(runtime.db, today, exam)
    must = "existing holders must take it" if stored.replacement_required else "existing holders need not retake"
    return kit.redirect(
        request, "/staff/exams",
        f"Announced: {stored.number} replaces {stored.replaces} ({must}; from {stored.replacement_effective_on or stored.replacement_announced_on}).",
    )


kit.add_not_found()  # last: after every page
