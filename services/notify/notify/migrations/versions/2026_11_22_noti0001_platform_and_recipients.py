"""platform tables and recipients

Revision ID: noti0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from partnerhub.db.platform import create_platform_tables, drop_platform_tables

revision = "noti0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables()
    op.create_table(
        "recipients",
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cco_id", name="pk_recipients"),
    )


def downgrade() -> None:
    op.drop_table("recipients")
    drop_platform_tables()
