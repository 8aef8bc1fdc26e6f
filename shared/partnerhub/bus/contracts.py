"""Every core event type as a pydantic model: the public, versioned promise.

Type names are ``<service>.<thing>.<past-tense verb>.v<major>``. A minor change
only adds optional fields; a breaking change is a new major (a new class).
Never rename a type silently: other systems bind to these strings.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from partnerhub.bus.envelope import Event

Role = Literal["AM", "SE", "FE"]
AdminRole = Literal["partner_admin", "pam"]
BadgeKind = Literal[
    "associate", "professional", "expert", "sales_expert", "cqs_representative", "cqs_specialist"
]
ProgramCategory = Literal["sales_expert", "associate", "professional", "expert"]
# CE-12: the Channel Partner program's certified-individual requirement each kind fills; a Cisco
# Qualified Specialist badge (either type) fills none. Certification owns the kind (badge events
# carry it); every count by category, in any service, goes through this one map, never a code list.
PROGRAM_CATEGORY: dict[str, ProgramCategory] = {
    "sales_expert": "sales_expert",
    "associate": "associate",
    "professional": "professional",
    "expert": "expert",
}


def program_category(kind: str) -> ProgramCategory | None:
    """CE-12: the program requirement a certification of ``kind`` fulfils (None for CQS)."""
    return PROGRAM_CATEGORY.get(kind)


# identity --------------------------------------------------------------------------------------
class PartnerRegistered(Event):
    TYPE, KEY, SUMMARY = "identity.partner.registered.v1", "be_geo_id", "A partner company was registered."
    be_geo_id: str
    name: str
    country: str


class IndividualRegistered(Event):
    TYPE, KEY, SUMMARY = "identity.individual.registered.v1", "cco_id", "A person got a CCO ID."
    cco_id: str
    name: str
    email: str
    program_staff: bool = False


class IndividualUpdated(Event):
    TYPE, KEY, SUMMARY = "identity.individual.updated.v1", "cco_id", "A person's profile changed."
    cco_id: str
    name: str
    email: str
    program_staff: bool = False


class MembershipStarted(Event):
    TYPE, KEY, SUMMARY = "identity.membership.started.v1", "cco_id", "A person joined a partner (ID-1, ID-3)."
    cco_id: str
    be_geo_id: str
    started_on: date


class MembershipEnded(Event):
    TYPE, KEY, SUMMARY = "identity.membership.ended.v1", "cco_id", "A person left a partner (ID-3)."
    cco_id: str
    be_geo_id: str
    started_on: date
    ended_on: date


class LeavePlanned(Event):
    TYPE, KEY, SUMMARY = (
        "identity.leave.planned.v1",
        "cco_id",
        "A member will leave a partner on `leaves_on` (the membership's future `ended_on`, the first day no longer a"
        " member); it stays active until then, and `identity.membership.ended` follows on the day (ID-3, NO-4)."
        " A new plan of the same membership replaces the old one.",
    )
    cco_id: str
    be_geo_id: str
    started_on: date  # with cco_id and be_geo_id: which membership
    leaves_on: date
    revision: int = Field(description="counts the plan changes of this membership: apply only a higher one than seen")


class LeaveCancelled(Event):
    TYPE, KEY, SUMMARY = (
        "identity.leave.cancelled.v1",
        "cco_id",
        "A planned leave was called off: the member stays, with no end date (ID-3, NO-4).",
    )
    cco_id: str
    be_geo_id: str
    started_on: date
    leaves_on: date  # the date that had been planned
    revision: int = Field(description="counts the plan changes of this membership: apply only a higher one than seen")


class IndividualMerged(Event):
    TYPE, KEY, SUMMARY = (
        "identity.individual.merged.v1",
        "survivor",
        "Duplicate CCO IDs were merged; every service moves records of `retired` to `survivor` (ID-2).",
    )
    survivor: str
    retired: list[str]
    merged_on: date


class MergeRequested(Event):
    TYPE, KEY, SUMMARY = (
        "identity.merge.requested.v1",
        "retire",
        "A person asked to merge a duplicate CCO ID into their own (ID-2, ID-5). Nothing is merged yet: the"
        " person who reads the mail of the ID being retired confirms through `confirm_url`, once, before"
        " `expires_at`; only then does `identity.individual.merged` follow. `confirm_url` is a secret (a"
        " single-use link): only notify binds to this event, to mail it to `retire`'s address.",
    )
    request_id: str
    survivor: str  # the active CCO ID that stays
    retire: str  # the CCO ID to be retired; the confirmation goes to its address
    requested_by: str  # the `sub` of whoever asked (the survivor, or program staff)
    requested_on: date  # the business date
    expires_at: datetime = Field(description="the link works until then (UTC)")
    confirm_url: str = Field(description="the confirmation page, with the single-use token")


class GrantChanged(Event):
    TYPE, KEY, SUMMARY = (
        "identity.grant.changed.v1",
        "cco_id",
        "A person granted or revoked their partner's admins access to their records (ID-4).",
    )
    cco_id: str
    be_geo_id: str
    granted: bool
    changed_on: date


class AdminAssigned(Event):
    TYPE, KEY, SUMMARY = "identity.admin.assigned.v1", "be_geo_id", "A partner admin or PAM was assigned."
    cco_id: str
    be_geo_id: str
    role: AdminRole


class AdminRemoved(Event):
    TYPE, KEY, SUMMARY = "identity.admin.removed.v1", "be_geo_id", "A partner admin or PAM was removed."
    cco_id: str
    be_geo_id: str
    role: AdminRole


# certification ---------------------------------------------------------------------------------
class ExamPassed(Event):
    TYPE, KEY, SUMMARY = "certification.exam.passed.v1", "cco_id", "A person passed an exam (CE-1, SP-4, CL-6)."
    cco_id: str
    exam_number: str
    passed_on: date
    result_id: str


class ExamReplaced(Event):
    TYPE, KEY, SUMMARY = (
        "certification.exam.replaced.v1",
        "old_number",
        "An exam got a new number (CE-1), announced by certification's exam catalog (its only owner); `required`: "
        "existing holders must pass the new exam, their passes of the old one stop counting on `effective_on` "
        "(SP-4, SP-14). Published again, with the same `old_number`, whenever the announcement changes.",
    )
    old_number: str = Field(description="the exam that was replaced")
    new_number: str = Field(description="the exam that replaces it")
    required: bool = Field(description="existing holders of the old exam must take the new one (CE-1)")
    effective_on: date = Field(
        description="with `required`, the first day passes of the old exam no longer count: the exam PUT's "
        "`replacement_effective_on`, else the business date of the announcement"
    )
    announced_on: date | None = Field(
        None, description="the business date certification recorded this announcement; later announcements win"
    )


class RequirementsChanged(Event):
    TYPE, KEY, SUMMARY = (
        "certification.requirements.changed.v1",
        "code",
        "A certification's requirements got a version (CE-2, CE-4, CE-10): which exams make it up, its kind and "
        "term, from `effective_on`. Certification owns them; a badge is judged by the version in force when it "
        "was achieved or renewed, and a job role naming a Specialist badge is met by its component exams too.",
    )
    code: str = Field(description="the certification's code")
    name: str
    kind: BadgeKind
    version: int = Field(ge=1, description="1, 2, ... in the order the versions were written")
    effective_on: date | None = Field(
        description="the first day this version is in force; None for a first version, in force since always"
    )
    required_exams: list[list[str]] = Field(description="alternatives: passing every exam of one achieves it")
    renewal_exams: list[list[str]] | None = Field(None, description="CE-5 alternatives; None: the required exams")
    prerequisites: list[str] = Field(default_factory=list, description="any one of them active (CE-2)")
    validity_months: int = Field(ge=1)


class BadgeAchieved(Event):
    TYPE, KEY, SUMMARY = "certification.badge.achieved.v1", "cco_id", "A certification was achieved (CE-3)."
    cco_id: str
    certification: str
    kind: BadgeKind
    achieved_on: date
    expires_on: date | None
    requirements_version: int | None = Field(None, description="the version of the requirements it was achieved under (CE-4)")


class BadgeRenewed(Event):
    TYPE, KEY, SUMMARY = "certification.badge.renewed.v1", "cco_id", "A certification was renewed (CE-5)."
    cco_id: str
    certification: str
    kind: BadgeKind
    renewed_on: date
    expires_on: date | None
    requirements_version: int | None = Field(None, description="the version of the requirements it was renewed under (CE-5)")


class BadgeExtended(Event):
    TYPE, KEY, SUMMARY = "certification.badge.extended.v1", "cco_id", "A badge's expiry moved later (CE-7, CE-9)."
    cco_id: str
    certification: str
    kind: BadgeKind
    previous_expires_on: date | None
    expires_on: date
    reason: str


class BadgeExpired(Event):
    TYPE, KEY, SUMMARY = "certification.badge.expired.v1", "cco_id", "A certification expired (CE-5)."
    cco_id: str
    certification: str
    kind: BadgeKind
    expired_on: date


class ReminderDue(Event):
    TYPE, KEY, SUMMARY = (
        "certification.reminder.due.v1",
        "cco_id",
        "An expiry reminder is due, 6 or 3 months ahead (CE-6, NO-1).",
    )
    cco_id: str
    certification: str
    kind: BadgeKind
    expires_on: date
    months_before: Literal[6, 3]


# learning --------------------------------------------------------------------------------------
class MandatoryItem(BaseModel):
    """CL-3: an activity is mandatory for ``specialization`` in the renewal ``cycle``.

    Learning guarantees ``specialization`` is among the activity's (and so the credit's) ``specializations``:
    a mandatory item always counts toward the specialization it is mandatory for."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    specialization: str
    cycle: str = Field(pattern=r"^\d{4}$", description="the renewal cycle: the year of the anniversary that ends the period")

    def legacy_label(self) -> str:
        """The deprecated ``mandatory_for`` string of v1 (``"<specialization>/<cycle>"``)."""
        return f"{self.specialization}/{self.cycle}"

    @classmethod
    def from_legacy_label(cls, label: str) -> MandatoryItem:
        code, sep, cycle = label.rpartition("/")
        if not sep or not code:
            raise ValueError(f"mandatory_for {label!r} is not '<specialization>/<cycle>'")
        return cls(specialization=code, cycle=cycle)


