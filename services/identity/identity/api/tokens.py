"""Dev tokens (POST /v1/dev/tokens): only when the ``dev_tokens`` setting is on; 404 otherwise."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from identity import use_cases
from identity.api.schemas import TokenIn, TokenOut
from partnerhub.auth import mint_token
from partnerhub.errors import NotFound
from partnerhub.service import ServiceRuntime, runtime_of

router = APIRouter(prefix="/v1/dev", tags=["dev"])


@router.post(
    "/tokens",
    summary="Mint a dev token whose claims come from identity's records (DEV ONLY)",
    responses={404: {"description": "dev tokens are off, or no individual has that CCO ID"}},
)
async def tokens(body: TokenIn, runtime: ServiceRuntime = Depends(runtime_of)) -> TokenOut:
    settings = runtime.settings
    if not settings.dev_tokens or settings.environment == "production":
        raise NotFound("Not found.")
    if body.system:
        claims = use_cases.Claims(body.sub, ("system",), (), ())
    elif body.roles is not None:
        claims = use_cases.Claims(body.sub, tuple(sorted(set(body.roles))), tuple(body.admin_of), tuple(body.pam_of))
    else:
        claims = await use_cases.claims_for(runtime.db, body.sub)
    token = mint_token(
        settings, claims.sub, claims.roles, admin_of=claims.admin_of, pam_of=claims.pam_of, ttl_seconds=body.ttl_seconds
    )
    return TokenOut(
        access_token=token,
        expires_in=body.ttl_seconds,
        sub=claims.sub,
        roles=list(claims.roles),
        admin_of=sorted(set(claims.admin_of)),
        pam_of=sorted(set(claims.pam_of)),
    )
