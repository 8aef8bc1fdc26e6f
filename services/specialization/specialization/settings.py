"""Specialization settings: the shared fields plus this service's own, read with the ``SPECIALIZATION_`` prefix."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from partnerhub.settings import ServiceSettings
from specialization.domain.lifecycle import Rules


class SpecializationSettings(ServiceSettings):
    service_name: ClassVar[str] = "specialization"
    model_config = SettingsConfigDict(env_prefix="SPECIALIZATION_", extra="ignore")

    max_roles_per_person: int = Field(2, ge=1, le=20, description="SP-5: job roles one person may fill")
    max_specializations_per_person: int = Field(
        2, ge=1, le=20, description="SP-5: specializations one person may fill roles in"
    )
    renewal_window_days: int = Field(90, ge=1, le=365, description="SP-9: the renewal window opens this many days before the anniversary")
    grace_days: int = Field(10, ge=0, le=90, description="SP-10: grace period after a missed anniversary")
    block_months: int = Field(18, ge=0, le=60, description="SP-12: months a lost specialization cannot be applied for as new")
    icon_inactive_months: int = Field(6, ge=0, le=12, description="SP-13: months the status icon stays grey")
    at_risk_days: int = Field(90, ge=1, le=365, description="NO-4: warn this many days before a holder's qualification ends")
    renewal_requires_submission: bool = Field(
        False, description="SP-9: when true, a renewal must be submitted in the window to be granted"
    )

    ui_csrf_secret: SecretStr | None = Field(
        None,
        description="key of the applications pages' form tokens, the same on every replica; "
        "empty: derived from the HS256 JWT secret (production with RS256/ES256 must set it)",
    )

    def production_problems(self) -> dict[str, str]:
        problems = super().production_problems()
        if self.jwt_algorithm != "HS256" and self.ui_csrf_secret is None:
            problems["ui_csrf_secret"] = "must be set (RS256/ES256)"
        return problems

    def rules(self) -> Rules:
        return Rules(
            window_days=self.renewal_window_days,
            grace_days=self.grace_days,
            block_months=self.block_months,
            icon_inactive_months=self.icon_inactive_months,
            requires_submission=self.renewal_requires_submission,
        )
