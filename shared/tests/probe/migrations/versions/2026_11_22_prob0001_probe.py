"""probe tables

Revision ID: prob0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from partnerhub.db.platform import create_platform_tables

revision = "prob0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables()
    op.create_table("probe_items", sa.Column("key", sa.String(100), primary_key=True))
    op.create_table(
        "probe_applied",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("times", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("probe_applied")
    op.drop_table("probe_items")
