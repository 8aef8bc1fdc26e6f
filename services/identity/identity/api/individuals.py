"""Individuals: register (program staff, systems) and read (self, program staff, systems)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, Path, status

from partnerhub.auth import Principal, current_principal, require_roles
from partnerhub.db.uow import Database
from partnerhub.errors import NotFound
from partnerhub.service import database_of

from identity import use_cases
from identity.api.schemas import IndividualIn, IndividualOut
from identity.domain import CCO_ID_PATTERN

router = APIRouter(prefix="/v1/individuals", tags=["individuals"])
CcoIdPath = Path(pattern=CCO_ID_PATTERN, description="a CCO ID")


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Register an individual (ID-1)",
    responses={409: {"description": "the CCO ID is taken"}},
)
async def register(
    body: IndividualIn,
    db: Database = Depends(database_of),
    _: Principal = Depends(require_roles("program_staff", "system")),
) -> IndividualOut:
    individual = await use_cases.register_individual(
        db, cco_id=body.cco_id, name=body.name, email=str(body.email), program_staff=body.program_staff
    )
    return IndividualOut(**asdict(individual))


@router.get("/{cco_id}", summary="An individual's profile (self, program staff, systems)")
async def read(
    cco_id: str = CcoIdPath,
    db: Database = Depends(database_of),
    principal: Principal = Depends(current_principal),
) -> IndividualOut:
    if not (principal.sub == cco_id or principal.is_staff or principal.is_system):
        raise NotFound(f"No individual with CCO ID {cco_id}.", cco_id=cco_id)
    return IndividualOut(**asdict(await use_cases.get_individual(db, cco_id)))
