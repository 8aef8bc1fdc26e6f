"""Certification settings: the shared fields, read with the ``CERTIFICATION_`` prefix."""

from __future__ import annotations

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from partnerhub.settings import ServiceSettings


class CertificationSettings(ServiceSettings):
    service_name: ClassVar[str] = "certification"
    model_config = SettingsConfigDict(env_prefix="CERTIFICATION_", extra="ignore")
