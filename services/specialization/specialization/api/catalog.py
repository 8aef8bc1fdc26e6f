"""The catalog: levels, specializations with their job-role requirements, exam replacements (program staff maintain it)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Response, status

from partnerhub.auth import Principal, StaffOnly, current_principal
from partnerhub.db.uow import Database
from partnerhub.errors import NotFound
from partnerhub.openapi import never
from partnerhub.service import database_of
from specialization import facts
from specialization.api.schemas import LevelIn, LevelName, ReplacementIn, SpecializationIn
from specialization.domain.catalog import Alternative, Specialization
from specialization.use_cases import catalog

router = APIRouter(prefix="/v1", tags=["catalog"])
CodePath = Path(pattern=r"^[A-Za-z0-9._-]{1,64}$", description="a specialization code")


@router.put("/levels/{level}", summary="Set a level's yearly points (SP-1, SP-8; program staff)", openapi_extra=never(404))
async def put_level(level: LevelName, body: LevelIn, db: Database = Depends(database_of), _: Principal = Depends(StaffOnly)) -> dict[str, Any]:
    points = None if level == "atp" else body.points_required
    await catalog.put_level(db, level, points)
    return {"level": level, "points_required": points}


@router.get("/levels", summary="Levels and their yearly points (any signed-in caller)")
async def get_levels(db: Database = Depends(database_of), _: Principal = Depends(current_principal)) -> list[dict[str, Any]]:
    async with db.engine.connect() as conn:
        points = await facts.level_points(conn)
    return [{"level": level, "points_required": p or None} for level, p in points.items()]


@router.put(
    "/specializations/{code}",
    summary="Create or replace a specialization and its role requirements (SP-3; program staff)",
    responses={201: {"description": "created"}},
    openapi_extra=never(404),
)
async def put_specialization(
    body: SpecializationIn,
    response: Response,
    code: str = CodePath,
    db: Database = Depends(database_of),
    _: Principal = Depends(StaffOnly),
) -> dict[str, Any]:
    spec = Specialization(
        code,
        body.name,
        body.level,
        {role: tuple(Alternative(a.certification, tuple(a.exams)) for a in alts) for role, alts in body.roles.items()},
    )
    created = await catalog.put_specialization(db, spec)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return _spec_out(spec)


@router.get("/specializations", summary="The specialization catalog (any signed-in caller)")
async def list_specializations(db: Database = Depends(database_of), _: Principal = Depends(current_principal)) -> list[dict[str, Any]]:
    async with db.engine.connect() as conn:
        specs = await facts.all_specializations(conn)
    return [_spec_out(s) for s in specs.values()]


@router.get("/specializations/{code}", summary="One specialization (any signed-in caller)")
async def get_specialization(code: str = CodePath, db: Database = Depends(database_of), _: Principal = Depends(current_principal)) -> dict[str, Any]:
    async with db.engine.connect() as conn:
        spec = await facts.specialization(conn, code)
    if spec is None:
        raise NotFound(f"No specialization {code} in the catalog.", code=code)
    return _spec_out(spec)


@router.put(
    "/exams/{number}/replacement",
    summary="Announce that an exam got a new number (CE-1, SP-4, SP-14; program staff)",
    openapi_extra=never(404),
)
async def put_replacement(
    body: ReplacementIn,
    number: str = Path(pattern=r"^[A-Za-z0-9._-]{1,32}$"),
    db: Database = Depends(database_of),
    _: Principal = Depends(StaffOnly),
) -> dict[str, Any]:
    effective = await catalog.put_replacement(db, number, body.replaced_by, body.required, body.effective_on)
    return {"exam": number, "replaced_by": body.replaced_by, "required": body.required, "effective_on": effective}


def _spec_out(spec: Specialization) -> dict[str, Any]:
    return {"code": spec.code, "name": spec.name, "level": spec.level, "roles": facts.dump_roles(spec.roles)}
