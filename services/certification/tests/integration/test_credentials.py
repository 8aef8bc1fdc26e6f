"""Certificates anyone can verify (CE-3, CE-5, ID-2, ID-4, CE-11) — both modes.

The holder downloads a PDF and an Open Badges 3.0 credential (VC-JWT) once the agreement is signed;
the signature verifies with the key the service publishes (JWKS); the credential passes 1EdTech's JSON
schema; anyone verifies a credential or a certificate number and learns valid / expired / revoked with
the certification and its dates only. Verification follows the badge: renewed, expired, merged.
"""

from __future__ import annotations

import base64
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from jsonschema import Draft201909Validator
from pypdf import PdfReader

from certification.app import SERVICE
from partnerhub.bus.contracts import GrantChanged, IndividualMerged, MembershipStarted
from partnerhub.testing import deliver

P1 = "BE-100"
SCHEMA = json.loads((Path(__file__).parents[1] / "fixtures" / "ob_v3p0_achievementcredential_schema.json").read_text())
VERDICT_FIELDS = {"status", "certification", "name", "valid_from", "expires_on", "certificate_number", "reason", "checked_on"}


def pem(key: Any) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


def public_pem(key: Any) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


class Creds:
    def __init__(self, system: Any) -> None:
        self.system = system
        self.client = system.clients["certification"]

    async def sign(self, cco_id: str) -> None:
        r = await self.client.post(
            f"/v1/individuals/{cco_id}/agreements", json={"version": "2026"}, headers=self.system.token(cco_id, "individual")
        )
        assert r.status_code in (200, 201), r.text

    async def credential(self, cco_id: str, code: str = "CCNA", who: dict[str, str] | None = None) -> dict[str, Any]:
        r = await self.client.get(
            f"/v1/individuals/{cco_id}/certifications/{code}/credential", headers=who or self.system.token(cco_id, "individual")
        )
        assert r.status_code == 200, r.text
        return r.json()

    async def verify(self, **body: str) -> dict[str, Any]:
        r = await self.client.post("/v1/verifications", json=body)  # no token: anyone may verify
        assert r.status_code == 200, r.text
        answer = r.json()
        assert set(answer) == VERDICT_FIELDS  # nothing of the person
        return answer

    async def jwks_verify(self, token: str) -> dict[str, Any]:
        """Verify as an outsider would: the kid's key from the published JWKS, PyJWT, the JWK's algorithm."""
        header = jwt.get_unverified_header(token)
        jwks = (await self.client.get("/.well-known/jwks.json")).json()
        (jwk,) = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
        assert "d" not in jwk  # never a private part
        key = (await self.client.get(header["kid"].replace("http://certification.test", ""))).json()
        assert key == jwk  # the kid is a URL that answers the key itself (Open Badges 3.0)
        return jwt.decode(
            token, jwt.PyJWK(jwk).key, algorithms=[jwk["alg"]],
            options={"verify_exp": False, "verify_nbf": False, "verify_aud": False, "require": ["iss", "jti", "sub", "nbf"]},
        )


@pytest.fixture
def creds_of():
    return Creds