def _mandatory_both_ways(data: Any) -> Any:
    """Compatibility for one version: the typed ``mandatory`` and the deprecated ``mandatory_for`` strings
    always travel together. A producer sets ``mandatory``, and ``mandatory_for`` is filled for old readers; an
    event from an older producer (``mandatory_for`` only) gets ``mandatory`` here, the one place that still
    reads the string form. Consumers read ``mandatory`` only."""
    if not isinstance(data, dict):
        return data
    typed, legacy = data.get("mandatory"), data.get("mandatory_for")
    if typed and not legacy:
        items = [m if isinstance(m, MandatoryItem) else MandatoryItem.model_validate(m) for m in typed]
        return {**data, "mandatory": items, "mandatory_for": [m.legacy_label() for m in items]}
    if legacy and not typed:
        return {**data, "mandatory": [MandatoryItem.from_legacy_label(label) for label in legacy]}
    return data


LEGACY_MANDATORY = "deprecated (one version): `mandatory` as `<specialization>/<cycle>` strings; read `mandatory`"


class ActivityPublished(Event):
    TYPE, KEY, SUMMARY = "learning.activity.published.v1", "activity_id", "A library activity was published (CL-1)."
    activity_id: str
    title: str
    kind: str
    points: int
    specializations: list[str] = Field(default_factory=list)
    exam_number: str | None = None
    mandatory: list[MandatoryItem] = Field(default_factory=list, description="CL-3: the activity's mandatory items")
    mandatory_for: list[str] = Field(default_factory=list, description=LEGACY_MANDATORY)

    _both = model_validator(mode="before")(_mandatory_both_ways)


