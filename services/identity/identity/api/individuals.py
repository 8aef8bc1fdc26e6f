"""Individuals: register, read, update; merge (ID-2); grants (ID-4)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from fastapi import APIRouter, Depends, Path, Response, status

from identity import use_cases
from identity.api.access import person_visible, person_writable
from identity.api.schemas import (
    GrantOut,
    IndividualIn,
    IndividualOut,
    IndividualPatch,
    MergeIn,
    MergeOut,
)
from identity.domain import BE_GEO_ID_PATTERN, CCO_ID_PATTERN
from identity.use_cases.individuals import NewIndividual, register_individuals
from identity.use_cases.records import Individual
from partnerhub.auth import Principal, current_principal, require_roles
from partnerhub.combine import WriteBatches
from partnerhub.db.uow import Database
from partnerhub.errors import Conflict, Forbidden
from partnerhub.policy import may_make_staff
from partnerhub.service import database_of, today_of

router = APIRouter(prefix="/v1/individuals", tags=["individuals"])
# registrations sent at the same time are written together, one transaction per batch, in arrival order; each
# answers as alone (201, or 409 for a taken ID) once its batch committed (partnerhub.combine)
REGISTRATIONS: WriteBatches[Database, NewIndividual, Individual | Conflict] = WriteBatches(register_individuals)
NOT_THEIRS = {403: {"description": "the caller may see this person but is neither them nor program staff"}}
CcoIdPath = Path(pattern=CCO_ID_PATTERN, description="a CCO ID (a retired one resolves to its survivor)")
BeGeoIdPath = Path(pattern=BE_GEO_ID_PATTERN, description="a BE GEO ID")


def _out(individual: use_cases.Individual) -> IndividualOut:
    data = asdict(individual)
    data["retired_ids"] = list(individual.retired_ids)
    data["grants"] = list(individual.grants)
    return IndividualOut(**data)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Register an individual (ID-1; program staff, systems)",
    responses={409: {"description": "the CCO ID is taken"}},
)
async def register_individual(
    body: IndividualIn,
    db: Database = Depends(database_of),
    principal: Principal = Depends(require_roles("program_staff", "system")),
) -> IndividualOut:
    if body.program_staff and not may_make_staff(principal):
        raise Forbidden("Only program staff may create program staff; a system client never can.")
    new = NewIndividual(body.cco_id, body.name, str(body.email), body.program_staff)
    outcome = await REGISTRATIONS(db, new, apart=new.cco_id)
    if isinstance(outcome, Conflict):
        raise outcome
    return _out(outcome)


@router.get("/{cco_id}", summary="A profile (self, the admins of their partner, program staff, systems)")
async def read_individual(
    cco_id: str = CcoIdPath,
    db: Database = Depends(database_of),
    principal: Principal = Depends(current_principal),
) -> IndividualOut:
    individual = await use_cases.get_individual(db, cco_id)
    person_visible(principal, individual, cco_id)
    return _out(individual)


@router.patch(
    "/{cco_id}",
    summary="Change name or e-mail (self, program staff); program_staff flag (staff)",
    responses={403: {"description": "not the person nor program staff; or the program_staff flag sent by others"}},
)
async def patch(
    body: IndividualPatch,
    cco_id: str = CcoIdPath,
    db: Database = Depends(database_of),
    principal: Principal = Depends(current_principal),
) -> IndividualOut:
    person_writable(principal, await use_cases.get_individual(db, cco_id), cco_id)
    if body.program_staff is not None and not may_make_staff(principal):
        raise Forbidden("Only program staff may change the program_staff flag.")
    updated = await use_cases.update_individual(
        db,
        cco_id,
        name=body.name,
        email=str(body.email) if body.email is not None else None,
        program_staff=body.program_staff,
    )
    return _out(updated)


@router.post(
    "/{cco_id}/merge",
    summary="Merge duplicate CCO IDs into this one (ID-2; program staff)",
    responses={404: {"description": "unknown survivor"}, 409: {"description": "retired survivor, or merged elsewhere"}},
)
async def merge(
    body: MergeIn,
    cco_id: str = CcoIdPath,
    db: Database = Depends(database_of),
    today: date = Depends(today_of),
    _: Principal = Depends(require_roles("program_staff")),
) -> MergeOut:
    survivor, retired = await use_cases.merge_individuals(db, today=today, survivor=cco_id, retire=body.retire)
    return MergeOut(survivor=_out(survivor), newly_retired=retired)


@router.put(
    "/{cco_id}/grants/{be_geo_id}",
    summary="Grant the partner's admins access to one's records (ID-4; self, staff)",
    responses={**NOT_THEIRS, 422: {"description": "not an active member of that partner"}},
)
async def grant(
    cco_id: str = CcoIdPath,
    be_geo_id: str = BeGeoIdPath,
    db: Database = Depends(database_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(current_principal),
) -> GrantOut:
    person_writable(principal, await use_cases.get_individual(db, cco_id), cco_id)
    person, _ = await use_cases.grant_access(db, today=today, cco_id=cco_id, be_geo_id=be_geo_id)
    return GrantOut(cco_id=person, be_geo_id=be_geo_id, granted=True)


@router.delete(
    "/{cco_id}/grants/{be_geo_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke that access (ID-4; self, staff)",
    responses=NOT_THEIRS,
)
async def revoke(
    cco_id: str = CcoIdPath,
    be_geo_id: str = BeGeoIdPath,
    db: Database = Depends(database_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(current_principal),
) -> Response:
    person_writable(principal, await use_cases.get_individual(db, cco_id), cco_id)
    await use_cases.revoke_access(db, today=today, cco_id=cco_id, be_geo_id=be_geo_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
