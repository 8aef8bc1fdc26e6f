"""learning: an xAPI Learning Record Store (statements, related agents/activities, attachments, documents, LMS clients)

Every valid xAPI statement is stored, whatever its actor or object, with what it credited and why not; the
filters of GET /statements read indexes on SHA-256 digests of the IRIs and agent identifiers. State and profile
documents carry an ETag; LMS clients authenticate with Basic credentials whose secrets are kept hashed.

Revision ID: lear0010
Revises: lear0008
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "lear0010"
down_revision = "lear0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "xapi_statements",
        sa.Column("statement_id", sa.String(length=36), nullable=False),
        sa.Column("stored", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_hash", sa.String(length=64), nullable=True),
        sa.Column("verb_hash", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=20), nullable=False),
        sa.Column("object_hash", sa.String(length=64), nullable=False),
        sa.Column("registration", sa.String(length=36), nullable=True),
        sa.Column("voided", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("ref_id", sa.String(length=36), nullable=True),
        sa.Column("sent_hash", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=200), nullable=False),
        sa.Column("statement", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=True),
        sa.Column("points", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("statement_id", name=op.f("pk_xapi_statements")),
    )
    op.create_index("ix_xapi_statements_stored", "xapi_statements", ["stored", "statement_id"])
    op.create_index("ix_xapi_statements_actor", "xapi_statements", ["actor_hash", "stored"])
    op.create_index("ix_xapi_statements_verb", "xapi_statements", ["verb_hash", "stored"])
    op.create_index("ix_xapi_statements_object", "xapi_statements", ["object_hash", "stored"])
    op.create_index("ix_xapi_statements_registration", "xapi_statements", ["registration", "stored"])
    op.create_index("ix_xapi_statements_ref", "xapi_statements", ["ref_id"])
    op.create_index("ix_xapi_statements_outcome", "xapi_statements", ["outcome", "stored"])
    op.create_index("ix_xapi_statements_client", "xapi_statements", ["client", "stored"])
    op.create_table(
        "xapi_related",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("statement_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key_hash", "statement_id", name=op.f("pk_xapi_related")),
    )
    op.create_table(
        "xapi_documents",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("scope_hash", sa.String(length=64), nullable=False),
        sa.Column("doc_hash", sa.String(length=64), nullable=False),
        sa.Column("document_id", sa.String(length=2000), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("etag", sa.String(length=64), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "scope_hash", "doc_hash", name=op.f("pk_xapi_documents")),
    )
    op.create_index("ix_xapi_documents_scope", "xapi_documents", ["kind", "scope_hash", "updated"])
    op.create_table(
        "xapi_clients",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_xapi_clients")),
    )


    op.create_table(
        "xapi_attachments",
        sa.Column("sha2", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("stored", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha2", name=op.f("pk_xapi_attachments")),
    )


def downgrade() -> None:
    op.drop_table("xapi_attachments")
    op.drop_table("xapi_clients")
    op.drop_index("ix_xapi_documents_scope", table_name="xapi_documents")
    op.drop_table("xapi_documents")
    op.drop_table("xapi_related")
    for name in ("client", "outcome", "ref", "registration", "object", "verb", "actor", "stored"):
        op.drop_index(f"ix_xapi_statements_{name}", table_name="xapi_statements")
    op.drop_table("xapi_statements")
