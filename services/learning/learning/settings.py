"""Learning settings: the shared fields plus the service's own, read with the ``LEARNING_`` prefix."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from partnerhub.settings import ServiceSettings


class LearningSettings(ServiceSettings):
    service_name: ClassVar[str] = "learning"
    model_config = SettingsConfigDict(env_prefix="LEARNING_", extra="ignore")

    proof_store: Literal["database", "folder"] = Field(
        "database",
        description="where proof-of-attendance files are kept: `database` (learning's own, which every replica "
        "shares) or `folder` (DATA_DIR on local disk: one replica only)",
    )
    data_dir: Path = Field(
        Path("data/learning"),
        description="folder of the proof files with PROOF_STORE=folder; the migration lear0007 moves the files "
        "it finds here into the database",
    )
    proof_max_bytes: int = Field(
        5 * 1024 * 1024, ge=1024, le=100 * 1024 * 1024, description="largest proof-of-attendance file accepted"
    )
    proof_points: int = Field(20, ge=0, le=1000, description="points of an accepted proof of attendance (CL-5)")
    batch_max_items: int = Field(1000, ge=1, le=10_000, description="most completions or statements in one request")
    json_max_bytes: int = Field(
        4 * 1024 * 1024,
        ge=1024,
        le=1024 * 1024 * 1024,
        description="largest JSON body: more than the platform's 1 MiB, for batches of 1,000 xAPI statements",
    )

    ui_csrf_secret: SecretStr | None = Field(
        None,
        description="key of the CL View pages' form tokens, the same on every replica; "
        "empty: derived from the HS256 JWT secret (production with RS256/ES256 must set it)",
    )

    def production_problems(self) -> dict[str, str]:
        problems = super().production_problems()
        if self.jwt_algorithm != "HS256" and self.ui_csrf_secret is None:
            problems["ui_csrf_secret"] = "must be set (RS256/ES256)"
        return problems