async def test_ce3_certificate_and_credential_once_the_agreement_is_signed(system_factory, h, creds_of) -> None:
    async with system_factory(SERVICE, start_date="2026-02-01") as system:
        c = creds_of(system)
        client, ann = c.client, system.token("ann", "individual")
        await h.catalog(system)
        await h.result(system, "r-1", "ann", "A1", "2026-01-10")
        await h.result(system, "r-2", "bob", "A1", "2026-01-12")
        pdf_path = "/v1/individuals/ann/certifications/CCNA/certificate"
        vc_path = "/v1/individuals/ann/certifications/CCNA/credential"
        # CE-3: no certificate before the agreement is signed
        for path in (pdf_path, vc_path):
            r = await client.get(path, headers=ann)
            assert r.status_code == 409 and r.json()["type"].endswith("agreement-not-signed"), r.text
        await c.sign("ann")
        r = await client.get(pdf_path, headers=ann)
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
        number = (await h.badges(system, "ann"))["CCNA"]["certificate"]["number"]
        for fact in ("ann", "CCNA", "2026-01-10", "2029-01-10", number, "Career Certifications ID"):
            assert fact in text, (fact, text)
        assert r.headers["content-disposition"] == f'attachment; filename="certificate-{number}.pdf"'

        body = await c.credential("ann")
        assert body["certificate_number"] == number
        claims = await c.jwks_verify(body["jwt"])
        credential = {k: v for k, v in claims.items() if k not in ("iss", "jti", "sub", "nbf", "exp", "iat")}
        assert credential == body["credential"]
        Draft201909Validator(SCHEMA, format_checker=Draft201909Validator.FORMAT_CHECKER).validate(credential)
        assert "OpenBadgeCredential" in credential["type"]
        assert credential["credentialSubject"]["identifier"][0]["identityHash"] == "ann"  # the CCO ID (CE-3)
        assert credential["credentialSubject"]["achievement"]["name"] == "CCNA"
        assert (credential["validFrom"], credential["validUntil"]) == ("2026-01-10T00:00:00Z", "2029-01-10T00:00:00Z")
        assert (claims["jti"], claims["sub"], claims["iss"]) == (credential["id"], credential["credentialSubject"]["id"], credential["issuer"]["id"])
        assert (claims["nbf"], claims["exp"]) == (int(datetime(2026, 1, 10, tzinfo=UTC).timestamp()), int(datetime(2029, 1, 10, tzinfo=UTC).timestamp()))
        raw = await client.get(vc_path, headers={**ann, "Accept": "application/vc+jwt"})
        assert raw.status_code == 200 and raw.headers["content-type"].startswith("application/vc+jwt")
        assert (await c.jwks_verify(raw.text))["jti"] == credential["id"]

        # anyone verifies: by the credential, its id, the number (typed loosely), the number's link
        expected = {"status": "valid", "certification": "CCNA", "name": "CCNA", "valid_from": "2026-01-10",
                    "expires_on": "2029-01-10", "certificate_number": number}
        for answer in (
            await c.verify(credential=body["jwt"]),
            await c.verify(credential_id=body["credential_id"]),
            await c.verify(certificate_number=number.lower().replace("-", " ")),
        ):
            assert {k: answer[k] for k in expected} == expected
            assert "ann" not in json.dumps(answer)
        r = await client.get(f"/v1/certificates/{number}/verification")
        assert r.status_code == 200 and r.json()["status"] == "valid"

        # who may download (CE-11, ID-4): the holder, staff; an admin of her partner only with a grant
        admin = system.token("adm", "partner_admin", admin_of=[P1])
        await deliver(system.runtimes["certification"], MembershipStarted(cco_id="ann", be_geo_id=P1, started_on=date(2025, 1, 1)))
        assert (await client.get(pdf_path, headers=system.staff())).status_code == 200
        assert (await client.get(pdf_path, headers=admin)).status_code == 403
        await deliver(system.runtimes["certification"], GrantChanged(cco_id="ann", be_geo_id=P1, granted=True, changed_on=date(2026, 2, 1)))
        assert (await client.get(pdf_path, headers=admin)).status_code == 200
        for who in (system.token("bob", "individual"), system.token("adm2", "partner_admin", admin_of=["BE-200"]),
                    system.token("pam", "pam", pam_of=[P1]), system.token("crm", "system")):
            for path in (pdf_path, vc_path):
                r = await client.get(path, headers=who)
                assert r.status_code == 404 and "2029-01-10" not in r.text, (who, path, r.text)
        assert (await client.get(pdf_path)).status_code == 401
        # a certification not held: 404; bob has not signed: 409
        assert (await client.get("/v1/individuals/ann/certifications/CCNP/certificate", headers=ann)).status_code == 404
        r = await client.get("/v1/individuals/bob/certifications/CCNA/credential", headers=system.token("bob", "individual"))
        assert r.status_code == 409


