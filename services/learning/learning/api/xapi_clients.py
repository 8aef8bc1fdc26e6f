"""Program staff: Basic credentials for LMS clients of the LRS, and what each stored statement credited."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from learning.use_cases import lrs, lrs_clients
from partnerhub.auth import Principal, StaffOnly
from partnerhub.inputs import Name
from partnerhub.openapi import never
from partnerhub.pagination import Page, paging
from partnerhub.service import ServiceRuntime, runtime_of

router = APIRouter(tags=["xapi"])
Scope = Literal["statements/write", "statements/read/mine", "statements/read", "state", "define", "profile", "all/read", "all"]


class ClientIn(BaseModel):
    name: Name = Field(description="who the client is, e.g. the LMS's name")
    scopes: list[Scope] = Field(default_factory=lambda: list(lrs_clients.DEFAULT_SCOPES), min_length=1, max_length=8)


class ClientOut(BaseModel):
    key: str
    name: str
    scopes: list[str]
    created_at: datetime
    created_by: str | None = None
    revoked_at: datetime | None = None


class IssuedClient(ClientOut):
    secret: str = Field(description="shown once: only its hash is kept")
    endpoint_path: str = Field(description="the LRS endpoint under the service (standalone: under /learning)")


class StatementCrediting(BaseModel):
    statement_id: str
    stored: str
    outcome: str = Field(description="earned, recorded, already_earned, duplicate, not_credited, voiding or voided")
    points: int
    reason: str | None = Field(description="why it credits nothing: unknown person, not in the library, a verb that earns nothing ...")
    client: str
    voided: bool


@router.post("/v1/xapi-clients", status_code=201, summary="Issue Basic credentials for an LMS client (program staff)",
             response_model=IssuedClient, openapi_extra=never(404))
async def issue_client(
    body: ClientIn, runtime: ServiceRuntime = Depends(runtime_of), staff: Principal = Depends(StaffOnly)
) -> IssuedClient:
    issued = await lrs_clients.issue(runtime.db, body.name, list(body.scopes), staff.sub)
    return IssuedClient(**issued, created_by=staff.sub, endpoint_path="/v1/xapi/")


@router.get("/v1/xapi-clients", summary="The LMS clients and their scopes, never their secrets (program staff)",
            response_model=list[ClientOut], openapi_extra=never(404))
async def list_clients(runtime: ServiceRuntime = Depends(runtime_of), _: Principal = Depends(StaffOnly)) -> list[ClientOut]:
    return [ClientOut(**c) for c in await lrs_clients.listed(runtime.db)]


@router.delete("/v1/xapi-clients/{key}", status_code=204, summary="Revoke an LMS client's credentials (program staff)")
async def revoke_client(key: str, runtime: ServiceRuntime = Depends(runtime_of), _: Principal = Depends(StaffOnly)) -> Response:
    await lrs_clients.revoke(runtime.db, key)
    return Response(status_code=204)


@router.get("/v1/xapi-crediting", summary="What each stored xAPI statement credited, and why not (program staff)",
            response_model=list[StatementCrediting], openapi_extra=never(404))
async def statement_crediting(
    outcome: Literal["earned", "recorded", "already_earned", "duplicate", "not_credited", "voiding", "voided"] | None = Query(None),
    page: Page = Depends(paging),
    runtime: ServiceRuntime = Depends(runtime_of),
    _: Principal = Depends(StaffOnly),
) -> list[StatementCrediting]:
    rows = await lrs.crediting(runtime.db, outcome=outcome, limit=page.limit, offset=page.offset)
    return [StatementCrediting(**r) for r in rows]
