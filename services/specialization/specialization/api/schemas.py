"""Request and response bodies (never the tables)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    model_validator,
)

from partnerhub.inputs import BusinessDate, single_line

Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,64}$")]
CcoId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._@-]{1,64}$")]
ExamNumber = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,32}$")]
LevelName = Literal["advanced_architecture", "advanced_technology", "express", "atp"]
RoleName = Literal["AM", "SE", "FE"]
Name = single_line(200)


class LevelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    points_required: StrictInt | None = Field(None, ge=0, le=10_000, description="yearly Continuous Learning points; null for none (ATP)")


class AlternativeIn(BaseModel):
    """A certification, or a list of exams, or both (a Specialist badge OR its exams, SP-4)."""

    model_config = ConfigDict(extra="forbid")
    certification: Code | None = None
    exams: list[ExamNumber] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _something(self) -> AlternativeIn:
        if not self.certification and not self.exams:
            raise ValueError("an alternative names a certification or at least one exam")
        return self


class SpecializationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    level: LevelName
    roles: dict[RoleName, Annotated[list[AlternativeIn], Field(min_length=1, max_length=20)]] = Field(min_length=1)
    effective_on: BusinessDate | None = Field(
        None,
        description="SP-3: the first day the new requirements version is in force (default today, the service's business "
        "date; not before today nor before the latest version's date). The first version is in force since always.",
    )


class ReplacementOut(BaseModel):
    """An exam replacement as certification announced it (CE-1); this service only projects it."""

    exam: str = Field(description="the replaced exam number")
    replaced_by: str
    required: StrictBool = Field(description="existing holders must pass the new exam (their old pass stops counting on effective_on)")
    effective_on: date
    announced_on: date | None = Field(description="the business date of certification's announcement")


class ApplicationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    roles: dict[RoleName, CcoId] = Field(description="role allocations {role: cco_id}")


class RefillIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cco_id: CcoId
