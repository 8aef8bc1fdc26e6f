"""the catalog's stamp: one row whose version every catalog write raises

An exam result read the whole exam and certification catalog twice per request (issue 19: about a
quarter of its server time). Each process now keeps the catalog it last read and reads it again only
when `catalog_stamp.version` has moved: `PUT /v1/exams/{number}` and `PUT /v1/certifications/{code}`
(the only writers of `exams` and `certification_versions`) raise it in their own transaction, so a
cached catalog is never older than the last committed write, on any replica.

Revision ID: cert0010
Revises: cert0008
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "cert0010"
down_revision = "cert0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    stamp = op.create_table(
        "catalog_stamp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_catalog_stamp"),
    )
    op.bulk_insert(stamp, [{"id": 1, "version": 0}])


def downgrade() -> None:
    op.drop_table("catalog_stamp")
