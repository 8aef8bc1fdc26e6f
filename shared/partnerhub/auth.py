"""Bearer JWTs: verification (algorithm pinned; iss, aud, exp, sub required) and role checks.

Claims: ``sub`` (a CCO ID or a client id), ``roles`` (individual, partner_admin,
pam, program_staff, system), ``partners`` (BE GEO IDs the admin or PAM role applies to).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from partnerhub.errors import Forbidden, Unauthenticated
from partnerhub.settings import ServiceSettings

ROLES = ("individual", "partner_admin", "pam", "program_staff", "system")


@dataclass(frozen=True)
class Principal:
    sub: str
    roles: frozenset[str]
    partners: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_staff(self) -> bool:
        return "program_staff" in self.roles

    @property
    def is_system(self) -> bool:
        return "system" in self.roles

    def has_any(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def administers(self, be_geo_id: str) -> bool:
        return "partner_admin" in self.roles and be_geo_id in self.partners

    def manages(self, be_geo_id: str) -> bool:
        """A PAM associated to the partner (DOMAIN actor table)."""
        return "pam" in self.roles and be_geo_id in self.partners


class Authenticator:
    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.algorithms = [settings.jwt_algorithm]
        self._jwks = jwt.PyJWKClient(settings.jwt_jwks_url) if settings.jwt_jwks_url else None

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
        roles = claims.get("roles") or []
        partners = claims.get("partners") or []
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise Unauthenticated("The bearer token's `roles` claim must be a list of strings.")
        if not isinstance(partners, list) or not all(isinstance(p, str) for p in partners):
            raise Unauthenticated("The bearer token's `partners` claim must be a list of strings.")
        return Principal(sub=str(claims["sub"]), roles=frozenset(roles), partners=frozenset(partners))


def mint_token(
    settings: ServiceSettings,
    sub: str,
    roles: Iterable[str],
    partners: Iterable[str] = (),
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
        "partners": sorted(set(partners)),
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


def current_principal(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthenticated("Send `Authorization: Bearer <token>`.")
    authenticator: Authenticator = request.app.state.runtime.auth
    return authenticator.verify(credentials.credentials)


def require_roles(*roles: str) -> Callable[..., Principal]:
    """A dependency: the caller has at least one of ``roles``."""

    def dependency(principal: Principal = Depends(current_principal)) -> Principal:
        if not principal.has_any(*roles):
            raise Forbidden(f"This needs one of the roles: {', '.join(roles)}.")
        return principal

    return dependency


StaffOnly = require_roles("program_staff")
