"""Partner Self-Service for individuals: my associations (ID-1, ID-3), my duplicate IDs (ID-5), merges I ask
for and confirm by the mailed link (ID-2). Grants (ID-4) are in ``individuals.py``."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import Any, cast

from fastapi import APIRouter, Depends, Path, Request, status

from identity import use_cases
from identity.api.access import person_of, person_visible, person_writable
from identity.api.self_service_schemas import (
    AssociationOut,
    AssociationsOut,
    DuplicateOut,
    MergeConfirmationIn,
    MergeConfirmationOut,
    MergeRequestIn,
    MergeRequestOut,
    MergeRequestsOut,
    MyDuplicatesOut,
)
from identity.domain import CCO_ID_PATTERN
from identity.settings import IdentitySettings
from partnerhub.auth import Principal, current_principal, require_person
from partnerhub.db.uow import Database
from partnerhub.policy import PersonRight
from partnerhub.service import ServiceRuntime, database_of, runtime_of, today_of

router = APIRouter(tags=["self-service"])
CcoIdPath = Path(pattern=CCO_ID_PATTERN, description="a CCO ID (a retired one resolves to its survivor)")
OWN = {403: {"description": "the caller may see this person but is neither them nor program staff"}}
PUBLIC: dict[str, Any] = {"security": []}  # the link's token is the credential


def association_out(a: use_cases.Association) -> AssociationOut:
    return AssociationOut(**asdict(a), active=a.active)


def request_out(r: use_cases.MergeRequest) -> MergeRequestOut:
    return MergeRequestOut(**asdict(r))


async def own_only(principal: Principal, db: Database, cco_id: str) -> None:
    """Self and program staff; an admin of their partner 403; anyone else 404 (DOMAIN.md's actor table)."""
    person = await use_cases.get_individual(db, cco_id)
    require_person(
        principal, PersonRight.CHANGE_OWN, person_of(principal, person), cco_id,
        forbidden=f"Only {person.cco_id} or program staff may see or ask for merges of their CCO IDs.",
    )


def public_base(request: Request, runtime: ServiceRuntime) -> str:
    """Where merge links point: ``IDENTITY_PUBLIC_URL``, else (dev and test) where this request arrived."""
    settings = cast(IdentitySettings, runtime.settings)
    if settings.public_url:
        return settings.public_url
    # the service's own root, also when mounted (standalone's /identity): Starlette's base_url is the outer app's
    return str(request.url.replace(path=request.scope.get("root_path", "") + "/", query="", fragment=""))


def link_ttl(runtime: ServiceRuntime) -> timedelta:
    return timedelta(hours=cast(IdentitySettings, runtime.settings).merge_link_ttl_hours)


@router.get("/v1/individuals/{cco_id}/associations", summary="My partner associations and their history (ID-1, ID-3)")
async def associations(
    cco_id: str = CcoIdPath,
    db: Database = Depends(database_of),
    principal: Principal = Depends(current_principal),
) -> AssociationsOut:
    person_visible(principal, await use_cases.get_individual(db, cco_id), cco_id)
    me, found = await use_cases.associations_of(db, cco_id)
    current = next((association_out(a) for a in found if a.active), None)
    return AssociationsOut(cco_id=me, current=current, associations=[association_out(a) for a in found])


@router.get(
    "/v1/individuals/{cco_id}/duplicates",
    summary="My likely duplicate CCO IDs (ID-5; self, program staff)",
    responses=OWN,
)
async def my_duplicates(
    cco_id: str = CcoIdPath,
    db: Database = Depends(database_of),
    principal: Principal = Depends(current_principal),
) -> MyDuplicatesOut:
    await own_only(principal, db, cco_id)
    me, found = await use_cases.duplicates_for(db, cco_id)
    return MyDuplicatesOut(
        cco_id=me, duplicates=[DuplicateOut(cco_id=d.cco_id, score=d.score, reasons=list(d.reasons)) for d in found]
    )


@router.get(
    "/v1/individuals/{cco_id}/merge-requests",
    summary="The merges asked for into this CCO ID, newest first (ID-2; self, program staff)",
    responses=OWN,
)
async def merge_requests(
    cco_id: str = CcoIdPath,
    db: Database = Depends(database_of),
    principal: Principal = Depends(current_principal),
) -> MergeRequestsOut:
    await own_only(principal, db, cco_id)
    me, found = await use_cases.merge_requests_of(db, cco_id)
    return MergeRequestsOut(cco_id=me, requests=[request_out(r) for r in found])


@router.post(
    "/v1/individuals/{cco_id}/merge-requests",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Ask to merge one of my duplicate CCO IDs into this one; a link is mailed to that ID's address and "
    "only confirming it merges (ID-2, ID-5; self, program staff)",
    responses={
        **OWN,
        409: {"description": "that CCO ID is already merged"},
        422: {"description": "itself, unknown, or not one of the person's duplicates"},
        429: {"description": "five links for that ID were sent in the last 24 hours"},
    },
)
async def ask_merge(
    body: MergeRequestIn,
    request: Request,
    cco_id: str = CcoIdPath,
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(current_principal),
) -> MergeRequestOut:
    person = await use_cases.get_individual(runtime.db, cco_id)
    person_writable(principal, person, cco_id)
    asked = await use_cases.request_merge(
        runtime.db, today=await runtime.clock.today(), cco_id=cco_id, retire=body.retire, requested_by=principal.sub,
        base_url=public_base(request, runtime), ttl=link_ttl(runtime),
    )
    return request_out(asked)


@router.post(
    "/v1/merge-confirmations",
    summary="Confirm a merge with the token of the mailed link: the merge happens now, once (ID-2; no sign-in: "
    "the link is the second factor)",
    openapi_extra=PUBLIC,
    responses={
        404: {"description": "no merge link with that token"},
        409: {"description": "the link expired, was used, or was replaced by a newer one; or the IDs were merged otherwise"},
    },
)
async def confirm(
    body: MergeConfirmationIn, db: Database = Depends(database_of), today: date = Depends(today_of)
) -> MergeConfirmationOut:
    done, _, retired = await use_cases.confirm_merge(db, body.token, today=today)
    return MergeConfirmationOut(request=request_out(done), newly_retired=retired)
