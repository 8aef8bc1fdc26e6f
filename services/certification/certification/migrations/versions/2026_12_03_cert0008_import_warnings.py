"""imports warn of unknown CCO IDs: `imports.warned` and `import_warnings`

A bulk import accepted a result for a CCO ID nobody had registered without a word (issue 17): a typo in
a two-million-line history became a person of its own, found only when someone missed a badge. With the
identity mirror (cert0007) certification knows whom identity has told it of. It still records such a line
(identity may register the person later; the result is history either way) but counts it (`warned`)
and lists it in `import_warnings` (line, CCO ID, reason), next to `import_errors`. Imports made before
this revision warned of nothing: 0.

Revision ID: cert0008
Revises: cert0007
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "cert0008"
down_revision = "cert0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("imports") as batch:
        batch.add_column(sa.Column("warned", sa.Integer(), server_default=sa.text("0"), nullable=False))
    op.create_table(
        "import_warnings",
        sa.Column("import_id", sa.String(36), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("import_id", "line", name="pk_import_warnings"),
    )


def downgrade() -> None:
    op.drop_table("import_warnings")
    with op.batch_alter_table("imports") as batch:
        batch.drop_column("warned")
