"""the identity mirror: specialization's memberships, planned leaves and aliases move into the platform's tables

Specialization kept identity's memberships (select-then-write), planned leaves (by revision, spec0006) and merges
(aliases deleted and re-inserted one by one) with its own handlers, beside three other services keeping the same
facts three other ways; one identity rule (ID-2, ID-3) cost 8 places to change. The platform's identity mirror
(`partnerhub.mirrors.identity`) is now the one copy, with one test per rule, and specialization keeps only its
own part of a change (role holdings recomputed, roles warned of a planned leave, its records rekeyed on a merge).
The tables are created here and the rows copied in the database (INSERT … SELECT), so nothing is lost:

- `memberships` -> `identity_memberships`;
- `planned_leaves` -> `identity_planned_leaves` (a table of its own still, as spec0006 argued: a plan may
  arrive before its membership, and a cancellation keeps its revision);
- `aliases` -> `identity_aliases` (specialization never kept the merge date: NULL).

Specialization keeps no profile of people (`identity_people` holds only the rows the mirror locks).

Revision ID: spec0008
Revises: spec0007
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from partnerhub.mirrors.identity import copy_into, create_identity_tables, drop_identity_tables

revision = "spec0008"
down_revision = "spec0007"
branch_labels = None
depends_on = None

KEY = {"cco_id": "cco_id", "be_geo_id": "be_geo_id", "started_on": "started_on"}


def upgrade() -> None:
    mirror = create_identity_tables()
    copy_into(mirror.memberships, "memberships", **KEY, ended_on="ended_on")
    copy_into(mirror.planned_leaves, "planned_leaves", **KEY, leaves_on="leaves_on", revision="revision")
    copy_into(mirror.aliases, "aliases", retired="retired", survivor="survivor")
    op.drop_table("memberships")
    op.drop_table("planned_leaves")
    op.drop_table("aliases")


def downgrade() -> None:
    op.create_table(
        "memberships",
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("be_geo_id", sa.String(64), nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date, nullable=True),
        sa.PrimaryKeyConstraint("cco_id", "be_geo_id", "started_on", name="pk_memberships"),
    )
    op.create_index("ix_memberships_be_geo_id", "memberships", ["be_geo_id"])
    op.create_table(
        "planned_leaves",
        sa.Column("cco_id", sa.String(64), nullable=False),
        sa.Column("be_geo_id", sa.String(64), nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("leaves_on", sa.Date, nullable=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("cco_id", "be_geo_id", "started_on", name="pk_planned_leaves"),
    )
    op.create_table(
        "aliases",
        sa.Column("retired", sa.String(64), nullable=False),
        sa.Column("survivor", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("retired", name="pk_aliases"),
    )
    op.execute(
        "INSERT INTO memberships (cco_id, be_geo_id, started_on, ended_on)"
        " SELECT cco_id, be_geo_id, started_on, ended_on FROM identity_memberships"
    )
    op.execute(
        "INSERT INTO planned_leaves (cco_id, be_geo_id, started_on, leaves_on, revision)"
        " SELECT cco_id, be_geo_id, started_on, leaves_on, revision FROM identity_planned_leaves"
    )
    op.execute("INSERT INTO aliases (retired, survivor) SELECT retired, survivor FROM identity_aliases")
    drop_identity_tables()
