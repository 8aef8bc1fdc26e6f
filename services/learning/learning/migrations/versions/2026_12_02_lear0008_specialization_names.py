"""learning: specialization names as specialization announces them (one fact, one owner)

The pages showed specialization codes only. A specialization's name is specialization's fact: its
specialization.status.changed now carries ``name`` (an optional, additive field), and learning keeps the
latest one per code here. Until an event with a name arrives the pages show the code alone.

Revision ID: lear0008
Revises: lear0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "lear0008"
down_revision = "lear0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "specialization_names",
        sa.Column("specialization", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("named_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("specialization", name=op.f("pk_specialization_names")),
    )


def downgrade() -> None:
    op.drop_table("specialization_names")
