"""planned_leaves: identity's announced membership end dates, projected (NO-4, SP-14)

``identity.leave.planned`` arrives before the membership ends: the holder's role is warned about at once and
falls vacant on the planned date. A separate table, not a column of ``memberships``: a plan and an end are
different facts (an end is final; a plan may be replaced or cancelled), and a plan may arrive before the
membership it belongs to. A cancellation keeps the row with ``leaves_on`` empty and its revision, so an older
plan delivered late does not come back.

Revision ID: spec0006
Revises: spec0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "spec0006"
down_revision = "spec0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "planned_leaves",
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("be_geo_id", sa.String(64), nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("leaves_on", sa.Date, nullable=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("cco_id", "be_geo_id", "started_on", name="pk_planned_leaves"),
    )


def downgrade() -> None:
    op.drop_table("planned_leaves")
