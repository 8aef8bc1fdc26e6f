"""Request and response bodies (never the tables)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    field_validator,
    model_validator,
)

from learning.domain.points import MAX_EXPLICIT_POINTS, mandatory_outside
from partnerhub.inputs import Reason, Timestamp, Title

CCO_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$"
ACTIVITY_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
SPEC_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
PARTNER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MandatoryFor(Strict):
    specialization: str = Field(pattern=SPEC_PATTERN)
    cycle: str = Field(pattern=r"^\d{4}$", description="the renewal cycle: the year of the anniversary that ends the period")


class ActivityIn(Strict):
    title: Title
    kind: Literal["online_course", "live_course", "lab", "event", "video", "exam"]
    duration_minutes: StrictInt = Field(ge=0, le=100_000)
    specializations: list[str] = Field(min_length=1, max_length=50)
    explicit_points: StrictInt | None = Field(None, ge=0, le=MAX_EXPLICIT_POINTS, description="an exception to the 30-minute rule")
    extended_cap: StrictBool = Field(False, description="one of the few activities capped at 25 instead of 20 points")
    mandatory_for: list[MandatoryFor] = Field(
        default_factory=list,
        max_length=50,
        description="CL-3: mandatory items; each item's specialization must be among `specializations`, so its points count toward it",
    )
    exam_number: str | None = Field(None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$")

    @field_validator("specializations")
    @classmethod
    def _specs(cls, value: list[str]) -> list[str]:
        for s in value:
            if not re.fullmatch(SPEC_PATTERN, s):
                raise ValueError(f"{s!r} is not a specialization code")
        if len(set(value)) != len(value):
            raise ValueError("specializations are listed twice")
        return value

    @model_validator(mode="after")
    def _mandatory_counts(self) -> ActivityIn:
        outside = mandatory_outside(self.specializations, [m.model_dump() for m in self.mandatory_for])
        if outside:
            raise ValueError(
                f"mandatory_for names {', '.join(outside)}, which is not among specializations: a mandatory item's "
                "points count toward the specialization it is mandatory for (CL-3), so list it there too"
            )
        return self


class CompletionItem(Strict):
    external_id: str = Field(min_length=1, max_length=180, pattern=r"^[\x21-\x7e]+$")
    cco_id: str = Field(pattern=CCO_ID_PATTERN)
    activity_id: str = Field(pattern=ACTIVITY_ID_PATTERN)
    action: Literal["completed", "attended", "viewed", "downloaded"]
    occurred_at: Timestamp


class ItemOutcome(BaseModel):
    index: int
    external_id: str | None
    status: Literal["earned", "recorded", "already_earned", "duplicate", "rejected"]
    points: int = 0
    reason: str | None = None
    entry_id: str | None = None


class BatchOutcome(BaseModel):
    received: int
    earned: int
    recorded: int
    already_earned: int
    duplicates: int
    rejected: int
    items: list[ItemOutcome]


class Decision(Strict):
    reason: Reason | None = None


class ProofOut(BaseModel):
    proof_id: str
    cco_id: str
    submitted_by: str
    event: str
    activity_id: str
    specialization: str
    attended_on: date
    content_type: str
    size: int
    sha256: str
    filename: str
    status: str
    reason: str | None
    decided_by: str | None
    decided_at: datetime | None
    entry_id: str | None
    submitted_at: datetime
