"""The catalog: levels and specializations with their job-role requirements (program staff maintain them); exam
replacements read as projected from certification (CE-1: certification owns them)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Path, Response, status

from partnerhub.auth import Principal, StaffOnly, current_principal
from partnerhub.db.uow import Database
from partnerhub.errors import NotFound, Problem
from partnerhub.openapi import never
from partnerhub.service import database_of, today_of
from specialization import repository
from specialization.api.access import SETTINGS
from specialization.api.schemas import LevelIn, LevelName, ReplacementOut, SpecializationIn
from specialization.domain.catalog import (
    Alternative,
    Specialization,
    Versions,
    has_continuous_learning,
)
from specialization.settings import SpecializationSettings
from specialization.use_cases import catalog, queries

router = APIRouter(prefix="/v1", tags=["catalog"])
CodePath = Path(pattern=r"^[A-Za-z0-9._-]{1,64}$", description="a specialization code")


@router.put("/levels/{level}", summary="Set a level's yearly points (SP-1, SP-8; program staff)", openapi_extra=never(404))
async def put_level(
    level: LevelName,
    body: LevelIn,
    db: Database = Depends(database_of),
    settings: SpecializationSettings = Depends(SETTINGS),
    today: date = Depends(today_of),
    _: Principal = Depends(StaffOnly),
) -> dict[str, Any]:
    if not has_continuous_learning(level) and body.points_required is not None:
        raise Problem(
            "ATP designations have no Continuous Learning (SP-1): their points_required is always null.",
            status=422,
            slug="level-without-points",
        )
    if has_continuous_learning(level) and body.points_required is None:
        raise Problem(f"{level} needs its yearly points_required (SP-8).", status=422, slug="level-points-missing")
    await catalog.put_level(db, settings, today, level, body.points_required)
    return {"level": level, "points_required": body.points_required}


@router.get("/levels", summary="Levels and their yearly points (any signed-in caller)")
async def get_levels(db: Database = Depends(database_of), _: Principal = Depends(current_principal)) -> list[dict[str, Any]]:
    async with db.engine.connect() as conn:
        points = await repository.level_points(conn)
    return [{"level": level, "points_required": p if has_continuous_learning(level) else None} for level, p in points.items()]


@router.put(
    "/specializations/{code}",
    summary="Create a specialization, or give its role requirements a new version (SP-3; program staff)",
    description="A new version takes effect on `effective_on` (default today); versions are kept, never rewritten. "
    "An application or renewal is judged by the version in force on its submission date; holders by the version "
    "their partner's last one was judged by. An identical write makes no new version.",
    responses={201: {"description": "created"}, 422: {"description": "effective_on before today or before the latest version's date"}},
    openapi_extra=never(404),
)
async def put_specialization(
    body: SpecializationIn,
    response: Response,
    code: str = CodePath,
    db: Database = Depends(database_of),
    today: date = Depends(today_of),
    _: Principal = Depends(StaffOnly),
) -> dict[str, Any]:
    roles = {role: tuple(Alternative(a.certification, tuple(a.exams)) for a in alts) for role, alts in body.roles.items()}
    written = await catalog.put_specialization(db, today, code, body.name, body.level, roles, body.effective_on)
    response.status_code = status.HTTP_201_CREATED if written.created else status.HTTP_200_OK
    async with db.engine.connect() as conn:
        history = await repository.versions(conn, code)
    assert history is not None
    return {**_spec_out(history, today), "version_written": written.version}


@router.get("/specializations", summary="The specialization catalog (any signed-in caller)")
async def list_specializations(
    db: Database = Depends(database_of), today: date = Depends(today_of), _: Principal = Depends(current_principal)
) -> list[dict[str, Any]]:
    async with db.engine.connect() as conn:
        specs = await repository.all_versions(conn)
    return [_spec_out(s, today) for s in specs.values()]


@router.get("/specializations/{code}", summary="One specialization (any signed-in caller)")
async def get_specialization(
    code: str = CodePath,
    db: Database = Depends(database_of),
    today: date = Depends(today_of),
    _: Principal = Depends(current_principal),
) -> dict[str, Any]:
    async with db.engine.connect() as conn:
        history = await repository.versions(conn, code)
    if history is None:
        raise NotFound(f"No specialization {code} in the catalog.", code=code)
    return _spec_out(history, today)


@router.get(
    "/exam-replacements",
    summary="Exam replacements as certification announced them (CE-1; any signed-in caller)",
    description="A projection of `certification.exam.replaced`: replacements are announced with certification's "
    "`PUT /v1/exams/{number}` (`replaces`, `replacement_required`), never written here.",
)
async def list_replacements(db: Database = Depends(database_of), _: Principal = Depends(current_principal)) -> list[ReplacementOut]:
    return [ReplacementOut(**r) for r in await queries.exam_replacements_known(db)]


@router.get(
    "/exams/{number}/replacement",
    summary="The announced replacement of one exam (CE-1; any signed-in caller)",
    description="A projection of `certification.exam.replaced`; 404 when none was announced.",
)
async def get_replacement(
    number: str = Path(pattern=r"^[A-Za-z0-9._-]{1,32}$"),
    db: Database = Depends(database_of),
    _: Principal = Depends(current_principal),
) -> ReplacementOut:
    return ReplacementOut(**(await queries.exam_replacements_known(db, number))[0])


def _version_out(spec: Specialization) -> dict[str, Any]:
    return {"version": spec.version, "effective_on": spec.effective_on, "roles": repository.dump_roles(spec.roles)}


def _spec_out(history: Versions, today: date) -> dict[str, Any]:
    """The version in force today (its roles at the top, as before versions), and every version (SP-3)."""
    spec = history.in_force(today)
    return {
        "code": spec.code, "name": spec.name, "level": spec.level, "roles": repository.dump_roles(spec.roles),
        "version": spec.version, "effective_on": spec.effective_on,
        "versions": [_version_out(v) for v in history.versions],
    }
