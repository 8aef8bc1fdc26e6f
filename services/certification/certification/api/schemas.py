"""Request and response bodies (never the tables)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    model_validator,
)

from certification.domain.catalog import Kind
from certification.domain.rows import CCO_ID_PATTERN, EXAM_NUMBER_PATTERN, EXTERNAL_ID_PATTERN
from partnerhub.inputs import BusinessDate, free_text, single_line

CERT_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
CcoId = Annotated[str, StringConstraints(pattern=CCO_ID_PATTERN), Field(examples=["jdoe"])]
ExamNumber = Annotated[str, StringConstraints(pattern=EXAM_NUMBER_PATTERN), Field(examples=["640-801"])]
CertCode = Annotated[str, StringConstraints(pattern=CERT_CODE_PATTERN), Field(examples=["CCNA"])]
Title = single_line(200)
Alternatives = Annotated[list[Annotated[list[ExamNumber], Field(min_length=1, max_length=20)]], Field(min_length=1, max_length=20)]


class ExamIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Title
    technical: StrictBool = Field(False, description="an SE/FE related exam (CE-7)")
    replaces: ExamNumber | None = Field(None, description="the exam number this one supersedes (CE-1)")
    replacement_required: StrictBool = Field(False, description="the announcement: existing holders must take this exam")
    replacement_effective_on: BusinessDate | None = Field(
        None,
        description="with `replaces` and `replacement_required`: the first day passes of the replaced exam no longer "
        "count for job roles (SP-4, SP-14); default: the business date of the announcement",
    )


class ExamOut(BaseModel):
    number: str
    title: str
    technical: bool
    replaces: str | None
    replacement_required: bool
    replacement_effective_on: BusinessDate | None = Field(description="the announced effective date (CE-1), with `replaces`")
    replacement_announced_on: date | None = Field(
        description="the business date of the last announcement (`certification.exam.replaced`), with `replaces`"
    )


class CertificationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Title
    kind: Kind
    required_exams: Alternatives = Field(
        description="alternatives: any one list of exams, all passed, achieves it", examples=[[["640-801"], ["640-821", "640-811"]]]
    )
    renewal_exams: Alternatives | None = Field(None, description="alternatives that renew it (CE-5); default: required_exams")
    prerequisites: list[CertCode] = Field(default_factory=list, max_length=20, description="any one of them, active")
    validity_months: StrictInt | None = Field(None, ge=1, le=240, description="CE-4; default per kind")
    effective_on: BusinessDate | None = Field(
        None,
        description="CE-4: the first day these requirements are in force, today or later and not before the latest "
        "version's; default: today's business date. Ignored for a new certification (its first version is in force "
        "since always); a write equal to the latest version adds none.",
    )


class CertificationOut(BaseModel):
    """A certification's requirements in force today (CE-4)."""

    code: str
    name: str
    kind: str
    required_exams: list[list[str]]
    renewal_exams: list[list[str]] | None
    prerequisites: list[str]
    validity_months: int
    program_category: str | None
    version: int = Field(description="the requirements version in force today (1, 2, ...)")
    effective_on: date | None = Field(description="when that version came into force; null: since always (version 1)")


class RequirementsVersionOut(BaseModel):
    """One version of a certification's requirements (CE-4), as `certification.requirements.changed` published it."""

    version: int
    effective_on: date | None = Field(description="the first day in force; null for version 1, in force since always")
    in_force: bool = Field(description="the version in force today")
    name: str
    kind: str
    required_exams: list[list[str]]
    renewal_exams: list[list[str]] | None
    prerequisites: list[str]
    validity_months: int


class CertificationVersionsOut(CertificationOut):
    versions: list[RequirementsVersionOut] = Field(
        description="every version, oldest first; a badge is judged by the one in force when achieved or renewed"
    )


class ExamResultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    external_id: Annotated[str, StringConstraints(pattern=EXTERNAL_ID_PATTERN)] = Field(
        description="the sender's id; a replay answers 200 with the first result"
    )
    cco_id: CcoId
    exam_number: ExamNumber
    taken_on: BusinessDate
    passed: StrictBool


class ExamResultOut(BaseModel):
    id: str
    external_id: str
    cco_id: str
    recorded_as: str
    exam_number: str
    taken_on: date
    passed: bool
    recorded_at: datetime


class ImportOut(BaseModel):
    id: str
    format: str
    filename: str | None
    status: str = Field(description="running (reading lines), recomputing (badges), done or failed")
    lines_read: int
    lines_total: int | None = Field(description="the upload's data lines (a CSV's header not counted)")
    percent: float | None = Field(description="lines read of the total, 0 to 100; 100 once done")
    accepted: int
    replayed: int = Field(description="lines recorded before (same external_id): an upload sent again resumes")
    rejected: int
    warned: int = Field(
        0, description="lines recorded whose CCO ID identity had not told certification of; see …/warnings"
    )
    individuals_recomputed: int
    error: str | None
    started_at: datetime
    finished_at: datetime | None
    errors: list[dict[str, object]] = Field(default_factory=list, description="the first bad lines")


class AgreementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")] = "career-certifications"
    signed_on: BusinessDate | None = None


class CertificateOut(BaseModel):
    id: str
    number: str = Field(description="the certificate number, printed on it and checked at the public verification page")
    certification: str
    valid_from: date
    expires_on: date
    issued_on: date


class AgreementOut(BaseModel):
    cco_id: str
    version: str
    signed_on: date
    certificates_issued: list[CertificateOut]


# certificates anyone can verify (CE-3) -------------------------------------------------------------
Jwt = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=16_384, pattern=r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$"),
]


class VerificationIn(BaseModel):
    """Exactly one of: a certificate number, a credential id, or a credential (VC-JWT)."""

    model_config = ConfigDict(extra="forbid")
    certificate_number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=24)] | None = Field(
        None, description="as printed on the certificate, e.g. PH-7K2M-9Q4T-XB3D (case and dashes forgiven)"
    )
    credential_id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] | None = Field(
        None, description="a credential's id, urn:uuid:…"
    )
    credential: Jwt | None = Field(None, description="an Open Badges 3.0 credential as a VC-JWT (compact JWS)")

    @model_validator(mode="after")
    def _exactly_one(self) -> VerificationIn:
        given = [f for f in ("certificate_number", "credential_id", "credential") if getattr(self, f) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of certificate_number, credential_id, credential")
        return self


class VerificationOut(BaseModel):
    """What anyone may know of a certificate: nothing of the person."""

    status: Literal["valid", "expired", "revoked"]
    certification: str = Field(description="the certification's code")
    name: str = Field(description="the certification's name")
    valid_from: date = Field(description="the badge's current period (a renewal's new dates, CE-5)")
    expires_on: date = Field(description="the first day it is no longer valid")
    certificate_number: str
    reason: str = Field(description="in words: valid, renewed, expired on …, revoked on …")
    checked_on: date = Field(description="the business date of the check")


class CredentialOut(BaseModel):
    certificate_number: str
    credential_id: str = Field(description="the credential's id (urn:uuid:…), also the JWT's jti")
    jwt: str = Field(description="the credential signed as a VC-JWT: verify it with the key its `kid` names (JWKS)")
    credential: dict[str, Any] = Field(description="the Open Badges 3.0 OpenBadgeCredential inside the JWT")


RevocationReason = free_text(500, min_length=1)


class RevocationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: RevocationReason = Field(description="why, in words (kept, not shown to the public)")


class RevocationOut(BaseModel):
    number: str
    revoked_on: date
    reason: str | None