class PointsEarned(Event):
    TYPE, KEY, SUMMARY = "learning.points.earned.v1", "cco_id", "A person earned points (CL-2)."
    entry_id: str
    cco_id: str
    activity_id: str
    points: int
    earned_on: date
    specializations: list[str] = Field(default_factory=list)


class PartnerCredited(Event):
    TYPE, KEY, SUMMARY = (
        "learning.partner.credited.v1",
        "be_geo_id",
        "A partner was credited with a person's points (CL-7, CL-8); negative points correct a credit.",
    )
    credit_id: str
    be_geo_id: str
    cco_id: str
    entry_id: str
    activity_id: str
    points: int
    earned_on: date
    specializations: list[str] = Field(
        default_factory=list, description="every specialization the credit counts toward (CL View totals and renewal alike)"
    )
    mandatory: list[MandatoryItem] = Field(default_factory=list, description="CL-3: the activity's mandatory items")
    mandatory_for: list[str] = Field(default_factory=list, description=LEGACY_MANDATORY)

    _both = model_validator(mode="before")(_mandatory_both_ways)


# specialization --------------------------------------------------------------------------------
Icon = Literal["inactive", "on_target", "behind", "not_applicable"]
SpecializationStatus = Literal["approved", "renewal_window", "grace", "lost", "reactivated"]


