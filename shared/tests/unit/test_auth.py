"""JWT verification: algorithm pinned; iss, aud, exp and sub required."""

from __future__ import annotations

import time

import jwt
import pytest

from partnerhub.auth import Authenticator, mint_token
from partnerhub.errors import Unauthenticated
from probe import ProbeSettings

SETTINGS = ProbeSettings()
SECRET = SETTINGS.jwt_secret.get_secret_value()  # type: ignore[union-attr]


def _claims(**changes: object) -> dict:
    now = int(time.time())
    claims = {"sub": "ada", "roles": ["partner_admin"], "admin_of": ["P1"], "iss": SETTINGS.jwt_issuer,
              "aud": SETTINGS.jwt_audience, "iat": now, "exp": now + 24 * 3600}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def test_minted_token_verifies_to_its_principal() -> None:
    principal = Authenticator(SETTINGS).verify(mint_token(SETTINGS, "ada", ["partner_admin"], admin_of=["P1"]))
    assert principal.sub == "ada"
    assert principal.administers("P1") and not principal.administers("P2")
    assert not principal.is_staff


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        (_claims(exp=None), "exp"),
        (_claims(iss=None), "iss"),
        (_claims(aud=None), "aud"),
        (_claims(sub=None), "sub"),
        (_claims(exp=int(time.time()) - 120), "expired"),
        (_claims(aud="someone-else"), "(?i)audience"),
        (_claims(iss="evil"), "issuer"),
        (_claims(roles="program_staff"), "roles"),
    ],
)
def test_tokens_missing_or_wrong_claims_are_refused(claims: dict, why: str) -> None:
    token = jwt.encode(claims, SECRET, algorithm="HS256")
    with pytest.raises(Unauthenticated, match=why):
        Authenticator(SETTINGS).verify(token)


def test_other_algorithms_and_unsigned_tokens_are_refused() -> None:
    unsigned = jwt.encode(_claims(), None, algorithm="none")
    with pytest.raises(Unauthenticated):
        Authenticator(SETTINGS).verify(unsigned)
    hs512 = jwt.encode(_claims(), SECRET + "x" * 40, algorithm="HS512")
    with pytest.raises(Unauthenticated, match="alg"):
        Authenticator(SETTINGS).verify(hs512)


def test_token_signed_with_another_key_is_refused() -> None:
    forged = jwt.encode(_claims(roles=["program_staff"]), "another-secret-that-is-long-enough-0123456789", algorithm="HS256")
    with pytest.raises(Unauthenticated, match="Signature"):
        Authenticator(SETTINGS).verify(forged)


def test_unknown_roles_cannot_be_minted() -> None:
    with pytest.raises(ValueError, match="unknown roles"):
        mint_token(SETTINGS, "ada", ["superuser"])


def test_the_old_partners_claim_gives_no_partner_rights() -> None:
    token = jwt.encode(_claims(admin_of=None, partners=["P1"]), SECRET, algorithm="HS256")
    principal = Authenticator(SETTINGS).verify(token)
    assert not principal.administers("P1") and not principal.manages("P1")
    assert principal.scoped_partners == frozenset()


def test_admin_of_and_pam_of_are_read_separately() -> None:
    token = mint_token(SETTINGS, "mix", ["partner_admin", "pam"], admin_of=["P"], pam_of=["Q"])
    principal = Authenticator(SETTINGS).verify(token)
    assert principal.administers("P") and not principal.administers("Q")
    assert principal.manages("Q") and not principal.manages("P")


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        (_claims(admin_of="P1"), "admin_of"),
        (_claims(pam_of=[1]), "pam_of"),
        (_claims(sub=42), "(?i)subject"),
        (_claims(nbf=int(time.time()) + 3600), "(?i)not yet valid"),
    ],
)
def test_malformed_scope_claims_are_refused(claims: dict, why: str) -> None:
    with pytest.raises(Unauthenticated, match=why):
        Authenticator(SETTINGS).verify(jwt.encode(claims, SECRET, algorithm="HS256"))


class _Counting:
    """jwt.decode, counted: how often a token was really verified."""

    def __init__(self) -> None:
        self.calls = 0
        self.real = jwt.decode

    def __call__(self, *args: object, **kwargs: object) -> object:
        self.calls += 1
        return self.real(*args, **kwargs)


def test_a_verified_token_is_trusted_again_only_until_the_window_or_its_exp(monkeypatch: pytest.MonkeyPatch) -> None:
    import partnerhub.auth as auth

    decode = _Counting()
    monkeypatch.setattr(auth.jwt, "decode", decode)
    authenticator = Authenticator(SETTINGS)
    now = time.time()
    long_lived = jwt.encode(_claims(), SECRET, algorithm="HS256")
    short_lived = jwt.encode(_claims(exp=int(now) + 10), SECRET, algorithm="HS256")
    for _ in range(3):
        assert authenticator.verify(long_lived).sub == "ada"
    assert decode.calls == 1  # the same token again: not verified again

    later = now + auth.VERIFIED_FOR_S + 1  # past the window: verified again
    monkeypatch.setattr(auth.time, "time", lambda: later)
    authenticator.verify(long_lived)
    assert decode.calls == 2

    monkeypatch.setattr(auth.time, "time", lambda: now)
    authenticator.verify(short_lived)
    monkeypatch.setattr(auth.time, "time", lambda: now + 11)  # past its exp, inside the window: verified again
    authenticator.verify(short_lived)  # (the real clock still says it is valid)
    assert decode.calls == 4


def test_a_refused_token_is_refused_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import partnerhub.auth as auth

    decode = _Counting()
    monkeypatch.setattr(auth.jwt, "decode", decode)
    authenticator = Authenticator(SETTINGS)
    forged = jwt.encode(_claims(), "not-the-secret", algorithm="HS256")
    for _ in range(2):
        with pytest.raises(Unauthenticated):
            authenticator.verify(forged)
    assert decode.calls == 2
