"""platform tables: outbox, inbox, clock, job runs

Revision ID: spec0001
Revises:
Create Date: 2026-11-22
"""

from partnerhub.db.platform import create_platform_tables, drop_platform_tables

revision = "spec0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables()


def downgrade() -> None:
    drop_platform_tables()
