"""platform tables and individuals

Revision ID: iden0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from partnerhub.db.platform import create_platform_tables, drop_platform_tables

revision = "iden0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables()
    op.create_table(
        "individuals",
        sa.Column("cco_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("email_normalized", sa.String(320), nullable=False),
        sa.Column("program_staff", sa.Boolean, nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cco_id", name="pk_individuals"),
    )
    op.create_index("ix_individuals_email_normalized", "individuals", ["email_normalized"])


def downgrade() -> None:
    op.drop_table("individuals")
    drop_platform_tables()
