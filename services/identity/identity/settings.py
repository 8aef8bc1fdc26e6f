"""Identity settings: the shared fields, read with the ``IDENTITY_`` prefix, and the merge links' own."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from partnerhub.settings import ServiceSettings


class IdentitySettings(ServiceSettings):
    service_name: ClassVar[str] = "identity"
    model_config = SettingsConfigDict(env_prefix="IDENTITY_", extra="ignore")

    public_url: str = Field(
        "",
        description="public base URL of this service (in standalone with /identity), the start of the merge "
        "confirmation links mailed to people; required (https) in production; empty in dev/test: taken from the "
        "request that asks for the merge",
    )
    merge_link_ttl_hours: float = Field(
        24.0, gt=0, le=24 * 14, description="how long a merge confirmation link works, in hours (ID-2)"
    )

    ui_csrf_secret: SecretStr | None = Field(
        None,
        description="key of the self-service pages' form tokens, the same on every replica; empty: derived from "
        "the HS256 JWT secret (production with RS256/ES256 must set it)",
    )

    def conflicts(self) -> dict[str, str]:
        problems = super().conflicts()
        url = self.public_url
        if url and not (url.startswith(("https://", "http://")) and "?" not in url and "#" not in url):
            problems["public_url"] = "must be an http(s) base URL without query or fragment"
        return problems

    def production_problems(self) -> dict[str, str]:
        problems = super().production_problems()
        if not self.public_url.startswith("https://"):
            problems["public_url"] = "must be the service's public https URL (merge confirmation links start with it)"
        if self.jwt_algorithm != "HS256" and self.ui_csrf_secret is None:
            problems["ui_csrf_secret"] = "must be set (RS256/ES256)"
        return problems
