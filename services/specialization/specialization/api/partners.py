"""A partner's specializations: status (SP-13), candidates (SP-6), applications (SP-2, SP-11, SP-12),
refills (SP-14), renewals (SP-9), program requirements (CE-12)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Path, status

from partnerhub.auth import Principal, current_principal
from partnerhub.db.uow import Database
from partnerhub.service import database_of, today_of
from specialization.api.access import SETTINGS, require_act, require_view
from specialization.api.schemas import ApplicationIn, RefillIn, RoleName
from specialization.settings import SpecializationSettings
from specialization.use_cases import applications, queries

router = APIRouter(prefix="/v1/partners/{be_geo_id}", tags=["partners"])
BeGeoId = Path(pattern=r"^[A-Za-z0-9._-]{1,64}$", description="a BE GEO ID")
Code = Path(pattern=r"^[A-Za-z0-9._-]{1,64}$", description="a specialization code")
UNMET = {422: {"description": "requirements not met; `unmet` lists every one"}}
ACTS = {403: {"description": "the caller may see the partner (its PAM, a system) but only its admins and program staff act"}}


@router.get("/specializations", summary="Every specialization of the partner (admins, PAMs, staff)")
async def list_status(
    be_geo_id: str = BeGeoId,
    db: Database = Depends(database_of),
    pol: SpecializationSettings = Depends(SETTINGS),
    today: date = Depends(today_of),
    principal: Principal = Depends(current_principal),
) -> list[dict[str, Any]]:
    require_view(principal, be_geo_id)
    return await queries.statuses(db, pol, today, be_geo_id)


@router.get("/specializations/{code}", summary="One specialization's status (admins, PAMs, staff)")
async def one_status(
    be_geo_id: str = BeGeoId,
    code: str = Code,
    db: Database = Depends(database_of),
    pol: SpecializationSettings = Depends(SETTINGS),
    today: date = Depends(today_of),
    principal: Principal = Depends(current_principal),
) -> dict[str, Any]:
    require_view(principal, be_geo_id)
    return (await queries.statuses(db, pol, today, be_geo_id, code))[0]


@router.get(
    "/specializations/{code}/roles/{role}/candidates",
    summary="Qualifying members for a role (SP-6; admins, staff)",
    responses=ACTS,
)
async def role_candidates(
    role: RoleName,
    be_geo_id: str = BeGeoId,
    code: str = Code,
    db: Database = Depends(database_of),
    pol: SpecializationSettings = Depends(SETTINGS),
    today: date = Depends(today_of),
    principal: Principal = Depends(current_principal),
) -> dict[str, Any]:
    require_act(principal, be_geo_id)
    return await queries.candidates(db, pol, today, be_geo_id, code, role)


@router.post(
    "/specializations/{code}/applications",
    status_code=status.HTTP_201_CREATED,
    summary="Apply (or reapply after a loss) with role allocations (SP-2, SP-11, SP-12; admins, staff)",
    responses={**ACTS, 409: {"description": "the partner already holds the specialization"}, **UNMET},
)
async def apply(
    body: ApplicationIn,
    be_geo_id: str = BeGeoId,
    code: str = Code,
    db: Database = Depends(database_of),
    pol: SpecializationSettings = Depends(SETTINGS),
    today: date = Depends(today_of),
    principal: Principal = Depends(current_principal),
) -> dict[str, Any]:
    require_act(principal, be_geo_id)
    outcome = await applications.apply(db, pol, today, be_geo_id, code, dict(body.roles), principal.sub)
    view = (await queries.statuses(db, pol, today, be_geo_id, code))[0]
    return {"outcome": "approved", "kind": outcome.kind, **view, "requirements_version": outcome.requirements_version}


@router.put(
    "/specializations/{code}/roles/{role}",
    summary="Fill or hand over a job role (SP-5, SP-14; admins, staff)",
    responses={**ACTS, 409: {"description": "the specialization was lost: apply again (SP-11)"}, **UNMET},
)
async def refill(
    role: RoleName,
    body: RefillIn,
    be_geo_id: str = BeGeoId,
    code: str = Code,
    db: Database = Depends(database_of),
    pol: SpecializationSettings = Depends(SETTINGS),
    today: date = Depends(today_of),
    principal: Principal = Depends(current_principal),
) -> dict[str, Any]:
    require_act(principal, be_geo_id)
    await applications.refill(db, pol, today, be_geo_id, code, role, body.cco_id, principal.sub)
    return (await queries.statuses(db, pol, today, be_geo_id, code))[0]


@router.post(
    "/specializations/{code}/renewals",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Submit the renewal inside the 90-day window or grace (SP-9; admins, staff)",
    responses={**ACTS, 409: {"description": "the specialization was lost, or the renewal window is not open"}, **UNMET},
)
async def renew(
    be_geo_id: str = BeGeoId,
    code: str = Code,
    db: Database = Depends(database_of),
    pol: SpecializationSettings = Depends(SETTINGS),
    today: date = Depends(today_of),
    principal: Principal = Depends(current_principal),
) -> dict[str, Any]:
    require_act(principal, be_geo_id)
    await applications.submit_renewal(db, pol, today, be_geo_id, code, principal.sub)
    return (await queries.statuses(db, pol, today, be_geo_id, code))[0]


@router.get("/program-requirements", summary="Certified individuals for the Channel Partner program (CE-12; admins, PAMs, staff)")
async def program_requirements(
    be_geo_id: str = BeGeoId,
    db: Database = Depends(database_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(current_principal),
) -> dict[str, Any]:
    require_view(principal, be_geo_id)
    return await queries.program_requirements(db, today, be_geo_id)
