"""catalog, projections, partner specializations, allocations, applications

Revision ID: spec0002
Revises: spec0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "spec0002"
down_revision = "spec0001"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "levels",
        sa.Column("level", sa.String(40), nullable=False),
        sa.Column("points_required", sa.Integer, nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("level", name="pk_levels"),
    )
    op.create_table(
        "specializations",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("level", sa.String(40), nullable=False),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_specializations"),
    )
    op.create_table(
        "exam_replacements",
        sa.Column("old_number", sa.String(32), nullable=False),
        sa.Column("new_number", sa.String(32), nullable=False),
        sa.Column("required", sa.Boolean, nullable=False),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.PrimaryKeyConstraint("old_number", name="pk_exam_replacements"),
    )
    op.create_table(
        "memberships",
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("be_geo_id", sa.String(64), nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date, nullable=True),
        sa.PrimaryKeyConstraint("cco_id", "be_geo_id", "started_on", name="pk_memberships"),
    )
    op.create_index("ix_memberships_be_geo_id", "memberships", ["be_geo_id"])
    op.create_table(
        "badges",
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("certification", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("achieved_on", sa.Date, nullable=False),
        sa.Column("fact_on", sa.Date, nullable=False),
        sa.Column("expires_on", sa.Date, nullable=True),
        sa.Column("expired_on", sa.Date, nullable=True),
        sa.PrimaryKeyConstraint("cco_id", "certification", name="pk_badges"),
    )
    op.create_table(
        "exam_passes",
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("exam_number", sa.String(32), nullable=False),
        sa.Column("passed_on", sa.Date, nullable=False),
        sa.PrimaryKeyConstraint("cco_id", "exam_number", name="pk_exam_passes"),
    )
    op.create_table(
        "aliases",
        sa.Column("retired", sa.String(64), nullable=False),
        sa.Column("survivor", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("retired", name="pk_aliases"),
    )
    op.create_table(
        "credits",
        sa.Column("credit_id", sa.String(64), nullable=False),
        sa.Column("specialization", sa.String(64), nullable=False),
        sa.Column("be_geo_id", sa.String(64), nullable=False),
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("activity_id", sa.String(64), nullable=False),
        sa.Column("points", sa.Integer, nullable=False),
        sa.Column("earned_on", sa.Date, nullable=False),
        sa.PrimaryKeyConstraint("credit_id", "specialization", name="pk_credits"),
    )
    op.create_index(
        "ix_credits_be_geo_id_specialization_earned_on", "credits", ["be_geo_id", "specialization", "earned_on"]
    )
    op.create_index("ix_credits_cco_id", "credits", ["cco_id"])
    op.create_table(
        "mandatory_items",
        sa.Column("activity_id", sa.String(64), nullable=False),
        sa.Column("specialization", sa.String(64), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("published_on", sa.Date, nullable=False),
        sa.PrimaryKeyConstraint("activity_id", "specialization", name="pk_mandatory_items"),
    )
    op.create_table(
        "partner_specializations",
        sa.Column("be_geo_id", sa.String(64), nullable=False),
        sa.Column("specialization", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("compliant", sa.Boolean, nullable=False),
        sa.Column("approved_on", sa.Date, nullable=False),
        sa.Column("anniversary", sa.Date, nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("grace_ends_on", sa.Date, nullable=True),
        sa.Column("lost_on", sa.Date, nullable=True),
        sa.Column("blocked_until", sa.Date, nullable=True),
        sa.Column("reactivated_on", sa.Date, nullable=True),
        sa.Column("submitted", sa.Boolean, nullable=False),
        sa.Column("next_check_on", sa.Date, nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("be_geo_id", "specialization", name="pk_partner_specializations"),
    )
    op.create_index("ix_partner_specializations_next_check_on", "partner_specializations", ["next_check_on"])
    op.create_table(
        "allocations",
        sa.Column("id", SEQ, autoincrement=True, nullable=False),
        sa.Column("be_geo_id", sa.String(64), nullable=False),
        sa.Column("specialization", sa.String(64), nullable=False),
        sa.Column("role", sa.String(2), nullable=False),
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date, nullable=True),
        sa.Column("end_reason", sa.String(40), nullable=True),
        sa.Column("vacates_on", sa.Date, nullable=True),
        sa.Column("vacate_reason", sa.String(40), nullable=True),
        sa.Column("certification", sa.String(64), nullable=True),
        sa.Column("at_risk_on", sa.Date, nullable=True),
        sa.Column("at_risk_sent", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_allocations"),
    )
    op.create_index("ix_allocations_be_geo_id_specialization", "allocations", ["be_geo_id", "specialization"])
    op.create_index("ix_allocations_cco_id", "allocations", ["cco_id"])
    op.create_index("ix_allocations_vacates_on", "allocations", ["vacates_on"])
    op.create_index("ix_allocations_at_risk_on", "allocations", ["at_risk_on"])
    op.create_table(
        "applications",
        sa.Column("id", SEQ, autoincrement=True, nullable=False),
        sa.Column("be_geo_id", sa.String(64), nullable=False),
        sa.Column("specialization", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("submitted_on", sa.Date, nullable=False),
        sa.Column("submitted_by", sa.String(64), nullable=False),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("unmet", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_applications"),
    )
    op.create_index("ix_applications_be_geo_id_specialization", "applications", ["be_geo_id", "specialization"])


def downgrade() -> None:
    for table in (
        "applications",
        "allocations",
        "partner_specializations",
        "mandatory_items",
        "credits",
        "aliases",
        "exam_passes",
        "badges",
        "memberships",
        "exam_replacements",
        "specializations",
        "levels",
    ):
        op.drop_table(table)
