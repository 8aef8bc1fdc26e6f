"""learning: projections for the CL View pages (staff flag, partners, admin roles, specialization notes, role alerts)

Revision ID: lear0003
Revises: lear0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "lear0003"
down_revision = "lear0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("program_staff", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "partners",
        sa.Column("be_geo_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("be_geo_id", name=op.f("pk_partners")),
    )
    op.create_table(
        "admin_roles",
        sa.Column("cco_id", sa.String(length=64), nullable=False),
        sa.Column("be_geo_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cco_id", "be_geo_id", "role", name=op.f("pk_admin_roles")),
    )
    op.create_index("ix_admin_roles_be_geo_id", "admin_roles", ["be_geo_id"], unique=False)
    op.create_table(
        "specialization_notes",
        sa.Column("be_geo_id", sa.String(length=64), nullable=False),
        sa.Column("specialization", sa.String(length=64), nullable=False),
        sa.Column("window_opened_on", sa.Date(), nullable=True),
        sa.Column("grace_started_on", sa.Date(), nullable=True),
        sa.Column("grace_ends_on", sa.Date(), nullable=True),
        sa.Column("lost_on", sa.Date(), nullable=True),
        sa.Column("blocked_until", sa.Date(), nullable=True),
        sa.Column("reactivated_on", sa.Date(), nullable=True),
        sa.Column("compliant", sa.Boolean(), nullable=True),
        sa.Column("compliant_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("be_geo_id", "specialization", name=op.f("pk_specialization_notes")),
    )
    op.create_table(
        "role_alerts",
        sa.Column("be_geo_id", sa.String(length=64), nullable=False),
        sa.Column("specialization", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=2), nullable=False),
        sa.Column("cco_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "be_geo_id", "specialization", "role", "cco_id", "kind", name=op.f("pk_role_alerts")
        ),
    )


def downgrade() -> None:
    op.drop_table("role_alerts")
    op.drop_table("specialization_notes")
    op.drop_index("ix_admin_roles_be_geo_id", table_name="admin_roles")
    op.drop_table("admin_roles")
    op.drop_table("partners")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("program_staff")
