"""Learning settings: the shared fields, read with the ``LEARNING_`` prefix."""

from __future__ import annotations

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from partnerhub.settings import ServiceSettings


class LearningSettings(ServiceSettings):
    service_name: ClassVar[str] = "learning"
    model_config = SettingsConfigDict(env_prefix="LEARNING_", extra="ignore")