async def test_ce5_a_renewed_badge_verifies_with_its_new_dates_an_expired_one_says_expired(system_factory, h, creds_of) -> None:
    async with system_factory(SERVICE, start_date="2026-02-01") as system:
        c = creds_of(system)
        await h.catalog(system)
        await h.result(system, "r-1", "ann", "A1", "2026-01-10")
        await h.result(system, "r-2", "bob", "A1", "2026-01-12")
        for who in ("ann", "bob"):
            await c.sign(who)
        ann_first, bob_first = await c.credential("ann"), await c.credential("bob")
        # CE-5: ann renews before expiry; bob does not
        await h.today(system, "2028-06-02")
        await h.result(system, "r-3", "ann", "A1", "2028-06-01")
        renewed = await c.verify(credential=ann_first["jwt"])
        assert (renewed["status"], renewed["valid_from"], renewed["expires_on"]) == ("valid", "2028-06-01", "2031-06-01")
        assert renewed["certificate_number"] == ann_first["certificate_number"] and "renewed" in renewed["reason"]
        ann_second = await c.credential("ann")  # a new certificate for the new period
        assert ann_second["certificate_number"] != ann_first["certificate_number"]
        assert ann_second["credential"]["validFrom"] == "2028-06-01T00:00:00Z"
        assert (await c.verify(credential=ann_second["jwt"]))["status"] == "valid"
        await h.today(system, "2029-01-12")  # bob's CCNA expired on 2029-01-12
        expired = await c.verify(credential=bob_first["jwt"])
        assert (expired["status"], expired["expires_on"], expired["reason"]) == ("expired", "2029-01-12", "expired on 2029-01-12")
        assert (await c.verify(certificate_number=bob_first["certificate_number"]))["status"] == "expired"
        r = await c.client.get("/v1/individuals/bob/certifications/CCNA/credential", headers=system.token("bob", "individual"))
        assert r.status_code == 409 and r.json()["type"].endswith("certification-not-active")
        assert (await c.verify(credential=ann_first["jwt"]))["status"] == "valid"


async def test_revoked_certificate_says_revoked_and_bad_input_changes_nothing(system_factory, h, creds_of) -> None:
    async with system_factory(SERVICE, start_date="2026-02-01") as system:
        c = creds_of(system)
        client = c.client
        await h.catalog(system)
        await h.result(system, "r-1", "ann", "A1", "2026-01-10")
        await c.sign("ann")
        body = await c.credential("ann")
        number, token = body["certificate_number"], body["jwt"]
        path = f"/v1/certificates/{number}/revocation"
        for who in (system.token("ann", "individual"), system.token("crm", "system"), system.token("adm", "partner_admin", admin_of=[P1])):
            assert (await client.put(path, json={"reason": "issued in error"}, headers=who)).status_code == 403
        assert (await c.verify(credential=token))["status"] == "valid"
        r = await client.put(path, json={"reason": "issued in error"}, headers=system.staff())
        assert r.status_code == 201 and r.json()["revoked_on"] == "2026-02-01"
        r = await client.put(path, json={"reason": "again"}, headers=system.staff())
        assert r.status_code == 200 and r.json()["reason"] == "issued in error"  # the first stands
        answer = await c.verify(credential=token)
        assert (answer["status"], answer["reason"]) == ("revoked", "revoked on 2026-02-01")
        assert "issued in error" not in json.dumps(answer)
        assert (await c.verify(certificate_number=number))["status"] == "revoked"
        r = await client.get("/v1/individuals/ann/certifications/CCNA/credential", headers=system.token("ann", "individual"))
        assert r.status_code == 409 and r.json()["type"].endswith("certificate-revoked")

        # bad input: a clear 4xx problem+json, never a 500
        head, payload, sig = token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
        claims["validUntil"] = "2099-01-01T00:00:00Z"
        forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        foreign = ec.generate_private_key(ec.SECP256R1())
        by_stranger = jwt.encode(claims, foreign, algorithm="ES256", headers={"kid": jwt.get_unverified_header(token)["kid"]})
        for bad, slug in [
            ({"credential": f"{head}.{forged_payload}.{sig}"}, "credential-not-verified"),
            ({"credential": by_stranger}, "credential-not-verified"),
            ({"credential": "aaa.bbb.ccc"}, "credential-not-verified"),
            ({"credential": "not a jwt"}, "invalid-request"),
            ({}, "invalid-request"),
            ({"certificate_number": number, "credential": token}, "invalid-request"),
            ({"certificate_number": "12"}, "invalid-certificate-number"),
            ({"credential_id": "urn:uuid:nope"}, "invalid-credential-id"),
            ({"certificate_number": "PH-0000-0000-0000"}, "not-found"),
            ({"credential_id": "urn:uuid:00000000-0000-4000-8000-000000000000"}, "not-found"),
            ({"credential": token, "cco_id": "ann"}, "invalid-request"),
        ]:
            r = await client.post("/v1/verifications", json=bad)
            assert 400 <= r.status_code < 500 and r.headers["content-type"] == "application/problem+json", (bad, r.text)
            assert r.json()["type"].endswith(slug), (bad, r.text)
        assert (await client.get("/v1/certificates/PH-0000-0000-0000/verification")).status_code == 404
        assert (await client.get("/v1/credentials/keys/AAAAAAAAAAAAAAAAAAAAAAAA")).status_code == 404
        r = await client.put("/v1/certificates/PH-0000-0000-0000/revocation", json={"reason": "x"}, headers=system.staff())
        assert r.status_code == 404
        r = await client.put(path, json={"reason": ""}, headers=system.staff())
        assert r.status_code == 422


