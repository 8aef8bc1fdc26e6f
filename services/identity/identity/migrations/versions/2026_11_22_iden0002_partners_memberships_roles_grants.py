"""partners, memberships with history, partner roles, grants, merges

Revision ID: iden0002
Revises: iden0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "iden0002"
down_revision = "iden0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("individuals") as batch:
        batch.add_column(sa.Column("survivor_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("retired_on", sa.Date, nullable=True))
    op.create_index("ix_individuals_survivor_id", "individuals", ["survivor_id"])
    op.create_table(
        "partners",
        sa.Column("be_geo_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("be_geo_id", name="pk_partners"),
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("be_geo_id", sa.String(64), nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_memberships"),
    )
    op.create_index("ix_memberships_cco_id", "memberships", ["cco_id"])
    op.create_index("ix_memberships_be_geo_id", "memberships", ["be_geo_id"])
    op.create_index(
        "uq_memberships_active_cco_id",
        "memberships",
        ["cco_id"],
        unique=True,
        postgresql_where=sa.text("ended_on IS NULL"),
        sqlite_where=sa.text("ended_on IS NULL"),
    )
    op.create_table(
        "partner_roles",
        sa.Column("be_geo_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("be_geo_id", "role", "cco_id", name="pk_partner_roles"),
    )
    op.create_index("ix_partner_roles_cco_id", "partner_roles", ["cco_id"])
    op.create_table(
        "grants",
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("be_geo_id", sa.String(64), nullable=False),
        sa.Column("granted_on", sa.Date, nullable=False),
        sa.PrimaryKeyConstraint("cco_id", "be_geo_id", name="pk_grants"),
    )


def downgrade() -> None:
    op.drop_table("grants")
    op.drop_table("partner_roles")
    op.drop_table("memberships")
    op.drop_table("partners")
    op.drop_index("ix_individuals_survivor_id", "individuals")
    with op.batch_alter_table("individuals") as batch:
        batch.drop_column("retired_on")
        batch.drop_column("survivor_id")
