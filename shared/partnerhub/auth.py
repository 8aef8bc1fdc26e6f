"""Bearer JWTs: verification (algorithm pinned; iss, aud, exp, sub required) and role checks.

Claims: ``sub`` (a CCO ID or a client id), ``roles`` (individual, partner_admin,
pam, program_staff, system), ``admin_of`` (BE GEO IDs the person administers) and ``pam_of``
(BE GEO IDs they are PAM of). The old single ``partners`` claim is not read: a token that carries
only it has no partner rights. What a principal may do is decided in :mod:`partnerhub.policy`.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from partnerhub.errors import Forbidden, NotFound, Unauthenticated
from partnerhub.policy import (
    ROLES,
    Decision,
    PartnerRight,
    Person,
    PersonRight,
    Principal,
    partner_decision,
    person_decision,
)
from partnerhub.settings import ServiceSettings

__all__ = [
    "ROLES",
    "Authenticator",
    "Principal",
    "current_principal",
    "mint_token",
    "require_partner",
    "require_person",
    "require_roles",
    "StaffOnly",
]


def _strings(claims: dict[str, Any], name: str) -> frozenset[str]:
    value = claims.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Unauthenticated(f"The bearer token's `{name}` claim must be a list of strings.")
    return frozenset(value)


# a client sends the same token with every request: its verified principal is kept for a short while, so the
# signature, the claims and the key are checked once per token per ``VERIFIED_FOR_S``, never past its ``exp``
VERIFIED_FOR_S = 60.0
VERIFIED_MAX = 4096


class Authenticator:
    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.algorithms = [settings.jwt_algorithm]
        self._jwks = jwt.PyJWKClient(settings.jwt_jwks_url) if settings.jwt_jwks_url else None
        self._verified: dict[str, tuple[Principal, float]] = {}  # token -> (principal, trusted until, epoch s)

    def _verification_key(self, token: str) -> Any:
        if self._jwks is not None:
            return self._jwks.get_signing_key_from_jwt(token).key
        if self.settings.jwt_algorithm == "HS256":
            if self.settings.jwt_secret is None:
                raise Unauthenticated("No token verification key is configured.")
            return self.settings.jwt_secret.get_secret_value()
        if not self.settings.jwt_public_key:
            raise Unauthenticated("No token verification key is configured.")
        return self.settings.jwt_public_key

    def verify(self, token: str) -> Principal:
        """The token's principal, or :class:`Unauthenticated`. A token verified in the last ``VERIFIED_FOR_S``
        seconds is not verified again until then, nor after its ``exp``."""
        now = time.time()
        kept = self._verified.get(token)
        if kept is not None:
            if now < kept[1]:
                return kept[0]
            del self._verified[token]
        principal, expires = self._decode(token)
        if len(self._verified) >= VERIFIED_MAX:  # many clients at once: forget the oldest half
            for old in list(self._verified)[: VERIFIED_MAX // 2]:
                del self._verified[old]
        self._verified[token] = (principal, min(expires, now + VERIFIED_FOR_S))
        return principal

    def _decode(self, token: str) -> tuple[Principal, float]:
        try:
            claims = jwt.decode(
                token,
                self._verification_key(token),
                algorithms=self.algorithms,
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                options={"require": ["exp", "iss", "aud", "sub"]},
                leeway=5,
            )
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"The bearer token is not valid: {exc}.") from exc
        if not isinstance(claims["sub"], str) or not claims["sub"].strip():
            raise Unauthenticated("The bearer token's `sub` claim must be a non-empty string.")
        principal = Principal(
            sub=claims["sub"],
            roles=_strings(claims, "roles"),
            admin_of=_strings(claims, "admin_of"),
            pam_of=_strings(claims, "pam_of"),
        )
        return principal, float(claims["exp"])


def mint_token(
    settings: ServiceSettings,
    sub: str,
    roles: Iterable[str],
    *,
    admin_of: Iterable[str] = (),
    pam_of: Iterable[str] = (),
    ttl_seconds: int = 3600,
) -> str:
    """A signed token for dev and tests. Production never mints (settings refuse dev_tokens)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}; known: {', '.join(ROLES)}")
    now = int(time.time())
    claims = {
        "sub": sub,
        "roles": sorted(set(roles)),
        "admin_of": sorted(set(admin_of)),
        "pam_of": sorted(set(pam_of)),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    if settings.jwt_algorithm == "HS256":
        if settings.jwt_secret is None:
            raise ValueError("jwt_secret is needed to mint HS256 tokens")
        key: Any = settings.jwt_secret.get_secret_value()
    else:
        if settings.jwt_private_key is None:
            raise ValueError("jwt_private_key is needed to mint tokens")
        key = settings.jwt_private_key.get_secret_value()
    return jwt.encode(claims, key, algorithm=settings.jwt_algorithm)


_bearer = HTTPBearer(auto_error=False, description="A JWT from the identity provider (dev: POST /v1/dev/tokens)")


def _principal_of(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthenticated("Send `Authorization: Bearer <token>`.")
    authenticator: Authenticator = request.app.state.runtime.auth
    return authenticator.verify(credentials.credentials)


async def current_principal(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> Principal:
    return _principal_of(request, credentials)


def require_roles(*roles: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency: the caller has at least one of ``roles``. It reads the bearer itself rather than through
    ``current_principal``: FastAPI solves each level of dependencies on every request."""

    async def dependency(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> Principal:
        principal = _principal_of(request, credentials)
        if not principal.has_any(*roles):
            raise Forbidden(f"This needs one of the roles: {', '.join(roles)}.")
        return principal

    return dependency


StaffOnly = require_roles("program_staff")


# the policy's decisions as problems --------------------------------------------------------------
_PARTNER_WORDS = {
    PartnerRight.SEE: "see this partner",
    PartnerRight.SEE_MEMBERS: "see the partner's members",
    PartnerRight.SEE_POINTS: "see Continuous Learning points (CL-10)",
    PartnerRight.SEE_MAIL: "see the partner's mail",
    PartnerRight.MANAGE_MEMBERS: "change the partner's members",
    PartnerRight.ACT: "act for the partner",
    PartnerRight.ASSIGN_PAMS: "associate PAMs with partners",
}


def require_partner(principal: Principal, right: PartnerRight, be_geo_id: str) -> None:
    """Raise 404 (another partner's) or 403 unless the policy allows ``right`` on ``be_geo_id``."""
    decision = partner_decision(principal, right, be_geo_id)
    if decision is Decision.HIDE:
        raise NotFound(f"No partner with BE GEO ID {be_geo_id}.", be_geo_id=be_geo_id)
    if decision is Decision.FORBID:
        who = ", ".join(a.value for a in sorted(right.actors, key=lambda a: a.name))
        hint = ""
        if principal.has_any("partner_admin", "pam") and not principal.scoped_partners:
            hint = " Your token names no partner in `admin_of` or `pam_of`."
        raise Forbidden(f"Only {who} may {_PARTNER_WORDS[right]}.{hint}", be_geo_id=be_geo_id)


def require_person(principal: Principal, right: PersonRight, person: Person, asked: str, *, forbidden: str) -> None:
    """Raise 404 (someone the caller may not see) or 403 (``forbidden``) unless allowed."""
    decision = person_decision(principal, right, person)
    if decision is Decision.HIDE:
        raise NotFound(f"No individual with CCO ID {asked}.", cco_id=asked)
    if decision is Decision.FORBID:
        raise Forbidden(forbidden, cco_id=asked)
