"""the identity mirror: notify's recipients and aliases move into the platform's tables

Notify kept identity's addresses (`recipients`) and merges (`aliases`) with its own handlers and followed
alias chains at read time (up to MAX_ALIAS_HOPS = 10 lookups per address), beside three other services
keeping the same facts three other ways; one identity rule (ID-2, ID-3) cost 8 places to change. The
platform's identity mirror (`partnerhub.mirrors.identity`) is now the one copy, with one test per rule, and it
collapses aliases on write, so an address is one lookup. The tables are created here and the rows copied in
the database (INSERT … SELECT), so no address or merge is lost:

- `recipients` -> `identity_people` (name, email, `as_of`; an address from before noti0002 had no `as_of`:
  its `updated_at` stands in, as the time notify learnt it);
- `aliases` -> `identity_aliases`, then collapsed: each chain left from before (a retired into b, b into c)
  is followed here once, at most 10 hops as the reads did, so every retired ID points at its survivor.

Revision ID: noti0004
Revises: noti0003
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from partnerhub.mirrors.identity import copy_into, create_identity_tables, drop_identity_tables

revision = "noti0004"
down_revision = "noti0003"
branch_labels = None
depends_on = None

MAX_ALIAS_HOPS = 10  # as notify's reads followed them before this revision


def upgrade() -> None:
    mirror = create_identity_tables()
    copy_into(
        mirror.people, "recipients", cco_id="cco_id", name="name", email="email",
        as_of=sa.func.coalesce(sa.literal_column("as_of"), sa.literal_column("updated_at")), updated_at="updated_at",
    )
    copy_into(mirror.aliases, "aliases", retired="retired", survivor="survivor")
    for _ in range(MAX_ALIAS_HOPS):
        op.execute(
            "UPDATE identity_aliases SET survivor = (SELECT s.survivor FROM identity_aliases s"
            " WHERE s.retired = identity_aliases.survivor)"
            " WHERE survivor IN (SELECT retired FROM identity_aliases) AND survivor <> retired"
        )
    op.drop_table("recipients")
    op.drop_table("aliases")


def downgrade() -> None:
    op.create_table(
        "recipients",
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("cco_id", name="pk_recipients"),
    )
    op.create_table(
        "aliases",
        sa.Column("retired", sa.String(64), nullable=False),
        sa.Column("survivor", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("retired", name="pk_aliases"),
    )
    op.create_index("ix_aliases_survivor", "aliases", ["survivor"])
    op.execute(
        "INSERT INTO recipients (cco_id, name, email, updated_at, as_of)"
        " SELECT cco_id, name, email, COALESCE(updated_at, as_of), as_of FROM identity_people"
        " WHERE name IS NOT NULL AND email IS NOT NULL"
    )
    op.execute("INSERT INTO aliases (retired, survivor) SELECT retired, survivor FROM identity_aliases")
    drop_identity_tables()
