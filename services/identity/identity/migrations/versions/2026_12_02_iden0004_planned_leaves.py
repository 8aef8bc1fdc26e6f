"""memberships: a planned end date (leaves_on) and the revision of the plan

A leave may be announced ahead (NO-4: "a role holder is leaving, the role falls vacant on D"). The
membership stays active, so ``ended_on`` stays empty and the partial unique index "one active membership"
is untouched; ``leaves_on`` holds the planned date until identity's daily job ends the membership on it.
``leave_revision`` counts the plan changes; ``identity.leave.planned`` / ``identity.leave.cancelled``
carry it, so a projection that receives them out of order keeps the latest. No index: the daily job
looks only at active memberships with a plan, a few rows.

Revision ID: iden0004
Revises: iden0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "iden0004"
down_revision = "iden0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("memberships") as batch:
        batch.add_column(sa.Column("leaves_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("leave_revision", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("memberships") as batch:
        batch.drop_column("leave_revision")
        batch.drop_column("leaves_on")
