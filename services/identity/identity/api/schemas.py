"""Request and response bodies (never the tables)."""

from __future__ import annotations

from datetime import date, datetime
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

from identity.domain import BE_GEO_ID_PATTERN, CCO_ID_PATTERN, COUNTRY_PATTERN
from partnerhub.inputs import BusinessDate, Email, Name

CcoId = Annotated[str, StringConstraints(pattern=CCO_ID_PATTERN), Field(examples=["jdoe"])]
BeGeoId = Annotated[str, StringConstraints(pattern=BE_GEO_ID_PATTERN), Field(examples=["100234"])]
# what notify puts into a mail header as it is: a name or an address it could not send to is
# refused here, when it is written, not when the first mail is built (partnerhub.inputs)
PersonName = Name


class IndividualIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cco_id: CcoId
    name: PersonName
    email: Email
    program_staff: StrictBool = False


class IndividualPatch(BaseModel):
    """Only the fields sent change. ``program_staff`` is for program staff to set."""

    model_config = ConfigDict(extra="forbid")
    name: PersonName | None = None
    email: Email | None = None
    program_staff: StrictBool | None = None


class IndividualOut(BaseModel):
    cco_id: str = Field(description="the active CCO ID (the survivor, when a retired ID was asked for)")
    name: str
    email: str
    program_staff: bool
    registered_at: datetime
    retired_ids: list[str] = Field(default_factory=list, description="CCO IDs merged into this one (ID-2)")
    partner: str | None = Field(None, description="BE GEO ID of the active membership")
    grants: list[str] = Field(default_factory=list, description="partners whose admins were granted access (ID-4)")


class PartnerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    be_geo_id: BeGeoId
    name: PersonName
    country: Annotated[str, StringConstraints(pattern=COUNTRY_PATTERN), Field(examples=["DE"], description="ISO 3166-1 alpha-2")]


class PartnerOut(BaseModel):
    be_geo_id: str
    name: str
    country: str
    registered_at: datetime


class DateIn(BaseModel):
    """Optional body of membership changes; the date may also come as the query ``on``."""

    model_config = ConfigDict(extra="forbid")
    on: BusinessDate | None = Field(None, description="the business date of the change (default: today's business date)")


class MembershipOut(BaseModel):
    cco_id: str
    be_geo_id: str
    started_on: date
    ended_on: date | None
    active: bool
    name: str | None = None
    email: str | None = None
    leaves_on: date | None = Field(
        None, description="a planned leave: the membership ends on this date (the first day no longer a member)"
    )


class MembersOut(BaseModel):
    be_geo_id: str
    include_former: bool
    members: list[MembershipOut]


class RoleOut(BaseModel):
    cco_id: str
    be_geo_id: str
    role: str
    name: str | None = None
    email: str | None = None


class RolesOut(BaseModel):
    be_geo_id: str
    roles: list[RoleOut]


class GrantOut(BaseModel):
    cco_id: str
    be_geo_id: str
    granted: bool


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    retire: Annotated[list[CcoId], Field(min_length=1, max_length=50, description="CCO IDs to retire into this one")]


class MergeOut(BaseModel):
    survivor: IndividualOut
    newly_retired: list[str] = Field(description="IDs this call retired (empty when it was a repeat)")


class CandidateGroupOut(BaseModel):
    cco_ids: list[str]
    score: float = Field(description="0..1: 1 for a shared e-mail, else the best name similarity")
    reason: str = Field(description="same-email or similar-name (the strongest)")
    reasons: list[str]
    be_geo_id: str | None = Field(None, description="the partner, when all are members of the same one")


class DuplicatesOut(BaseModel):
    total: int
    groups: list[CandidateGroupOut]


Role = Literal["individual", "partner_admin", "pam", "program_staff", "system"]


class TokenIn(BaseModel):
    """Claims from identity's records by default. ``roles`` (with ``admin_of`` / ``pam_of``) mints
    exactly those claims instead: the way to a first program-staff token on an empty system."""

    model_config = ConfigDict(extra="forbid")
    sub: Annotated[str, StringConstraints(pattern=CCO_ID_PATTERN), Field(description="a CCO ID, or a client id with system")]
    system: StrictBool = Field(False, description="a token for another enterprise system (role `system`)")
    roles: list[Role] | None = Field(
        None, max_length=5, description="explicit roles instead of those in identity's records (dev and test only)"
    )
    admin_of: list[BeGeoId] = Field(default_factory=list, max_length=100, description="with `roles`: partners administered")
    pam_of: list[BeGeoId] = Field(default_factory=list, max_length=100, description="with `roles`: partners as PAM")
    ttl_seconds: StrictInt = Field(3600, ge=60, le=86_400)

    @model_validator(mode="after")
    def _consistent(self) -> TokenIn:
        if (self.admin_of or self.pam_of) and self.roles is None:
            raise ValueError("`admin_of` and `pam_of` go with explicit `roles`")
        if self.system and self.roles is not None:
            raise ValueError("send either `system` or `roles`")
        if self.admin_of and "partner_admin" not in (self.roles or []):
            raise ValueError("`admin_of` needs the role partner_admin")
        if self.pam_of and "pam" not in (self.roles or []):
            raise ValueError("`pam_of` needs the role pam")
        return self


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    sub: str
    roles: list[str]
    admin_of: list[str]
    pam_of: list[str]
