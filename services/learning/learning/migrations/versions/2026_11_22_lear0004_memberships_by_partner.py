"""learning: memberships indexed by (partner, person, start, end) for the CL View

The CL View reads a partner's current members (started on or before today, not ended by today) on every
request. Indexed by partner alone, that is a bitmap heap scan of the partner's memberships, then a hash
or a sort by CCO ID. Indexed (be_geo_id, cco_id, started_on, ended_on), it is an index-only scan that
already comes in CCO ID order: counting the members needs no hash of them, and the members without
points that fill a page stop at the page size (with 10,000 members: the count 3.8 -> 2.4 ms; 50 members
without points 2.9 -> 0.2 ms). The new index serves every lookup by partner, so the partner-only one goes.

Revision ID: lear0004
Revises: lear0003
Create Date: 2026-11-22
"""

from alembic import op

revision = "lear0004"
down_revision = "lear0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_memberships_partner_person", "memberships", ["be_geo_id", "cco_id", "started_on", "ended_on"], unique=False
    )
    op.drop_index("ix_memberships_be_geo_id", table_name="memberships")


def downgrade() -> None:
    op.create_index("ix_memberships_be_geo_id", "memberships", ["be_geo_id"], unique=False)
    op.drop_index("ix_memberships_partner_person", table_name="memberships")
