"""Partners, their members over time (ID-1, ID-3), their admins; PAM assignments."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from fastapi import APIRouter, Depends, Path, Query, Response, status

from identity import use_cases
from identity.api.schemas import (
    DateIn,
    MembershipOut,
    MembersOut,
    PartnerIn,
    PartnerOut,
    RoleOut,
    RolesOut,
)
from identity.domain import BE_GEO_ID_PATTERN, CCO_ID_PATTERN
from partnerhub.auth import Principal, current_principal, require_partner, require_roles
from partnerhub.db.uow import Database
from partnerhub.errors import Problem
from partnerhub.inputs import BusinessDate
from partnerhub.policy import PartnerRight
from partnerhub.service import database_of, today_of

router = APIRouter(tags=["partners"])
BeGeoIdPath = Path(pattern=BE_GEO_ID_PATTERN, description="a BE GEO ID")
CcoIdPath = Path(pattern=CCO_ID_PATTERN, description="a CCO ID")
READ_ONLY = {403: {"description": "the caller may see the partner but not change this"}}
OnQuery = Query(None, description="business date of the change (YYYY-MM-DD; default today's business date)")


def _date(query: date | None, body: DateIn | None) -> date | None:
    given = body.on if body is not None else None
    if query is not None and given is not None and query != given:
        raise Problem("The query `on` and the body's `on` differ; send one.", status=422, slug="invalid-request")
    return query or given


def _membership(m: use_cases.Membership) -> MembershipOut:
    return MembershipOut(**asdict(m), active=m.active)


@router.post(
    "/v1/partners",
    status_code=status.HTTP_201_CREATED,
    summary="Register a partner company (program staff, systems)",
    responses={409: {"description": "the BE GEO ID is taken"}},
)
async def register_partner(
    body: PartnerIn,
    db: Database = Depends(database_of),
    _: Principal = Depends(require_roles("program_staff", "system")),
) -> PartnerOut:
    partner = await use_cases.register_partner(db, be_geo_id=body.be_geo_id, name=body.name, country=body.country)
    return PartnerOut(**asdict(partner))


@router.get("/v1/partners/{be_geo_id}", summary="A partner (its admins and PAMs, program staff, systems)")
async def read_partner(
    be_geo_id: str = BeGeoIdPath,
    db: Database = Depends(database_of),
    principal: Principal = Depends(current_principal),
) -> PartnerOut:
    require_partner(principal, PartnerRight.SEE, be_geo_id)
    return PartnerOut(**asdict(await use_cases.get_partner(db, be_geo_id)))


@router.get("/v1/partners/{be_geo_id}/members", summary="Members, and former members with dates (ID-1, ID-3)")
async def members(
    be_geo_id: str = BeGeoIdPath,
    include_former: bool = Query(False, description="also members who left, with their dates"),
    db: Database = Depends(database_of),
    principal: Principal = Depends(current_principal),
) -> MembersOut:
    require_partner(principal, PartnerRight.SEE_MEMBERS, be_geo_id)
    found = await use_cases.list_members(db, be_geo_id, include_former=include_former)
    return MembersOut(be_geo_id=be_geo_id, include_former=include_former, members=[_membership(m) for m in found])


@router.put(
    "/v1/partners/{be_geo_id}/members/{cco_id}",
    summary="Associate a person with the partner; their other active membership ends that day (ID-1, ID-3)",
    responses={**READ_ONLY, 409: {"description": "the person joined a partner concurrently; retry"}},
)
async def join(
    be_geo_id: str = BeGeoIdPath,
    cco_id: str = CcoIdPath,
    on: BusinessDate | None = OnQuery,
    body: DateIn | None = None,
    db: Database = Depends(database_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(current_principal),
) -> MembershipOut:
    require_partner(principal, PartnerRight.MANAGE_MEMBERS, be_geo_id)
    membership, _ = await use_cases.join_partner(db, today=today, cco_id=cco_id, be_geo_id=be_geo_id, on=_date(on, body))
    return _membership(membership)


@router.delete(
    "/v1/partners/{be_geo_id}/members/{cco_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="End a person's membership of the partner (ID-3), or plan its end for a later date (NO-4)",
    description=(
        "On or before today's business date the membership ends at once (history is kept). A later date is a"
        " planned leave: the membership stays active with `leaves_on` until that day, `identity.leave.planned`"
        " is emitted now and `identity.membership.ended` on the day. A new date replaces the plan; "
        "`DELETE .../planned-leave` cancels it."
    ),
    responses=READ_ONLY,
)
async def leave(
    be_geo_id: str = BeGeoIdPath,
    cco_id: str = CcoIdPath,
    on: BusinessDate | None = OnQuery,
    body: DateIn | None = None,
    db: Database = Depends(database_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(current_principal),
) -> Response:
    require_partner(principal, PartnerRight.MANAGE_MEMBERS, be_geo_id)
    await use_cases.leave_partner(db, today=today, cco_id=cco_id, be_geo_id=be_geo_id, on=_date(on, body))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete(
    "/v1/partners/{be_geo_id}/members/{cco_id}/planned-leave",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Cancel a member's planned leave: they stay, with no end date (NO-4)",
    description="Emits `identity.leave.cancelled` when a leave was planned; otherwise changes nothing (still 204).",
)
async def cancel_leave(
    be_geo_id: str = BeGeoIdPath,
    cco_id: str = CcoIdPath,
    db: Database = Depends(database_of),
    principal: Principal = Depends(current_principal),
) -> Response:
    require_partner(principal, PartnerRight.MANAGE_MEMBERS, be_geo_id)
    await use_cases.cancel_leave(db, cco_id=cco_id, be_geo_id=be_geo_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/v1/partners/{be_geo_id}/admins", summary="The partner's admins and PAMs")
async def roles(
    be_geo_id: str = BeGeoIdPath,
    db: Database = Depends(database_of),
    principal: Principal = Depends(current_principal),
) -> RolesOut:
    require_partner(principal, PartnerRight.SEE, be_geo_id)
    found = await use_cases.list_roles(db, be_geo_id)
    return RolesOut(be_geo_id=be_geo_id, roles=[RoleOut(**asdict(r)) for r in found])


@router.put(
    "/v1/partners/{be_geo_id}/admins/{cco_id}",
    summary="Make a person a partner admin (staff, the partner's admins)",
    responses=READ_ONLY,
)
async def assign_admin(
    be_geo_id: str = BeGeoIdPath,
    cco_id: str = CcoIdPath,
    db: Database = Depends(database_of),
    principal: Principal = Depends(current_principal),
) -> RoleOut:
    require_partner(principal, PartnerRight.ACT, be_geo_id)
    person, _ = await use_cases.assign_role(db, cco_id=cco_id, be_geo_id=be_geo_id, role="partner_admin")
    return RoleOut(cco_id=person, be_geo_id=be_geo_id, role="partner_admin")


@router.delete(
    "/v1/partners/{be_geo_id}/admins/{cco_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a partner admin (staff, the partner's admins)",
    responses=READ_ONLY,
)
async def remove_admin(
    be_geo_id: str = BeGeoIdPath,
    cco_id: str = CcoIdPath,
    db: Database = Depends(database_of),
    principal: Principal = Depends(current_principal),
) -> Response:
    require_partner(principal, PartnerRight.ACT, be_geo_id)
    await use_cases.remove_role(db, cco_id=cco_id, be_geo_id=be_geo_id, role="partner_admin")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put(
    "/v1/pams/{cco_id}/partners/{be_geo_id}",
    summary="Associate a PAM with a partner (program staff)",
    responses=READ_ONLY,
)
async def assign_pam(
    cco_id: str = CcoIdPath,
    be_geo_id: str = BeGeoIdPath,
    db: Database = Depends(database_of),
    principal: Principal = Depends(current_principal),
) -> RoleOut:
    require_partner(principal, PartnerRight.ASSIGN_PAMS, be_geo_id)
    person, _ = await use_cases.assign_role(db, cco_id=cco_id, be_geo_id=be_geo_id, role="pam")
    return RoleOut(cco_id=person, be_geo_id=be_geo_id, role="pam")


@router.delete(
    "/v1/pams/{cco_id}/partners/{be_geo_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="End a PAM's association with a partner (program staff)",
    responses=READ_ONLY,
)
async def remove_pam(
    cco_id: str = CcoIdPath,
    be_geo_id: str = BeGeoIdPath,
    db: Database = Depends(database_of),
    principal: Principal = Depends(current_principal),
) -> Response:
    require_partner(principal, PartnerRight.ASSIGN_PAMS, be_geo_id)
    await use_cases.remove_role(db, cco_id=cco_id, be_geo_id=be_geo_id, role="pam")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
