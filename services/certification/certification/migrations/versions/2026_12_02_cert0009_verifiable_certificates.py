"""certificates anyone can verify: a certificate number, revocation, and the dev signing keys

CE-3's certificate had an id and dates but nothing a stranger could check it with. A certificate now
carries a `number` (PH-XXXX-XXXX-XXXX, random, printed on the PDF and typed into the public
verification page) and may be revoked by program staff (`revoked_on`, `revoked_reason`), which a
verification reports. Certificates issued before this revision get their number here.

`credential_keys` keeps the key that signs the Open Badges credentials in dev and test, generated once
so that a restart still verifies what was signed before (production's key comes from
CERTIFICATION_CREDENTIAL_SIGNING_KEY and is never written here).

Revision ID: cert0009
Revises: cert0006
Create Date: 2026-12-02
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "cert0009"
down_revision = "cert0006"
branch_labels = None
depends_on = None

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # as certification.domain.credentials, frozen here


def _number() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"PH-{chars[0:4]}-{chars[4:8]}-{chars[8:12]}"


def upgrade() -> None:
    with op.batch_alter_table("certificates") as batch:
        batch.add_column(sa.Column("number", sa.String(20), nullable=True))
        batch.add_column(sa.Column("revoked_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("revoked_reason", sa.String(500), nullable=True))
    bind = op.get_bind()
    certificates = sa.table("certificates", sa.column("id", sa.String), sa.column("number", sa.String))
    ids = [row.id for row in bind.execute(sa.select(certificates.c.id))]
    if ids:
        bind.execute(
            certificates.update().where(certificates.c.id == sa.bindparam("k_id")).values(number=sa.bindparam("k_number")),
            [{"k_id": i, "k_number": _number()} for i in ids],
        )
    with op.batch_alter_table("certificates") as batch:
        batch.alter_column("number", existing_type=sa.String(20), nullable=False)
        batch.create_unique_constraint("uq_certificates_number", ["number"])
    op.create_table(
        "credential_keys",
        sa.Column("kid", sa.String(64), nullable=False),
        sa.Column("algorithm", sa.String(8), nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kid", name="pk_credential_keys"),
    )


def downgrade() -> None:
    op.drop_table("credential_keys")
    with op.batch_alter_table("certificates") as batch:
        batch.drop_constraint("uq_certificates_number", type_="unique")
        batch.drop_column("revoked_reason")
        batch.drop_column("revoked_on")
        batch.drop_column("number")
