"""the identity mirror: learning's people, memberships and aliases move into the platform's tables

Learning kept identity's people, memberships and merges in its own tables with its own handlers
(`use_cases/people.py`: inserts-then-updates, aliases deleted and re-inserted), beside three other services
keeping the same facts three other ways; one identity rule (ID-2, ID-3) cost 8 places to change. The
platform's identity mirror (`partnerhub.mirrors.identity`) is now the one copy, with one test per rule.
Its tables are created here and the rows copied in the database (INSERT … SELECT, nothing through Python):

- `people` -> `identity_people` (name, staff flag). A row with a name came from identity's profile events,
  so it is known (`as_of` 1970: any later event is newer); a row without one was only a lock row and stays so.
- `memberships` -> `identity_memberships`, with the same (partner, person, start, end) index the CL View
  reads from (lear0004: an index-only scan in CCO ID order);
- `aliases` -> `identity_aliases` (learning never kept the merge date: NULL).

Revision ID: lear0009
Revises: lear0010
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

revision = "lear0009"
down_revision = "lear0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    mirror = create_identity_tables()
    copy_into(
        mirror.people, "people", cco_id="cco_id", name="name", program_staff="program_staff",
        as_of=sa.case((sa.literal_column("name").is_not(None), sa.literal(LONG_AGO, UtcDateTime())), else_=None),
    )
    copy_into(mirror.memberships, "memberships", cco_id="cco_id", be_geo_id="be_geo_id", started_on="started_on", ended_on="ended_on")
    copy_into(mirror.aliases, "aliases", retired="retired", survivor="survivor")
    op.drop_table("people")
    op.drop_table("memberships")
    op.drop_table("aliases")


def downgrade() -> None:
    op.create_table(
        "aliases",
        sa.Column("retired", sa.String(64), nullable=False),
        sa.Column("survivor", sa.String(64), nullable=False),
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
    op.create_index(
        "ix_memberships_partner_person", "memberships", ["be_geo_id", "cco_id", "started_on", "ended_on"]
    )
    op.create_table(
        "people",
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("program_staff", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("cco_id", name="pk_people"),
    )
    op.execute("INSERT INTO people (cco_id, name, program_staff) SELECT cco_id, name, program_staff FROM identity_people")
    op.execute(
        "INSERT INTO memberships (cco_id, be_geo_id, started_on, ended_on)"
        " SELECT cco_id, be_geo_id, started_on, ended_on FROM identity_memberships"
    )
    op.execute("INSERT INTO aliases (retired, survivor) SELECT retired, survivor FROM identity_aliases")
    drop_identity_tables()
