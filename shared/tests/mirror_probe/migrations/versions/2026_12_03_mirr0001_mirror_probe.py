"""mirror probe: platform tables, the identity mirror's tables, and a record of the hooks' calls

Revision ID: mirr0001
Revises:
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from partnerhub.db.platform import add_clock_progress, create_platform_tables
from partnerhub.mirrors.identity import create_identity_tables

revision = "mirr0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables()
    add_clock_progress()
    create_identity_tables()
    op.create_table(
        "mirror_hooks",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("hook", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("cco_ids", sa.String(400), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("mirror_hooks")
