"""delivery log, aliases, partners and partner admins

Revision ID: noti0002
Revises: noti0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "noti0002"
down_revision = "noti0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("recipients", sa.Column("as_of", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "aliases",
        sa.Column("retired", sa.String(64), nullable=False),
        sa.Column("survivor", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("retired", name="pk_aliases"),
    )
    op.create_index("ix_aliases_survivor", "aliases", ["survivor"])
    op.create_table(
        "partners",
        sa.Column("be_geo_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("be_geo_id", name="pk_partners"),
    )
    op.create_table(
        "partner_admins",
        sa.Column("be_geo_id", sa.String(64), nullable=False),
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("be_geo_id", "cco_id", name="pk_partner_admins"),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("cause_key", sa.String(400), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("recipient", sa.String(64), nullable=True),
        sa.Column("be_geo_id", sa.String(64), nullable=True),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("message_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("to_address", sa.String(320), nullable=True),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("transport", sa.String(8), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.UniqueConstraint("cause_key", name="uq_deliveries_cause_key"),
    )
    op.create_index("ix_deliveries_status_next_attempt_at", "deliveries", ["status", "next_attempt_at"])
    op.create_index("ix_deliveries_recipient", "deliveries", ["recipient"])
    op.create_index("ix_deliveries_be_geo_id", "deliveries", ["be_geo_id"])


def downgrade() -> None:
    op.drop_table("deliveries")
    op.drop_table("partner_admins")
    op.drop_table("partners")
    op.drop_index("ix_aliases_survivor", table_name="aliases")
    op.drop_table("aliases")
    with op.batch_alter_table("recipients") as batch:
        batch.drop_column("as_of")
