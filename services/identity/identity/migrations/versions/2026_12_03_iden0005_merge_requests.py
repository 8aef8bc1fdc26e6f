"""merge_requests: a merge asked for by the person, confirmed through a mailed single-use link

Partner Self-Service (ID-2, ID-5): an individual asks to merge a duplicate CCO ID into their own. The
merge waits until someone who reads the mail of the ID being retired opens the link and confirms. Only the
SHA-256 of the link's token is kept (``token_hash``, unique: the lookup when the link is opened); the
token itself travels in ``identity.merge.requested`` to notify, which mails it. ``status`` goes from
``pending`` to ``confirmed`` (in the merge's own transaction, guarded by ``status = 'pending'``, so a link
works once) or ``replaced`` (a newer request for the same two IDs); expiry is ``expires_at`` against the
wall clock, not the business date: it is a credential, not a program rule.

Revision ID: iden0005
Revises: iden0004
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "iden0005"
down_revision = "iden0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "merge_requests",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("survivor", sa.String(64), nullable=False),
        sa.Column("retire", sa.String(64), nullable=False),
        sa.Column("requested_by", sa.String(64), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_merge_requests"),
        sa.UniqueConstraint("token_hash", name="uq_merge_requests_token_hash"),
    )
    op.create_index("ix_merge_requests_survivor", "merge_requests", ["survivor"])
    op.create_index("ix_merge_requests_retire", "merge_requests", ["retire"])


def downgrade() -> None:
    op.drop_index("ix_merge_requests_retire", table_name="merge_requests")
    op.drop_index("ix_merge_requests_survivor", table_name="merge_requests")
    op.drop_table("merge_requests")
