"""specialization: the last announced status icon (SP-13), mandatory items by specialization and cycle (CL-3)

One fact, one owner: the icon is specialization's, so specialization.status.changed carries it and a new one
is announced whenever it changes. ``partner_specializations.icon`` is the icon last announced (announced once
per change: a redelivered credit or a rerun day finds it unchanged) and ``icon_check_on`` the next day the
calendar alone may change it, indexed for the daily job as ``next_check_on`` is. Existing rows get
``icon_check_on`` = their period start, a day that is over: the next daily run judges and announces them all once.

``mandatory_items`` kept learning's ``"<specialization>/<cycle>"`` strings in ``specialization`` and parsed
them; learning.activity.published now carries typed ``mandatory`` items, stored as two columns. The cycle joins
the primary key (an activity may be mandatory for one specialization in two cycles). Learning always wrote a
four-digit cycle, so every stored label splits; a bare code (never sent) would be dropped, and republishing
the activity restores whatever learning says.

Revision ID: spec0005
Revises: spec0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "spec0005"
down_revision = "spec0004"
branch_labels = None
depends_on = None

ps = sa.table("partner_specializations", sa.column("period_start", sa.Date), sa.column("icon_check_on", sa.Date))


def _mandatory_items(with_cycle: bool) -> None:
    columns = [
        sa.Column("activity_id", sa.String(64), nullable=False),
        sa.Column("specialization", sa.String(64), nullable=False),
    ]
    if with_cycle:
        columns.append(sa.Column("cycle", sa.String(16), nullable=False))
    keys = ["activity_id", "specialization", *(["cycle"] if with_cycle else [])]
    op.create_table(
        "mandatory_items",
        *columns,
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("published_on", sa.Date, nullable=False),
        sa.PrimaryKeyConstraint(*keys, name="pk_mandatory_items"),
    )


def upgrade() -> None:
    with op.batch_alter_table("partner_specializations") as batch:
        batch.add_column(sa.Column("icon", sa.String(20), nullable=True))
        batch.add_column(sa.Column("icon_check_on", sa.Date, nullable=True))
    op.create_index("ix_partner_specializations_icon_check_on", "partner_specializations", ["icon_check_on"])
    op.execute(ps.update().values(icon_check_on=ps.c.period_start))

    conn = op.get_bind()
    old = sa.table(
        "mandatory_items", sa.column("activity_id"), sa.column("specialization"), sa.column("title"), sa.column("published_on")
    )
    rows = conn.execute(sa.select(old)).all()
    op.drop_table("mandatory_items")
    _mandatory_items(with_cycle=True)
    split = {}
    for r in rows:
        code, sep, cycle = r.specialization.rpartition("/")
        if sep and code and cycle.isdigit():
            split[(r.activity_id, code, cycle)] = r
    new = sa.table(
        "mandatory_items", sa.column("activity_id"), sa.column("specialization"), sa.column("cycle"), sa.column("title"),
        sa.column("published_on"),
    )
    if split:
        op.bulk_insert(
            new,
            [
                {"activity_id": a, "specialization": code, "cycle": cycle, "title": r.title, "published_on": r.published_on}
                for (a, code, cycle), r in sorted(split.items())
            ],
        )


def downgrade() -> None:
    conn = op.get_bind()
    new = sa.table(
        "mandatory_items", sa.column("activity_id"), sa.column("specialization"), sa.column("cycle"), sa.column("title"),
        sa.column("published_on"),
    )
    rows = conn.execute(sa.select(new)).all()
    op.drop_table("mandatory_items")
    _mandatory_items(with_cycle=False)
    if rows:
        old = sa.table(
            "mandatory_items", sa.column("activity_id"), sa.column("specialization"), sa.column("title"), sa.column("published_on")
        )
        op.bulk_insert(
            old,
            [
                {"activity_id": r.activity_id, "specialization": f"{r.specialization}/{r.cycle}", "title": r.title, "published_on": r.published_on}
                for r in rows
            ],
        )
    op.drop_index("ix_partner_specializations_icon_check_on", table_name="partner_specializations")
    with op.batch_alter_table("partner_specializations") as batch:
        batch.drop_column("icon_check_on")
        batch.drop_column("icon")
