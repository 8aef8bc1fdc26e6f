"""Certificates anyone can verify (CE-3): the certificate number, the Open Badges 3.0 credential, and
what a verification answers. Pure: facts in, documents and verdicts out.

A certificate is issued for one badge period once the holder signed the agreement (CE-3). Its
verification follows the *badge*, not the paper: a renewed badge's certificate answers ``valid`` with
the badge's new dates (CE-5), an expired badge ``expired``, a revoked certificate or a badge no longer
held ``revoked``. A merged ID's certificates belong to the survivor (ID-2), so they follow the
survivor's badge. A verification says nothing else of the person.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, Literal
from urllib.parse import quote

# Crockford's base32 without I, L, O, U: nothing to misread when typed from paper
NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER_PATTERN = r"^PH-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$"
_NUMBER = re.compile(NUMBER_PATTERN)
CREDENTIAL_ID_PREFIX = "urn:uuid:"
OB_CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
KIND_LABEL = {
    "associate": "Associate career certification",
    "professional": "Professional career certification",
    "expert": "Expert career certification",
    "sales_expert": "Cisco Sales Expert",
    "cqs_specialist": "Cisco Qualified Specialist (Specialist)",
    "cqs_representative": "Cisco Qualified Specialist (Representative)",
}

Status = Literal["valid", "expired", "revoked"]


def new_number() -> str:
    """A certificate number: ``PH-XXXX-XXXX-XXXX``, 60 random bits (not guessable, not a count)."""
    chars = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(12))
    return f"PH-{chars[0:4]}-{chars[4:8]}-{chars[8:12]}"


def normal_number(text: str) -> str | None:
    """A typed certificate number in its stored form (case, spaces and O/I/L typos forgiven), or None."""
    cleaned = re.sub(r"[\s-]", "", text.upper()).translate(str.maketrans("OIL", "011"))
    cleaned = cleaned.removeprefix("PH")
    if len(cleaned) != 12:
        return None
    number = f"PH-{cleaned[0:4]}-{cleaned[4:8]}-{cleaned[8:12]}"
    return number if _NUMBER.match(number) else None


def credential_id(certificate_id: str) -> str:
    return f"{CREDENTIAL_ID_PREFIX}{certificate_id}"


def certificate_id_of(credential: str) -> str | None:
    """The certificate id inside a credential id (``urn:uuid:…``), or None."""
    if not credential.startswith(CREDENTIAL_ID_PREFIX):
        return None
    rest = credential[len(CREDENTIAL_ID_PREFIX):].lower()
    return rest if re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", rest) else None


def subject_id(cco_id: str) -> str:
    """The credential subject: the holder's Career Certifications ID (CE-3) as a URN."""
    return f"urn:partnerhub:cco-id:{quote(cco_id, safe='.-_')}"


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def stamp(day: date) -> str:
    return midnight(day).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class CertificateFacts:
    """What a certificate says: whose (CCO ID), of what, for which period, under which number."""

    certificate_id: str
    number: str
    cco_id: str
    certification: str
    name: str
    kind: str
    valid_from: date
    expires_on: date
    issued_on: date


@dataclass(frozen=True)
class Issuer:
    url: str  # the certification service's public base URL, no trailing slash
    name: str

    def achievement_id(self, certification: str) -> str:
        return f"{self.url}/v1/certifications/{quote(certification, safe='')}"

    def verification_url(self, number: str) -> str:
        return f"{self.url}/verify?number={number}"


def open_badge(facts: CertificateFacts, issuer: Issuer) -> dict[str, Any]:
    """The Open Badges 3.0 OpenBadgeCredential (a W3C Verifiable Credential 2.0) of a certificate."""
    return {
        "@context": list(OB_CONTEXT),
        "id": credential_id(facts.certificate_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{facts.name} certificate {facts.number}",
        "issuer": {"id": issuer.url, "type": ["Profile"], "name": issuer.name, "url": issuer.url},
        "validFrom": stamp(facts.valid_from),
        "validUntil": stamp(facts.expires_on),
        "awardedDate": stamp(facts.issued_on),
        "credentialSubject": {
            "id": subject_id(facts.cco_id),
            "type": ["AchievementSubject"],
            "identifier": [
                {"type": "IdentityObject", "identityHash": facts.cco_id, "identityType": "accountId", "hashed": False}
            ],
            "achievement": {
                "id": issuer.achievement_id(facts.certification),
                "type": ["Achievement"],
                "achievementType": "Certification",
                "name": facts.name,
                "description": f"{KIND_LABEL.get(facts.kind, facts.kind)}: {facts.name} ({facts.certification}).",
                "criteria": {
                    "narrative": "All required exams passed and prerequisites held (CE-3); the holder signed the "
                    "Career Certifications Agreement."
                },
            },
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
        "evidence": [
            {
                "id": issuer.verification_url(facts.number),
                "type": ["Evidence"],
                "name": f"Certificate {facts.number}",
                "description": "Verify this certificate's current status here.",
            }
        ],
    }


def jwt_claims(credential: dict[str, Any], issued_at: datetime) -> dict[str, Any]:
    """The VC-JWT payload (Open Badges 3.0, "JSON Web Token Proof Format"): the credential itself plus
    ``iss`` (issuer.id), ``jti`` (id), ``sub`` (credentialSubject.id), ``nbf`` (validFrom) and ``exp``
    (validUntil)."""
    valid_from = datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00"))
    valid_until = datetime.fromisoformat(credential["validUntil"].replace("Z", "+00:00"))
    return {
        **credential,
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
        "nbf": int(valid_from.timestamp()),
        "exp": int(valid_until.timestamp()),
        "iat": int(issued_at.timestamp()),
    }


@dataclass(frozen=True)
class BadgeNow:
    """The badge a certificate belongs to, as stored now (None: no longer held)."""

    status: str
    valid_from: date
    expires_on: date


@dataclass(frozen=True)
class Verdict:
    status: Status
    certification: str
    name: str
    valid_from: date
    expires_on: date
    reason: str


def judge(
    facts: CertificateFacts, badge: BadgeNow | None, revoked_on: date | None, today: date
) -> Verdict:
    """valid / expired / revoked, and the dates that go with it: the badge's current ones when it is
    still held (a renewal's new dates, CE-5), else the certificate's own."""

    def verdict(status: Status, start: date, end: date, reason: str) -> Verdict:
        return Verdict(status, facts.certification, facts.name, start, end, reason)

    if revoked_on is not None:
        return verdict("revoked", facts.valid_from, facts.expires_on, f"revoked on {revoked_on.isoformat()}")
    if badge is None:
        return verdict("revoked", facts.valid_from, facts.expires_on, "the certification is no longer held")
    if badge.status == "active" and badge.valid_from <= today < badge.expires_on:
        renewed = (badge.valid_from, badge.expires_on) != (facts.valid_from, facts.expires_on)
        reason = "renewed: valid with the badge's current dates" if renewed else "valid"
        return verdict("valid", badge.valid_from, badge.expires_on, reason)
    return verdict("expired", badge.valid_from, badge.expires_on, f"expired on {badge.expires_on.isoformat()}")
