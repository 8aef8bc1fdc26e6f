"""specialization: exam replacements become a projection of `certification.exam.replaced`

Certification owns exam replacements (CE-1, "one fact, one owner"); this service no longer accepts a write
of them and keeps what certification announced. Announcements of one exam may arrive out of order, so each
row keeps the order of the event it came from, its business date (`announced_on`) and the envelope's
`occurred_at`: an older announcement arriving late changes nothing. Rows written by the removed
`PUT /v1/exams/{number}/replacement` keep NULLs and give way to any announcement.

Revision ID: spec0004
Revises: spec0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "spec0004"
down_revision = "spec0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exam_replacements") as batch:
        batch.add_column(sa.Column("announced_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exam_replacements") as batch:
        batch.drop_column("occurred_at")
        batch.drop_column("announced_on")