class StatusChanged(Event):
    TYPE, KEY, SUMMARY = (
        "specialization.status.changed.v1",
        "be_geo_id",
        "A partner's specialization changed status, period, compliance or status icon (SP-7 to SP-14).",
    )
    be_geo_id: str
    specialization: str
    status: SpecializationStatus
    level: str
    anniversary: date | None
    period_start: date | None
    period_end: date | None
    points_required: int
    compliant: bool | None = None  # every role filled by a qualifying member (SP-14); None: not stated
    icon: Icon | None = Field(
        None,
        description="SP-13 as specialization judges it on the day of the event (its own settings); "
        "a new event follows whenever it changes. None: not stated (an older producer)",
    )
    name: str | None = Field(
        None,
        max_length=200,
        description="the specialization's name in specialization's catalog (its fact), e.g. 'Collaboration "
        "Architecture'; None: not stated (an older producer)",
    )


class RenewalWindowOpened(Event):
    TYPE, KEY, SUMMARY = "specialization.renewal_window.opened.v1", "be_geo_id", "Renewal may be submitted (SP-9)."
    be_geo_id: str
    specialization: str
    opened_on: date
    anniversary: date


class Renewed(Event):
    TYPE, KEY, SUMMARY = "specialization.renewed.v1", "be_geo_id", "A specialization was renewed (SP-10)."
    be_geo_id: str
    specialization: str
    renewed_on: date
    period_start: date
    period_end: date


class GraceStarted(Event):
    TYPE, KEY, SUMMARY = "specialization.grace.started.v1", "be_geo_id", "A 10-day grace period began (SP-10)."
    be_geo_id: str
    specialization: str
    started_on: date
    grace_ends_on: date


class Lost(Event):
    TYPE, KEY, SUMMARY = "specialization.lost.v1", "be_geo_id", "A specialization was lost (SP-10, SP-12)."
    be_geo_id: str
    specialization: str
    lost_on: date
    blocked_until: date


class Reactivated(Event):
    TYPE, KEY, SUMMARY = "specialization.reactivated.v1", "be_geo_id", "A lost specialization was reactivated (SP-11)."
    be_geo_id: str
    specialization: str
    reactivated_on: date
    anniversary: date


class RoleVacated(Event):
    TYPE, KEY, SUMMARY = "specialization.role.vacated.v1", "be_geo_id", "A job role lost its holder (SP-14)."
    be_geo_id: str
    specialization: str
    role: Role
    cco_id: str
    vacated_on: date
    reason: str


class RoleAtRisk(Event):
    TYPE, KEY, SUMMARY = (
        "specialization.role.at_risk.v1",
        "be_geo_id",
        "A role holder's qualification expires within 90 days, or the holder announced leaving (NO-4).",
    )
    be_geo_id: str
    specialization: str
    role: Role
    cco_id: str
    certification: str
    vacant_on: date
    # why the role falls vacant on `vacant_on` (added in a minor version; absent means qualification_lapsed)
    reason: Literal["qualification_lapsed", "left"] = "qualification_lapsed"


# the registry ----------------------------------------------------------------------------------
ALL_EVENTS: tuple[type[Event], ...] = (
    PartnerRegistered,
    IndividualRegistered,
    IndividualUpdated,
    MembershipStarted,
    MembershipEnded,
    LeavePlanned,
    LeaveCancelled,
    IndividualMerged,
    MergeRequested,
    GrantChanged,
    AdminAssigned,
    AdminRemoved,
    ExamPassed,
    ExamReplaced,
    RequirementsChanged,
    BadgeAchieved,
    BadgeRenewed,
    BadgeExtended,
    BadgeExpired,
    ReminderDue,
    ActivityPublished,
    PointsEarned,
    PartnerCredited,
    StatusChanged,
    RenewalWindowOpened,
    Renewed,
    GraceStarted,
    Lost,
    Reactivated,
    RoleVacated,
    RoleAtRisk,
)
EVENTS_BY_TYPE: dict[str, type[Event]] = {cls.TYPE: cls for cls in ALL_EVENTS}


def event_class(event_type: str) -> type[Event]:
    try:
        return EVENTS_BY_TYPE[event_type]
    except KeyError:
        raise KeyError(f"unknown event type {event_type!r}") from None
