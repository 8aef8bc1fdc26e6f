"""An individual's agreement, certifications and exam history (CE-3, CE-11, ID-4)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Path, Response, status

from certification.api.schemas import AgreementIn, AgreementOut, CertificateOut
from certification.domain.rows import CCO_ID_PATTERN
from certification.use_cases import queries
from certification.use_cases.agreements import sign_agreement
from partnerhub.auth import Principal, current_principal
from partnerhub.db.uow import Database
from partnerhub.errors import NotFound
from partnerhub.policy import Decision, Person, PersonRight, person_decision
from partnerhub.service import database_of, today_of

router = APIRouter(prefix="/v1", tags=["individuals"])
CcoIdPath = Path(pattern=CCO_ID_PATTERN, description="a CCO ID (a retired one resolves to its survivor)")
BePath = Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", description="a BE GEO ID")


@router.post(
    "/individuals/{cco_id}/agreements",
    status_code=status.HTTP_201_CREATED,
    summary="Sign the Career Certifications Agreement (the individual, program staff, systems); issues due certificates",
    responses={200: {"description": "already signed (this version)"}},
)
async def post_agreement(
    body: AgreementIn,
    response: Response,
    cco_id: str = CcoIdPath,
    db: Database = Depends(database_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(current_principal),
) -> AgreementOut:
    if person_decision(principal, PersonRight.RECORD_FOR, Person.of(principal, [cco_id])) is not Decision.ALLOW:
        raise NotFound(f"No certification records for CCO ID {cco_id}.", cco_id=cco_id)
    agreement, issued, created = await sign_agreement(db, today, cco_id, body.version, body.signed_on)
    if not created:
        response.status_code = status.HTTP_200_OK
    return AgreementOut(**agreement, certificates_issued=[CertificateOut(**c) for c in issued])


@router.get(
    "/individuals/{cco_id}/certifications",
    summary="Badges: the individual and staff see all with certificates; their partner's admins the current ones",
)
async def get_certifications(
    cco_id: str = CcoIdPath,
    db: Database = Depends(database_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(current_principal),
) -> dict[str, Any]:
    return await queries.individual_certifications(db, today, principal, cco_id)


@router.get(
    "/individuals/{cco_id}/exam-history",
    summary="Every exam attempt: the individual, program staff, and their partner's admins with a grant (CE-11)",
)
async def get_exam_history(
    cco_id: str = CcoIdPath,
    db: Database = Depends(database_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(current_principal),
) -> dict[str, Any]:
    return await queries.exam_history(db, today, principal, cco_id)


@router.get(
    "/partners/{be_geo_id}/certifications",
    summary="Certified individuals per program requirement (CE-12; admins, PAMs, staff, systems) and the members' current certifications (CE-11; not PAMs)",
)
async def get_partner_certifications(
    be_geo_id: str = BePath,
    db: Database = Depends(database_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(current_principal),
) -> dict[str, Any]:
    return await queries.partner_certifications(db, today, principal, be_geo_id)
