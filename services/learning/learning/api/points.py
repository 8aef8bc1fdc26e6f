"""The CL View and the point ledgers (CL-9, CL-10): the partner's admins, its PAMs, program staff."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from learning.api.access import ensure_sees_partner, ensure_sees_person
from learning.api.schemas import CCO_ID_PATTERN, PARTNER_PATTERN, SPEC_PATTERN
from learning.reads import points
from partnerhub.auth import Principal, current_principal
from partnerhub.coalesce import SharedReads
from partnerhub.errors import Problem
from partnerhub.inputs import BusinessDate
from partnerhub.pagination import Page, paging
from partnerhub.service import ServiceRuntime, runtime_of, today_of

router = APIRouter(tags=["points"])
Partner = Path(pattern=PARTNER_PATTERN, description="the partner's BE GEO ID")
NO_POINTS_ROLE = {403: {"description": "the caller is neither an admin or PAM (of any partner) nor program staff (CL-10)"}}
CL_VIEW_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the CL View as JSON, or as CSV (one line per person per specialization)",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    },
    **NO_POINTS_ROLE,
}


def _wants_csv(request: Request, fmt: str | None) -> bool:
    if fmt:
        return fmt == "csv"
    accept = request.headers.get("accept", "")
    return "text/csv" in accept and "application/json" not in accept


# the CL View as sent: body, media type, headers
Encoded = tuple[bytes, str, dict[str, str]]
# concurrent identical CL View requests of this process share one read of the figures and its encoding, and a
# request is never answered from a read that began before it arrived (partnerhub.coalesce): fifty admins
# opening a 20,000-member partner's view at once cost the database one read after another, not fifty
SHARED_VIEWS: SharedReads[Encoded] = SharedReads()


@router.get(
    "/v1/partners/{be_geo_id}/cl-view",
    summary="The CL View: per specialization, period, points required and earned, mandatory items, icon, people (JSON, or CSV with Accept: text/csv)",
    responses=CL_VIEW_RESPONSES,
)
async def cl_view(
    request: Request,
    be_geo_id: str = Partner,
    specialization: str | None = Query(None, pattern=SPEC_PATTERN),
    people_limit: int = Query(100, ge=0, le=10_000, description="people listed per group in JSON (the CSV lists all)"),
    format: str | None = Query(None, pattern="^(json|csv)$", description="overrides the Accept header"),
    bom: bool = Query(True, description="CSV: begin with a UTF-8 byte-order mark, so Excel reads accents right"),
    header: str = Query(
        "keys", pattern="^(keys|titles)$",
        description="CSV: the first line holds the stable column keys (`keys`) or titles in words (`titles`)",
    ),
    runtime: ServiceRuntime = Depends(runtime_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(current_principal),
) -> Response:
    ensure_sees_partner(principal, be_geo_id)
    as_csv = _wants_csv(request, format)
    limit, titles = (None if as_csv else people_limit), header == "titles"

    async def encoded() -> Encoded:
        view = await points.cl_view(runtime.db, be_geo_id, today=today, people_limit=limit, specialization=specialization)
        answer = csv_response(view, bom=bom, titles=titles) if as_csv else json_response(view)
        disposition = answer.headers.get("content-disposition")
        return bytes(answer.body), str(answer.media_type), {"Content-Disposition": disposition} if disposition else {}

    # the view depends on these alone (who may see it was checked above)
    key = (runtime.db, be_geo_id, today, limit, specialization, as_csv, as_csv and bom, as_csv and titles)
    body, media_type, headers = await SHARED_VIEWS(key, encoded)
    return Response(body, media_type=media_type, headers=headers)


def _iso(value: Any) -> str:
    if isinstance(value, date):  # dates (and datetimes) as ISO 8601, as FastAPI's encoder writes them
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def json_response(view: points.CLView) -> Response:
    """The view as JSON: the bytes ``JSONResponse(jsonable_encoder(view))`` would send, written by the json
    module directly (the view holds only dicts, lists, strings, numbers, None and dates); the generic
    encoder walked the up to 2 × 100 people of each specialization one value at a time."""
    body = json.dumps(view, default=_iso, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Response(body.encode("utf-8"), media_type="application/json")


UTF8_BOM = "\ufeff"


def csv_response(view: points.CLView, *, bom: bool = True, titles: bool = False) -> Response:
    """The CL View export (the API's and the pages' download): one line per person per specialization.

    UTF-8 with a byte-order mark by default, so Excel reads "Zoë" as written (``bom=False`` for tools that
    want none); text cells that would start a formula are neutralised (``points.spreadsheet_safe``)."""
    text = points.cl_view_csv(view, titles=titles)
    return Response(
        (UTF8_BOM + text) if bom else text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="cl-view-{view["be_geo_id"]}-{view["as_of"]}.csv"'},
    )


@router.get(
    "/v1/partners/{be_geo_id}/points",
    summary="The partner's credits, newest first (admins, PAMs, program staff)",
    responses=NO_POINTS_ROLE,
)
async def partner_points(
    be_geo_id: str = Partner,
    since: BusinessDate | None = Query(None, alias="from"),
    until: BusinessDate | None = Query(None, alias="to"),
    page: Page = Depends(paging),
    runtime: ServiceRuntime = Depends(runtime_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(current_principal),
) -> dict[str, Any]:
    ensure_sees_partner(principal, be_geo_id)
    if since and until and since > until:
        raise Problem("`from` is after `to`.", status=422, slug="invalid-range")
    return await points.partner_points(
        runtime.db, be_geo_id, today=today, since=since, until=until, limit=page.limit, offset=page.offset
    )


@router.get(
    "/v1/individuals/{cco_id}/points",
    summary="A person's ledger (admins and PAMs of their partners, program staff)",
    responses=NO_POINTS_ROLE,
)
async def individual_points(
    cco_id: str = Path(pattern=CCO_ID_PATTERN),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(current_principal),
) -> dict[str, Any]:
    person = await points.survivor_of(runtime.db, cco_id)
    if not principal.is_staff:
        ensure_sees_person(principal, person, await points.partners_of(runtime.db, person))
    return await points.individual_points(runtime.db, person)
