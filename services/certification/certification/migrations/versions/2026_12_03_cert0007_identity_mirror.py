"""the identity mirror: certification's memberships and aliases move into the platform's tables

Certification kept identity's memberships and merges in its own `memberships` and `aliases`, with its own
handlers (upserts), beside three other services keeping the same facts three other ways: one identity rule
(ID-2, ID-3) cost 8 places to change (4 handlers, 4 tests), and the copies had drifted (learning deleted
and re-inserted aliases, notify followed chains at read time). The platform's identity mirror
(`partnerhub.mirrors.identity`) is now the one copy, with one test per rule; its tables are created here
and the rows are copied in the database (INSERT … SELECT), so no stint or merge is lost:

- `memberships` -> `identity_memberships` (same key and columns);
- `aliases` -> `identity_aliases` (with `merged_on`);
- `identity_people`: certification keeps no profile field, only that identity knows a person (an import
  warns of unknown CCO IDs, issue 17). Everyone a membership, grant or merge names was registered with
  identity, so they are known from the start (`as_of` 1970: any profile event is newer).

Revision ID: cert0007
Revises: cert0009
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from partnerhub.db.types import UtcDateTime
from partnerhub.mirrors.identity import (
    LONG_AGO,
    copy_into,
    create_identity_tables,
    drop_identity_tables,
)

revision = "cert0007"
down_revision = "cert0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    mirror = create_identity_tables()
    copy_into(mirror.memberships, "memberships", cco_id="cco_id", be_geo_id="be_geo_id", started_on="started_on", ended_on="ended_on")
    copy_into(mirror.aliases, "aliases", retired="retired", survivor="survivor", merged_on="merged_on")
    known = sa.literal(LONG_AGO, UtcDateTime())
    op.execute(
        mirror.people.insert().from_select(
            ["cco_id", "as_of"],
            sa.select(sa.literal_column("cco_id"), known).select_from(
                sa.union(
                    sa.select(sa.literal_column("cco_id")).select_from(sa.table("memberships")),
                    sa.select(sa.literal_column("cco_id")).select_from(sa.table("grants")),
                    sa.select(sa.literal_column("survivor").label("cco_id")).select_from(sa.table("aliases")),
                ).subquery()
            ),
        )
    )
    op.drop_table("memberships")
    op.drop_table("aliases")


def downgrade() -> None:
    op.create_table(
        "aliases",
        sa.Column("retired", sa.String(64), nullable=False),
        sa.Column("survivor", sa.String(64), nullable=False),
        sa.Column("merged_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("retired", name="pk_aliases"),
    )
    op.create_index("ix_aliases_survivor", "aliases", ["survivor"])
    op.create_table(
        "memberships",
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("be_geo_id", sa.String(64), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("cco_id", "be_geo_id", "started_on", name="pk_memberships"),
    )
    op.create_index("ix_memberships_be_geo_id", "memberships", ["be_geo_id"])
    op.execute(
        "INSERT INTO memberships (cco_id, be_geo_id, started_on, ended_on)"
        " SELECT cco_id, be_geo_id, started_on, ended_on FROM identity_memberships"
    )
    op.execute(
        "INSERT INTO aliases (retired, survivor, merged_on)"
        " SELECT retired, survivor, COALESCE(merged_on, CURRENT_DATE) FROM identity_aliases"
    )
    drop_identity_tables()
