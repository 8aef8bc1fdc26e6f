"""Specialization settings: the shared fields, read with the ``SPECIALIZATION_`` prefix."""

from __future__ import annotations

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from partnerhub.settings import ServiceSettings


class SpecializationSettings(ServiceSettings):
    service_name: ClassVar[str] = "specialization"
    model_config = SettingsConfigDict(env_prefix="SPECIALIZATION_", extra="ignore")