async def test_id2_a_merged_ids_credentials_move_to_the_survivor(system_factory, h, creds_of) -> None:
    async with system_factory(SERVICE, start_date="2026-02-01") as system:
        c = creds_of(system)
        await h.catalog(system)
        await h.result(system, "r-1", "ann-old", "A1", "2026-01-10")
        await h.result(system, "r-2", "ann", "D1", "2026-01-20")
        await c.sign("ann-old")
        old = await c.credential("ann-old")
        await deliver(
            system.runtimes["certification"],
            IndividualMerged(survivor="ann", retired=["ann-old"], merged_on=date(2026, 2, 1)),
        )
        # the old credential verifies against the survivor's badge; the survivor downloads the same certificate
        assert (await c.verify(credential=old["jwt"]))["status"] == "valid"
        mine = await c.credential("ann", who=system.token("ann", "individual"))
        assert mine["certificate_number"] == old["certificate_number"]
        assert mine["credential"]["credentialSubject"]["identifier"][0]["identityHash"] == "ann"
        via_old = await c.credential("ann-old", who=system.token("ann", "individual"))  # a retired ID resolves
        assert via_old["certificate_number"] == old["certificate_number"]
        # the survivor's agreement (moved from the retired ID) covers her own CCDA too
        assert (await c.credential("ann", "CCDA"))["credential"]["credentialSubject"]["achievement"]["name"] == "CCDA"
        await h.today(system, "2029-01-10")
        assert (await c.verify(credential=old["jwt"]))["status"] == "expired"


async def test_keys_survive_a_restart_and_rotate(system_factory, h, creds_of, mode, tmp_path) -> None:
    """Dev: the generated key is kept (a restart still verifies); a configured key signs, an earlier one
    listed in CERTIFICATION_CREDENTIAL_PREVIOUS_KEYS still verifies what it signed."""
    first_key, second_key = ed25519.Ed25519PrivateKey.generate(), ec.generate_private_key(ec.SECP256R1())
    async with system_factory(SERVICE, start_date="2026-02-01") as system:
        c = creds_of(system)
        url = system.runtimes["certification"].settings.database_url
        await h.catalog(system)
        await h.result(system, "r-1", "ann", "A1", "2026-01-10")
        await c.sign("ann")
        generated = await c.credential("ann")
        kid_generated = jwt.get_unverified_header(generated["jwt"])["kid"]
    urls = {"database_urls": {"certification": url}}
    async with system_factory(SERVICE, start_date="2026-02-01", **urls) as system:
        c = creds_of(system)
        assert jwt.get_unverified_header((await c.credential("ann"))["jwt"])["kid"] == kid_generated
        assert (await c.verify(credential=generated["jwt"]))["status"] == "valid"
    async with system_factory(SERVICE, start_date="2026-02-01", credential_signing_key=pem(first_key), **urls) as system:
        c = creds_of(system)
        signed_first = await c.credential("ann")
        header = jwt.get_unverified_header(signed_first["jwt"])
        assert header["alg"] == "EdDSA" and header["kid"] != kid_generated
        await c.jwks_verify(signed_first["jwt"])
    async with system_factory(
        SERVICE, start_date="2026-02-01", credential_signing_key=pem(second_key),
        credential_previous_keys=public_pem(first_key), **urls,
    ) as system:
        c = creds_of(system)
        signed_second = await c.credential("ann")
        assert jwt.get_unverified_header(signed_second["jwt"])["alg"] == "ES256"
        jwks = (await c.client.get("/.well-known/jwks.json")).json()
        assert [k["alg"] for k in jwks["keys"]][:2] == ["ES256", "EdDSA"]  # the signer first, then the earlier one
        for token in (signed_first["jwt"], signed_second["jwt"], generated["jwt"]):
            await c.jwks_verify(token)
            assert (await c.verify(credential=token))["status"] == "valid"
