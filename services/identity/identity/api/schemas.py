"""Request and response bodies (never the tables)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from identity.domain import CCO_ID_PATTERN


def _no_control_characters(value: str) -> str:
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError("must not contain control characters (CR, LF, tab …)")
    return value


CcoId = Annotated[str, StringConstraints(pattern=CCO_ID_PATTERN), Field(examples=["jdoe"])]
PersonName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_no_control_characters)
]


class IndividualIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cco_id: CcoId
    name: PersonName
    email: EmailStr
    program_staff: bool = False


class IndividualOut(BaseModel):
    cco_id: str
    name: str
    email: str
    program_staff: bool
    registered_at: datetime
