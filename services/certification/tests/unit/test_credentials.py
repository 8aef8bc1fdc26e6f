"""Certificates anyone can verify (CE-3, CE-5), pure: the verdict follows the badge, certificate numbers,
the Open Badges 3.0 credential against 1EdTech's schema, and the key ring (RS256, ES256, EdDSA)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jsonschema import Draft201909Validator

from certification.domain.credentials import (
    BadgeNow,
    CertificateFacts,
    Issuer,
    certificate_id_of,
    judge,
    jwt_claims,
    new_number,
    normal_number,
    open_badge,
)
from certification.signing import (
    BadCredential,
    KeyRing,
    UnusableKey,
    generate_pem,
    private_key,
    public_keys,
)

SCHEMA = json.loads((Path(__file__).parents[1] / "fixtures" / "ob_v3p0_achievementcredential_schema.json").read_text())
FACTS = CertificateFacts(
    certificate_id="0b8e2a6c-3f1d-4e5a-9c7b-1d2e3f4a5b6c", number="PH-7K2M-9Q4T-XB3D", cco_id="ann@example",
    certification="CCNA", name="CCNA Routing and Switching", kind="associate",
    valid_from=date(2026, 1, 10), expires_on=date(2029, 1, 10), issued_on=date(2026, 2, 1),
)
ISSUER = Issuer("https://certification.example.com", "partnerhub Career Certifications")


def pem_of(key) -> str:  # type: ignore[no-untyped-def]
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


# the verdict ------------------------------------------------------------------------------------
def test_ce3_active_badge_is_valid_with_the_certificates_dates() -> None:
    v = judge(FACTS, BadgeNow("active", date(2026, 1, 10), date(2029, 1, 10)), None, date(2027, 1, 1))
    assert (v.status, v.valid_from, v.expires_on, v.reason) == ("valid", date(2026, 1, 10), date(2029, 1, 10), "valid")


def test_ce5_renewed_badge_is_valid_with_the_new_dates() -> None:
    v = judge(FACTS, BadgeNow("active", date(2028, 6, 1), date(2031, 6, 1)), None, date(2029, 3, 1))
    assert (v.status, v.valid_from, v.expires_on) == ("valid", date(2028, 6, 1), date(2031, 6, 1))
    assert v.reason.startswith("renewed")


def test_ce5_expired_badge_says_expired_on_its_expiry_day() -> None:
    badge = BadgeNow("expired", date(2026, 1, 10), date(2029, 1, 10))
    v = judge(FACTS, badge, None, date(2029, 1, 10))
    assert (v.status, v.reason) == ("expired", "expired on 2029-01-10")
    # a stored "active" past its expiry (the daily job not run yet) is expired too
    assert judge(FACTS, BadgeNow("active", date(2026, 1, 10), date(2029, 1, 10)), None, date(2029, 1, 10)).status == "expired"


def test_revoked_or_no_longer_held_says_revoked() -> None:
    active = BadgeNow("active", date(2026, 1, 10), date(2029, 1, 10))
    assert judge(FACTS, active, date(2026, 3, 1), date(2026, 4, 1)).status == "revoked"
    gone = judge(FACTS, None, None, date(2026, 4, 1))
    assert (gone.status, gone.reason) == ("revoked", "the certification is no longer held")


def test_certificate_numbers_are_random_and_forgive_typing() -> None:
    numbers = {new_number() for _ in range(200)}
    assert len(numbers) == 200
    for number in numbers:
        assert normal_number(number) == number
    assert normal_number("ph 7k2m 9q4t xb3d") == "PH-7K2M-9Q4T-XB3D"
    assert normal_number("PH-7K2M-9Q4T-XB3O") == "PH-7K2M-9Q4T-XB30"  # O read as zero
    for bad in ("", "PH-7K2M", "PH-7K2M-9Q4T-XB3D-1", "PH-7K2M-9Q4T-XB3!", "PH-UUUU-9Q4T-XB3D"):
        assert normal_number(bad) is None
    assert certificate_id_of(f"urn:uuid:{FACTS.certificate_id}") == FACTS.certificate_id
    assert certificate_id_of("urn:uuid:../../etc") is None and certificate_id_of(FACTS.certificate_id) is None


# the credential ---------------------------------------------------------------------------------
def test_ce3_open_badge_passes_the_published_open_badges_3_schema() -> None:
    credential = open_badge(FACTS, ISSUER)
    validator = Draft201909Validator(SCHEMA, format_checker=Draft201909Validator.FORMAT_CHECKER)
    assert sorted(e.message for e in validator.iter_errors(credential)) == []
    assert credential["credentialSubject"]["identifier"][0] == {
        "type": "IdentityObject", "identityHash": "ann@example", "identityType": "accountId", "hashed": False,
    }
    # the schema is really checking: a credential without its subject's achievement is refused
    broken = {**credential, "credentialSubject": {"type": ["AchievementSubject"]}}
    assert list(validator.iter_errors(broken))
    claims = jwt_claims(credential, datetime(2026, 2, 1, 12, tzinfo=UTC))
    assert claims["iss"] == ISSUER.url and claims["jti"] == f"urn:uuid:{FACTS.certificate_id}"
    assert claims["sub"] == "urn:partnerhub:cco-id:ann%40example"
    assert claims["nbf"] == int(datetime(2026, 1, 10, tzinfo=UTC).timestamp())
    assert claims["exp"] == int(datetime(2029, 1, 10, tzinfo=UTC).timestamp())


# the keys ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make, alg",
    [
        (lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048), "RS256"),
        (lambda: ec.generate_private_key(ec.SECP256R1()), "ES256"),
        (lambda: ed25519.Ed25519PrivateKey.generate(), "EdDSA"),
    ],
)
def test_each_key_type_signs_and_verifies_through_its_published_jwk(make, alg) -> None:  # type: ignore[no-untyped-def]
    key = private_key(pem_of(make()))
    assert key.algorithm == alg
    ring = KeyRing.of(key, [])
    claims = jwt_claims(open_badge(FACTS, ISSUER), datetime(2026, 2, 1, tzinfo=UTC))
    token = ring.sign(claims, f"{ISSUER.url}/v1/credentials/keys")
    (jwk,) = ring.jwks(f"{ISSUER.url}/v1/credentials/keys")["keys"]
    assert "d" not in jwk and jwk["kid"] == f"{ISSUER.url}/v1/credentials/keys/{key.kid}" and jwk["alg"] == alg
    assert jwt.decode(token, jwt.PyJWK(jwk).key, algorithms=[alg], options={"verify_exp": False, "verify_nbf": False})["jti"] == claims["jti"]
    assert ring.verify(token)["jti"] == claims["jti"]
    head, payload, sig = token.split(".")
    with pytest.raises(BadCredential):
        ring.verify(f"{head}.{payload}.{sig[:-4]}AAAA")


def test_kid_is_the_thumbprint_of_the_public_key_and_earlier_keys_still_verify() -> None:
    old_private = ed25519.Ed25519PrivateKey.generate()
    old = private_key(pem_of(old_private))
    public = old_private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    (from_public,) = public_keys(public)
    assert from_public.kid == old.kid and from_public.private is None  # the same key names itself the same
    new = private_key(generate_pem())
    token = KeyRing.of(old, []).sign(jwt_claims(open_badge(FACTS, ISSUER), datetime.now(UTC)), "https://x/keys")
    rotated = KeyRing.of(new, [from_public])
    assert [k.kid for k in rotated.keys] == [new.kid, old.kid]
    assert rotated.verify(token)["sub"].endswith("ann%40example")
    assert rotated.find(f"https://elsewhere.example/keys/{old.kid}") == from_public
    with pytest.raises(BadCredential):
        KeyRing.of(new, []).verify(token)  # dropped from the settings: no longer verifies


def test_unusable_keys_are_refused() -> None:
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    for text in ("not a key", pem_of(weak), pem_of(ec.generate_private_key(ec.SECP384R1()))):
        with pytest.raises(UnusableKey):
            private_key(text)
    with pytest.raises(UnusableKey):
        public_keys("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")


# the settings -----------------------------------------------------------------------------------
def test_production_refuses_running_without_a_signing_key_or_public_issuer_url() -> None:
    from pydantic import ValidationError

    from certification.settings import CertificationSettings

    secure = {"environment": "production", "jwt_algorithm": "ES256", "jwt_public_key": "x", "jwt_secret": None}
    with pytest.raises(ValidationError) as refused:
        CertificationSettings(**secure)
    text = str(refused.value)
    assert "credential_signing_key" in text and "credential_issuer_url" in text
    key = pem_of(ec.generate_private_key(ec.SECP256R1()))
    ok = CertificationSettings(
        **secure, credential_signing_key=key, credential_issuer_url="https://cert.example.com",
        ui_csrf_secret="a-real-csrf-secret-0123456789abcdef",
    )
    assert ok.credential_signing_key is not None
    # a key that cannot sign is refused in every environment, without printing it
    with pytest.raises(ValidationError) as bad:
        CertificationSettings(credential_signing_key="-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n")
    assert "credential_signing_key" in str(bad.value) and "c2VjcmV0" not in str(bad.value)
    # dev and test: no key needed (one is generated and kept in the database)
    assert CertificationSettings(environment="test").credential_signing_key is None
