"""Forged and broken tokens on one protected operation of each service: every one is a 401
problem+json (ARCHITECTURE.md "Who may call what"); a valid token that carries only the old
``partners`` claim is a 403 on partner data, never a partner admin's access."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from partnerhub.auth import Authenticator
from partnerhub.errors import Unauthenticated
from partnerhub.registry import discover
from partnerhub.testing import start_system

P = "100001"
# one operation each that a program-staff token may call
PROTECTED = {
    "identity": "/v1/duplicates",
    "certification": f"/v1/partners/{P}/certifications",
    "learning": f"/v1/partners/{P}/points",
    "specialization": f"/v1/partners/{P}/specializations",
    "notify": "/v1/notifications",
}
# partner data (the authorization runs before the partner is looked up); notify filters its log instead
PARTNER_DATA = {**{s: PROTECTED[s] for s in PROTECTED if s != "notify"}, "identity": f"/v1/partners/{P}/members"}


def _rsa() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private.decode(), public.decode()


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def attacks(settings: Any) -> dict[str, str | None]:
    secret = settings.jwt_secret.get_secret_value()
    now = int(time.time())
    good = {"sub": "sam", "roles": ["program_staff"], "iss": settings.jwt_issuer, "aud": settings.jwt_audience, "iat": now, "exp": now + 600}

    def signed(claims: dict[str, Any], key: str = secret, alg: str = "HS256", **headers: Any) -> str:
        return jwt.encode(claims, key, algorithm=alg, headers=headers or None)

    def without(name: str) -> dict[str, Any]:
        return {k: v for k, v in good.items() if k != name}

    private, public = _rsa()
    # HS/RS confusion: an HS256 token whose "secret" is an RSA public key, as if the server took
    # the algorithm from the token and used its RS256 key as an HMAC secret
    confused = ".".join((_b64({"alg": "HS256", "typ": "JWT"}), _b64(good)))
    import hashlib
    import hmac

    confused += "." + base64.urlsafe_b64encode(hmac.new(public.encode(), confused.encode(), hashlib.sha256).digest()).rstrip(b"=").decode()
    return {
        "no token": None,
        "malformed": "not-a-jwt",
        "three dots of garbage": "a.b.c",
        "alg none": ".".join((_b64({"alg": "none", "typ": "JWT"}), _b64(good), "")),
        "wrong key": signed(good, "another-secret-that-is-long-enough-0123456789"),
        "RS256 with an unknown key": signed(good, private, "RS256"),
        "HS256 keyed with an RSA public key": confused,
        "HS512": signed(good, secret + "x" * 40, "HS512"),
        "expired": signed({**good, "exp": now - 3600}),
        "no exp": signed(without("exp")),
        "wrong iss": signed({**good, "iss": "evil"}),
        "no iss": signed(without("iss")),
        "wrong aud": signed({**good, "aud": "someone-else"}),
        "no aud": signed(without("aud")),
        "no sub": signed(without("sub")),
        "empty sub": signed({**good, "sub": " "}),
        "nbf in the future": signed({**good, "nbf": now + 3600}),
        "roles not a list": signed({**good, "roles": "program_staff"}),
        "admin_of not a list": signed({**good, "roles": ["partner_admin"], "admin_of": P}),
    }


@pytest.mark.parametrize("service", list(PROTECTED))
async def test_every_forged_or_broken_token_is_401(tmp_path: Path, service: str) -> None:
    async with start_system([discover()[service]], "standalone", tmp_path=tmp_path) as system:
        client = system.clients[service]
        settings = system.runtimes[service].settings
        assert (await client.get(PROTECTED[service], headers=system.staff())).status_code == 200
        wrong = []
        for name, token in attacks(settings).items():
            headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
            r = await client.get(PROTECTED[service], headers=headers)
            if r.status_code != 401 or r.headers["content-type"] != "application/problem+json":
                wrong.append(f"{name}: {r.status_code} {r.text[:120]}")
            elif r.headers.get("www-authenticate") != "Bearer":
                wrong.append(f"{name}: no WWW-Authenticate: Bearer")
        assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("service", list(PARTNER_DATA))
async def test_the_old_partners_claim_alone_gives_no_partner_access(tmp_path: Path, service: str) -> None:
    async with start_system([discover()[service]], "standalone", tmp_path=tmp_path) as system:
        settings = system.runtimes[service].settings
        now = int(time.time())
        old = {
            "sub": "ada", "roles": ["individual", "partner_admin", "pam"], "partners": [P],
            "iss": settings.jwt_issuer, "aud": settings.jwt_audience, "iat": now, "exp": now + 600,
        }
        token = jwt.encode(old, settings.jwt_secret.get_secret_value(), algorithm="HS256")
        r = await system.clients[service].get(PARTNER_DATA[service], headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 403, r.text
        assert "admin_of" in r.json()["detail"]


def test_an_rs256_service_refuses_hs256_tokens_keyed_with_its_public_key() -> None:
    """The classic confusion, against a service that verifies RS256 with a public key."""
    private, public = _rsa()
    settings = discover()["identity"].settings_cls(jwt_algorithm="RS256", jwt_public_key=public, jwt_secret=None)
    auth = Authenticator(settings)
    now = int(time.time())
    good = {"sub": "sam", "roles": ["program_staff"], "iss": settings.jwt_issuer, "aud": settings.jwt_audience, "exp": now + 600}
    assert auth.verify(jwt.encode(good, private, algorithm="RS256")).is_staff
    header = _b64({"alg": "HS256", "typ": "JWT"}) + "." + _b64(good)
    import hashlib
    import hmac

    sig = base64.urlsafe_b64encode(hmac.new(public.encode(), header.encode(), hashlib.sha256).digest()).rstrip(b"=").decode()
    with pytest.raises(Unauthenticated):
        auth.verify(f"{header}.{sig}")
