"""imports know their size: the number of data lines, counted when the upload is saved

An import's progress said how many lines were read, never out of how many: a person watching a
two-million-line history load could not tell 10 % from 90 %. `lines_total` is counted from the saved
upload (non-empty lines, less a CSV's header) before the first batch runs; NULL for imports made before.

Revision ID: cert0006
Revises: cert0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "cert0006"
down_revision = "cert0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("imports") as batch:
        batch.add_column(sa.Column("lines_total", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("imports") as batch:
        batch.drop_column("lines_total")
