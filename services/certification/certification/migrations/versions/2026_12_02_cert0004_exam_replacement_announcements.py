"""certification: exam replacement announcements (CE-1) get their effective and announcement dates

Certification is the one owner of exam replacements and publishes them as `certification.exam.replaced`
from the exam PUT. To publish an announcement once (a repeated PUT says nothing new) and to say from when
passes of the replaced exam stop counting, the exam row keeps the announced effective date and the business
date of the announcement. Both are NULL for an exam without `replaces`, and for exams written before this
revision: those were never published, and their next PUT announces them.

Revision ID: cert0004
Revises: cert0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "cert0004"
down_revision = "cert0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exams") as batch:
        batch.add_column(sa.Column("replacement_effective_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("replacement_announced_on", sa.Date, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exams") as batch:
        batch.drop_column("replacement_announced_on")
        batch.drop_column("replacement_effective_on")
