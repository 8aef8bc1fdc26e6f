"""Certification settings: the shared fields plus its own, read with the ``CERTIFICATION_`` prefix."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from certification.signing import UnusableKey, private_key, public_keys
from partnerhub.settings import ServiceSettings


class CertificationSettings(ServiceSettings):
    service_name: ClassVar[str] = "certification"
    model_config = SettingsConfigDict(env_prefix="CERTIFICATION_", extra="ignore")

    validity_months_associate: int = Field(36, ge=1, le=240, description="CE-4 default validity of associate certifications")
    validity_months_professional: int = Field(36, ge=1, le=240, description="CE-4 default validity of professional certifications")
    validity_months_expert: int = Field(24, ge=1, le=240, description="CE-4 default validity of expert certifications")
    validity_months_sales_expert: int = Field(36, ge=1, le=240, description="CE-4 default validity of the Sales Expert")
    validity_months_cqs: int = Field(24, ge=1, le=240, description="CE-4 default validity of CQS badges (both types)")
    import_batch_size: int = Field(5000, ge=1, le=50_000, description="exam-result lines committed per transaction in a bulk import")
    recompute_batch_size: int = Field(1000, ge=1, le=20_000, description="people whose badges are recomputed per transaction after a bulk import")
    recompute_workers: int = Field(2, ge=1, le=16, description="transactions recomputing badges side by side after a bulk import (PostgreSQL; SQLite uses one)")
    import_max_bytes: int = Field(2_000_000_000, ge=1, description="largest bulk-import upload accepted, in bytes")
    credential_signing_key: SecretStr | None = Field(
        None,
        description="PEM private key that signs certificates' credentials (RSA >= 2048 bits: RS256, EC P-256: "
        "ES256, Ed25519: EdDSA); required in production; empty in dev/test: a key generated once and kept in "
        "the database",
    )
    credential_previous_keys: str | None = Field(
        None,
        description="PEM public keys (or private keys: only their public part is used) of earlier signing keys, "
        "concatenated: still published in the JWKS, so the credentials they signed keep verifying",
    )
    credential_issuer_url: str = Field(
        "",
        description="public https base URL of this service, the credentials' issuer id and the address of their "
        "JWKS and verification page; required in production; empty in dev/test: taken from each request",
    )
    credential_issuer_name: str = Field(
        "partnerhub Career Certifications", min_length=1, max_length=200, description="the issuer's name on "
        "certificates and credentials"
    )

    def conflicts(self) -> dict[str, str]:
        problems = super().conflicts()
        try:
            if self.credential_signing_key is not None and self.credential_signing_key.get_secret_value().strip():
                private_key(self.credential_signing_key.get_secret_value())
        except UnusableKey as exc:
            problems["credential_signing_key"] = str(exc)
        try:
            if self.credential_previous_keys and self.credential_previous_keys.strip():
                public_keys(self.credential_previous_keys)
        except UnusableKey as exc:
            problems["credential_previous_keys"] = str(exc)
        url = self.credential_issuer_url
        if url and not (url.startswith(("https://", "http://")) and "?" not in url and "#" not in url):
            problems["credential_issuer_url"] = "must be an http(s) base URL without query or fragment"
        return problems

    ui_csrf_secret: SecretStr | None = Field(
        None,
        description="key of the My certifications pages' form tokens, the same on every replica; "
        "empty: derived from the HS256 JWT secret (production with RS256/ES256 must set it)",
    )

    def production_problems(self) -> dict[str, str]:
        problems = super().production_problems()
        if self.jwt_algorithm != "HS256" and self.ui_csrf_secret is None:
            problems["ui_csrf_secret"] = "must be set (RS256/ES256)"
        key = self.credential_signing_key
        if key is None or not key.get_secret_value().strip():
            problems["credential_signing_key"] = "must be set (a PEM private key that signs credentials)"
        if not self.credential_issuer_url.startswith("https://"):
            problems["credential_issuer_url"] = "must be the service's public https URL"
        return problems

    def default_validity(self, kind: str) -> int:
        if kind.startswith("cqs_"):
            return self.validity_months_cqs
        return int(getattr(self, f"validity_months_{kind}"))
