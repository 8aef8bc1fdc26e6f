"""Exam and certification catalogs: program staff write, anyone signed in reads (CE-1, CE-2, CE-4)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Path, Response, status

from certification.api.schemas import (
    CERT_CODE_PATTERN,
    CertificationIn,
    CertificationOut,
    CertificationVersionsOut,
    ExamIn,
    ExamOut,
    RequirementsVersionOut,
)
from certification.domain.catalog import CertificationDef, ExamDef, program_category
from certification.domain.rows import EXAM_NUMBER_PATTERN
from certification.settings import CertificationSettings
from certification.use_cases import catalog
from partnerhub.auth import Principal, current_principal, require_roles
from partnerhub.db.uow import Database
from partnerhub.openapi import never
from partnerhub.service import ServiceRuntime, database_of, runtime_of, settings_of, today_of

router = APIRouter(prefix="/v1", tags=["catalog"])
ExamNumberPath = Path(pattern=EXAM_NUMBER_PATTERN, description="an exam number")
CodePath = Path(pattern=CERT_CODE_PATTERN, description="a certification code")


def _requirements(cert: CertificationDef) -> dict[str, Any]:
    return {
        "name": cert.name,
        "kind": cert.kind,
        "required_exams": [list(a) for a in cert.required_exams],
        "renewal_exams": [list(a) for a in cert.renewal_exams] if cert.renewal_exams else None,
        "prerequisites": list(cert.prerequisites),
        "validity_months": cert.validity_months,
    }


def _cert_out(cert: CertificationDef) -> CertificationOut:
    return CertificationOut(
        code=cert.code,
        **_requirements(cert),
        program_category=program_category(cert.kind),
        version=cert.version,
        effective_on=cert.effective_on,
    )


def _versions_out(found: catalog.CertificationVersions) -> CertificationVersionsOut:
    current = found.in_force
    return CertificationVersionsOut(
        **_cert_out(current).model_dump(),
        versions=[
            RequirementsVersionOut(
                version=v.version, effective_on=v.effective_on, in_force=v.version == current.version, **_requirements(v)
            )
            for v in found.versions
        ],
    )


@router.put(
    "/exams/{number}",
    summary="Create or replace an exam (CE-1; program staff)",
    description="With `replaces`, the write announces the replacement: a new or changed announcement (first "
    "`replaces`, a change of `replacement_required` or of `replacement_effective_on`) publishes "
    "`certification.exam.replaced`; the same PUT again publishes nothing.",
    responses={
        201: {"description": "created"},
        422: {"description": "unknown replaced exam, one already replaced by another, a cycle, or a withdrawn replacement"},
    },
    openapi_extra=never(404),
)
async def put_exam(
    body: ExamIn,
    response: Response,
    number: str = ExamNumberPath,
    db: Database = Depends(database_of),
    today: date = Depends(today_of),
    _: Principal = Depends(require_roles("program_staff")),
) -> ExamOut:
    exam = ExamDef(number, body.title, body.technical, body.replaces, body.replacement_required, body.replacement_effective_on)
    stored, created = await catalog.put_exam(db, today, exam)
    if created:
        response.status_code = status.HTTP_201_CREATED
    return ExamOut(**asdict(stored))


@router.get("/exams", summary="The exam catalog")
async def list_exams(db: Database = Depends(database_of), _: Principal = Depends(current_principal)) -> list[ExamOut]:
    return [ExamOut(**asdict(e)) for e in await catalog.list_exams(db)]


@router.get("/exams/{number}", summary="One exam")
async def get_exam(
    number: str = ExamNumberPath, db: Database = Depends(database_of), _: Principal = Depends(current_principal)
) -> ExamOut:
    return ExamOut(**asdict(await catalog.get_exam(db, number)))


@router.put(
    "/certifications/{code}",
    summary="Create a certification or add a version of its requirements (CE-2, CE-4; program staff)",
    description="The first write creates version 1, in force since always. A later write with other requirements "
    "adds a version in force from `effective_on` (default: today's business date); versions already written never "
    "change, and a badge keeps the term of the version it was achieved or renewed under. A write equal to the "
    "latest version adds nothing. A latest version not yet in force can be superseded by a new one with the same "
    "`effective_on` (both stay listed; the later one wins). Each new version publishes "
    "`certification.requirements.changed`. The answer is the certification as GET shows it.",
    responses={
        201: {"description": "created (version 1)"},
        409: {"description": "another write of the same certification committed a version first; read it and retry"},
        422: {
            "description": "unknown exams or prerequisites, a prerequisite cycle (over all versions), a change of kind, "
            "or an `effective_on` before today or before the latest version's effective date; nothing changed"
        },
    },
    openapi_extra=never(404),
)
async def put_certification(
    body: CertificationIn,
    response: Response,
    code: str = CodePath,
    runtime: ServiceRuntime = Depends(runtime_of),
    settings: CertificationSettings = Depends(settings_of(CertificationSettings)),
    today: date = Depends(today_of),
    _: Principal = Depends(require_roles("program_staff")),
) -> CertificationVersionsOut:
    cert = CertificationDef(
        code=code,
        name=body.name,
        kind=body.kind,
        required_exams=tuple(tuple(dict.fromkeys(a)) for a in body.required_exams),
        renewal_exams=tuple(tuple(dict.fromkeys(a)) for a in body.renewal_exams) if body.renewal_exams else None,
        prerequisites=tuple(dict.fromkeys(body.prerequisites)),
        validity_months=body.validity_months or settings.default_validity(body.kind),
    )
    found, created = await catalog.put_certification(runtime.db, today, cert, body.effective_on)
    if created:
        response.status_code = status.HTTP_201_CREATED
    return _versions_out(found)


@router.get("/certifications", summary="The certification catalog: each certification's requirements in force today (CE-4)")
async def list_certifications(
    db: Database = Depends(database_of), today: date = Depends(today_of), _: Principal = Depends(current_principal)
) -> list[CertificationOut]:
    return [_cert_out(c) for c in await catalog.list_certifications(db, today)]


@router.get("/certifications/{code}", summary="One certification: its requirements in force today and every version (CE-4)")
async def get_certification(
    code: str = CodePath,
    db: Database = Depends(database_of),
    today: date = Depends(today_of),
    _: Principal = Depends(current_principal),
) -> CertificationVersionsOut:
    return _versions_out(await catalog.get_certification(db, today, code))
