"""Certification settings: the shared fields plus its own, read with the ``CERTIFICATION_`` prefix."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

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

    def default_validity(self, kind: str) -> int:
        if kind.startswith("cqs_"):
            return self.validity_months_cqs
        return int(getattr(self, f"validity_months_{kind}"))
