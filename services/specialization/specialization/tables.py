"""Specialization tables. The platform tables (outbox, inbox, clock) are in the same MetaData.

Catalog: levels, specializations and their role requirements by version (requirement_versions, SP-3).
Projections from other services' events: certification_requirements (certification's versions of each
certification, CE-10), exam_replacements (certification's CE-1 announcements), badges, exam_passes, credits, mandatory_items;
memberships, planned_leaves and aliases (merged CCO IDs) are the platform's identity mirror. Our own state: partner_specializations,
allocations (role holders with history), applications.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, Index, Integer, String, Table

from partnerhub.db.platform import SEQ, new_metadata
from partnerhub.db.types import UtcDateTime
from partnerhub.mirrors.identity import add_identity_tables

metadata = new_metadata()

levels = Table(
    "levels",
    metadata,
    Column("level", String(40), primary_key=True),
    Column("points_required", Integer, nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
)

specializations = Table(
    "specializations",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("level", String(40), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# SP-3: a specialization's role requirements, one row per version, never rewritten (spec0007)
requirement_versions = Table(
    "requirement_versions",
    metadata,
    Column("specialization", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("effective_on", Date, nullable=True),  # None: in force since always (the first version)
    Column("roles", JSON, nullable=False),  # {"AM": [{"certification": "X", "exams": [...]}, ...], ...}
    Column("created_at", UtcDateTime(), nullable=False),
)

# certification.requirements.changed: every version of every certification, as certification announced it (CE-10)
certification_requirements = Table(
    "certification_requirements",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("effective_on", Date, nullable=True),  # None: in force since always
    Column("required_exams", JSON, nullable=False),  # alternatives: [[exam, ...], ...]
    Column("renewal_exams", JSON, nullable=True),
    Column("prerequisites", JSON, nullable=False),
    Column("validity_months", Integer, nullable=False),
)

exam_replacements = Table(
    "exam_replacements",
    metadata,
    Column("old_number", String(32), primary_key=True),
    Column("new_number", String(32), nullable=False),
    Column("required", Boolean, nullable=False),
    Column("effective_on", Date, nullable=False),
    # the announcement's order (spec0003): (announced_on, occurred_at) of the event it came from; a later one wins
    Column("announced_on", Date, nullable=True),
    Column("occurred_at", UtcDateTime(), nullable=True),
)

# identity's facts, as the platform's identity mirror keeps them (partnerhub.mirrors.identity, spec0008):
# memberships, planned leaves (a member's announced end date, per membership; the highest revision wins), merges
IDENTITY = add_identity_tables(metadata)
memberships = IDENTITY.memberships
planned_leaves = IDENTITY.planned_leaves
aliases = IDENTITY.aliases

badges = Table(
    "badges",
    metadata,
    Column("cco_id", String(64), primary_key=True),
    Column("certification", String(64), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("achieved_on", Date, nullable=False),
    Column("fact_on", Date, nullable=False),  # date of the latest achievement or renewal applied
    Column("expires_on", Date, nullable=True),
    Column("expired_on", Date, nullable=True),
)

exam_passes = Table(
    "exam_passes",
    metadata,
    Column("cco_id", String(64), primary_key=True),
    Column("exam_number", String(32), primary_key=True),
    Column("passed_on", Date, nullable=False),  # the first pass
)

credits = Table(
    "credits",
    metadata,
    Column("credit_id", String(64), primary_key=True),
    Column("specialization", String(64), primary_key=True),
    Column("be_geo_id", String(64), nullable=False),
    Column("cco_id", String(64), nullable=False),
    Column("activity_id", String(64), nullable=False),
    Column("points", Integer, nullable=False),
    Column("earned_on", Date, nullable=False),
    Index("ix_credits_be_geo_id_specialization_earned_on", "be_geo_id", "specialization", "earned_on"),
    Index("ix_credits_cco_id", "cco_id"),
)

mandatory_items = Table(  # CL-3, from learning.activity.published's typed `mandatory` (spec0003)
    "mandatory_items",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("specialization", String(64), primary_key=True),
    Column("cycle", String(16), primary_key=True),  # the year of the anniversary that ends the period
    Column("title", String(300), nullable=False),
    Column("published_on", Date, nullable=False),
)

partner_specializations = Table(
    "partner_specializations",
    metadata,
    Column("be_geo_id", String(64), primary_key=True),
    Column("specialization", String(64), primary_key=True),
    Column("status", String(20), nullable=False),
    Column("compliant", Boolean, nullable=False),
    Column("approved_on", Date, nullable=False),
    Column("anniversary", Date, nullable=False),
    Column("period_start", Date, nullable=False),
    Column("grace_ends_on", Date, nullable=True),
    Column("lost_on", Date, nullable=True),
    Column("blocked_until", Date, nullable=True),
    Column("reactivated_on", Date, nullable=True),
    Column("submitted", Boolean, nullable=False),
    Column("next_check_on", Date, nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
    # SP-13: the icon last announced in specialization.status.changed, and the next day the calendar alone may
    # change it (grey ends, on target turns behind); credits re-judge it when they arrive (spec0003)
    Column("icon", String(20), nullable=True),
    Column("icon_check_on", Date, nullable=True),
    # SP-3: the requirements version the partner's last application or renewal was judged by; holders are judged
    # by it until the next one (spec0007)
    Column("requirements_version", Integer, nullable=False),
    Index("ix_partner_specializations_next_check_on", "next_check_on"),
    Index("ix_partner_specializations_icon_check_on", "icon_check_on"),
)

allocations = Table(
    "allocations",
    metadata,
    Column("id", SEQ, primary_key=True, autoincrement=True),
    Column("be_geo_id", String(64), nullable=False),
    Column("specialization", String(64), nullable=False),
    Column("role", String(2), nullable=False),
    Column("cco_id", String(64), nullable=False),
    Column("started_on", Date, nullable=False),
    Column("ended_on", Date, nullable=True),  # set when the role was vacated or handed over
    Column("end_reason", String(40), nullable=True),
    Column("vacates_on", Date, nullable=True),  # known future end: qualification expiry, announced leave
    Column("vacate_reason", String(40), nullable=True),
    Column("certification", String(64), nullable=True),  # the qualification whose expiry sets vacates_on
    Column("at_risk_on", Date, nullable=True),  # vacates_on - 90 days (NO-4)
    Column("at_risk_sent", Boolean, nullable=False),
    Index("ix_allocations_be_geo_id_specialization", "be_geo_id", "specialization"),
    Index("ix_allocations_cco_id", "cco_id"),
    Index("ix_allocations_vacates_on", "vacates_on"),
    Index("ix_allocations_at_risk_on", "at_risk_on"),
)

applications = Table(
    "applications",
    metadata,
    Column("id", SEQ, primary_key=True, autoincrement=True),
    Column("be_geo_id", String(64), nullable=False),
    Column("specialization", String(64), nullable=False),
    Column("kind", String(20), nullable=False),  # new | reactivation | renewal
    Column("submitted_on", Date, nullable=False),
    Column("submitted_by", String(64), nullable=False),
    Column("roles", JSON, nullable=False),
    Column("outcome", String(20), nullable=False),  # approved | refused | submitted
    Column("unmet", JSON, nullable=False),
    Column("requirements_version", Integer, nullable=True),  # the version it was judged by (spec0007)
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_applications_be_geo_id_specialization", "be_geo_id", "specialization"),
)
