"""certification: catalogs, results, badges, reminders, certificates, agreements, projections, imports

Revision ID: cert0002
Revises: cert0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "cert0002"
down_revision = "cert0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "exams",
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("technical", sa.Boolean, nullable=False),
        sa.Column("replaces", sa.String(32), nullable=True),
        sa.Column("replacement_required", sa.Boolean, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("number", name="pk_exams"),
    )
    op.create_table(
        "certifications",
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("required_exams", sa.JSON, nullable=False),
        sa.Column("renewal_exams", sa.JSON, nullable=True),
        sa.Column("prerequisites", sa.JSON, nullable=False),
        sa.Column("validity_months", sa.Integer, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_certifications"),
    )
    op.create_table(
        "exam_results",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("external_id", sa.String(128), nullable=False),
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("original_cco_id", sa.String(64), nullable=False),
        sa.Column("exam_number", sa.String(32), nullable=False),
        sa.Column("taken_on", sa.Date, nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("import_id", sa.String(36), nullable=True),
        sa.Column("recorded_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_exam_results"),
        sa.UniqueConstraint("external_id", name="uq_exam_results_external_id"),
    )
    op.create_index("ix_exam_results_cco_id_taken_on", "exam_results", ["cco_id", "taken_on"])
    op.create_table(
        "holders",
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("dirty", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("cco_id", name="pk_holders"),
    )
    op.create_index(
        "ix_holders_dirty", "holders", ["dirty"],
        postgresql_where=sa.text("dirty"), sqlite_where=sa.text("dirty"),
    )
    op.create_table(
        "aliases",
        sa.Column("retired", sa.String(64), nullable=False),
        sa.Column("survivor", sa.String(64), nullable=False),
        sa.Column("merged_on", sa.Date, nullable=False),
        sa.PrimaryKeyConstraint("retired", name="pk_aliases"),
    )
    op.create_index("ix_aliases_survivor", "aliases", ["survivor"])
    op.create_table(
        "badges",
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("certification", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("achieved_on", sa.Date, nullable=False),
        sa.Column("renewed_on", sa.Date, nullable=True),
        sa.Column("expires_on", sa.Date, nullable=False),
        sa.Column("extension_reason", sa.String(200), nullable=True),
        sa.Column("next_reminder_on", sa.Date, nullable=True),
        sa.Column("next_reminder_months", sa.Integer, nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("cco_id", "certification", name="pk_badges"),
    )
    op.create_index("ix_badges_status_expires_on", "badges", ["status", "expires_on"])
    op.create_index("ix_badges_next_reminder_on", "badges", ["next_reminder_on"])
    op.create_table(
        "reminders",
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("certification", sa.String(32), nullable=False),
        sa.Column("expires_on", sa.Date, nullable=False),
        sa.Column("months_before", sa.Integer, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.PrimaryKeyConstraint("cco_id", "certification", "expires_on", "months_before", name="pk_reminders"),
    )
    op.create_table(
        "certificates",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("certification", sa.String(32), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("expires_on", sa.Date, nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_certificates"),
    )
    op.create_index("ix_certificates_cco_id", "certificates", ["cco_id"])
    op.create_table(
        "agreements",
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("signed_on", sa.Date, nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("cco_id", "version", name="pk_agreements"),
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
        "grants",
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("be_geo_id", sa.String(64), nullable=False),
        sa.Column("granted", sa.Boolean, nullable=False),
        sa.Column("changed_on", sa.Date, nullable=False),
        sa.Column("occurred_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("cco_id", "be_geo_id", name="pk_grants"),
    )
    op.create_table(
        "imports",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("filename", sa.String(200), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("lines_read", sa.Integer, nullable=False),
        sa.Column("accepted", sa.Integer, nullable=False),
        sa.Column("replayed", sa.Integer, nullable=False),
        sa.Column("rejected", sa.Integer, nullable=False),
        sa.Column("individuals_recomputed", sa.Integer, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_imports"),
    )
    op.create_table(
        "import_errors",
        sa.Column("import_id", sa.String(36), nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("content", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("import_id", "line", name="pk_import_errors"),
    )


def downgrade() -> None:
    for table in (
        "import_errors", "imports", "grants", "memberships", "agreements", "certificates",
        "reminders", "badges", "aliases", "holders", "exam_results", "certifications", "exams",
    ):
        op.drop_table(table)
