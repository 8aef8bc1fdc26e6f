"""The library: program staff write drafts and publish them (CL-1); everyone signed in reads it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query

from learning.api.schemas import ACTIVITY_ID_PATTERN, SPEC_PATTERN, ActivityIn
from learning.use_cases import library
from partnerhub.auth import Principal, current_principal, require_roles
from partnerhub.db.uow import Database
from partnerhub.openapi import never
from partnerhub.pagination import Page, paging
from partnerhub.service import database_of

router = APIRouter(prefix="/v1/activities", tags=["library"])
ActivityId = Path(pattern=ACTIVITY_ID_PATTERN, description="the activity's id in the library")
staff_only = require_roles("program_staff")


@router.get("", summary="The published library (anyone signed in)")
async def list_library(
    specialization: str | None = Query(None, pattern=SPEC_PATTERN),
    page: Page = Depends(paging),
    db: Database = Depends(database_of),
    _: Principal = Depends(current_principal),
) -> list[dict[str, Any]]:
    return await library.list_published(db, specialization=specialization, limit=page.limit, offset=page.offset)


@router.get("/drafts", summary="Drafts awaiting review (program staff)")
async def list_drafts(db: Database = Depends(database_of), _: Principal = Depends(staff_only)) -> list[dict[str, Any]]:
    return await library.list_drafts(db)


@router.put(
    "/{activity_id}",
    summary="Write an activity's draft (program staff; CL-1, CL-2, CL-3, CL-6)",
    responses={409: {"description": "an exam number on a non-exam activity, or an exam activity without one"}},
    openapi_extra=never(404),
)
async def put_activity(
    body: ActivityIn,
    activity_id: str = ActivityId,
    db: Database = Depends(database_of),
    principal: Principal = Depends(staff_only),
) -> dict[str, Any]:
    return await library.save_draft(db, activity_id, body.model_dump(mode="json"), principal.sub)


@router.post(
    "/{activity_id}/publish",
    summary="Publish the reviewed draft (program staff; CL-1)",
    responses={409: {"description": "no draft to publish, or its exam is already in the library"}},
)
async def publish(
    activity_id: str = ActivityId, db: Database = Depends(database_of), principal: Principal = Depends(staff_only)
) -> dict[str, Any]:
    return await library.publish(db, activity_id, principal.sub)


@router.get("/{activity_id}", summary="An activity (drafts: program staff only)")
async def read_activity(
    activity_id: str = ActivityId, db: Database = Depends(database_of), principal: Principal = Depends(current_principal)
) -> dict[str, Any]:
    return await library.get_activity(db, activity_id, include_draft=principal.is_staff)
