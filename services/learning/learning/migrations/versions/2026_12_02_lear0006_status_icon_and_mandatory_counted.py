"""learning: the status icon as specialization announces it (SP-13); mandatory items always counted (CL-3)

One fact, one owner. The icon is specialization's: learning judged it again with its own six months and
disagreed whenever SPECIALIZATION_ICON_INACTIVE_MONTHS was set. ``periods.icon`` keeps the icon of the last
specialization.status.changed; until one arrives it is unknown (specialization's daily job announces every
partner specialization's icon once after its own migration, spec0003).

Which specializations a credit counts toward is learning's: specialization counted a credit toward
``specializations`` and every mandatory item's specialization, the CL View toward ``specializations`` only.
``PUT /v1/activities`` now refuses a mandatory item outside the activity's specializations, and both count
``specializations`` only. The activities, drafts and ledger entries written before are brought in line here: a
mandatory item's specialization is added to the specializations (of the activity, its draft, each entry and
``entry_specializations``), which is what specialization already counted, and the CL View totals of the
partners and specializations touched are rebuilt from their credits, as a new period rebuilds them.

Revision ID: lear0006
Revises: lear0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "lear0006"
down_revision = "lear0005"
branch_labels = None
depends_on = None

activities = sa.table(
    "activities", sa.column("activity_id"), sa.column("specializations", sa.JSON), sa.column("mandatory_for", sa.JSON),
    sa.column("draft", sa.JSON),
)
entries = sa.table(
    "entries", sa.column("entry_id"), sa.column("specializations", sa.JSON), sa.column("mandatory_for", sa.JSON)
)
entry_specializations = sa.table("entry_specializations", sa.column("entry_id"), sa.column("specialization"))
credits = sa.table(
    "credits", sa.column("be_geo_id"), sa.column("entry_id"), sa.column("cco_id"), sa.column("points"),
    sa.column("earned_on", sa.Date), sa.column("active", sa.Boolean),
)
periods = sa.table(
    "periods", sa.column("be_geo_id"), sa.column("specialization"), sa.column("period_start", sa.Date),
    sa.column("period_end", sa.Date),
)
clview_points = sa.table(
    "clview_points", sa.column("be_geo_id"), sa.column("specialization"), sa.column("cco_id"), sa.column("points")
)


def _with_mandatory(specializations, mandatory):  # type: ignore[no-untyped-def]
    """The specializations, then every mandatory item's specialization not among them (None: nothing to add)."""
    specializations = list(specializations or [])
    missing = sorted({m["specialization"] for m in mandatory or [] if m["specialization"] not in specializations})
    return specializations + missing if missing else None


def upgrade() -> None:
    with op.batch_alter_table("periods") as batch:
        batch.add_column(sa.Column("icon", sa.String(20), nullable=True))

    conn = op.get_bind()
    for a in conn.execute(sa.select(activities)).all():
        fixed = _with_mandatory(a.specializations, a.mandatory_for)
        if fixed is not None:
            conn.execute(activities.update().where(activities.c.activity_id == a.activity_id).values(specializations=fixed))
        if a.draft:
            fixed = _with_mandatory(a.draft.get("specializations"), a.draft.get("mandatory_for"))
            if fixed is not None:
                draft = {**a.draft, "specializations": fixed}
                conn.execute(activities.update().where(activities.c.activity_id == a.activity_id).values(draft=draft))

    touched: dict[str, set[str]] = {}  # entry_id -> specializations added
    with_items = sa.cast(entries.c.mandatory_for, sa.Text) != "[]"
    for e in conn.execute(sa.select(entries).where(with_items)).all():
        fixed = _with_mandatory(e.specializations, e.mandatory_for)
        if fixed is None:
            continue
        conn.execute(entries.update().where(entries.c.entry_id == e.entry_id).values(specializations=fixed))
        touched[e.entry_id] = set(fixed) - set(e.specializations or [])
    if not touched:
        return
    op.bulk_insert(entry_specializations, [{"entry_id": i, "specialization": s} for i, added in sorted(touched.items()) for s in sorted(added)])

    affected: set[tuple[str, str]] = set()
    ids = sorted(touched)
    for i in range(0, len(ids), 500):
        for c in conn.execute(sa.select(credits.c.be_geo_id, credits.c.entry_id).where(credits.c.entry_id.in_(ids[i : i + 500]))):
            affected.update((c.be_geo_id, s) for s in touched[c.entry_id])
    for be_geo_id, spec in sorted(affected):
        period = conn.execute(
            sa.select(periods.c.period_start, periods.c.period_end).where(
                periods.c.be_geo_id == be_geo_id, periods.c.specialization == spec
            )
        ).first()
        mine = sa.and_(clview_points.c.be_geo_id == be_geo_id, clview_points.c.specialization == spec)
        conn.execute(clview_points.delete().where(mine))
        if period is None or period.period_start is None or period.period_end is None:
            continue
        counted = (
            sa.select(sa.literal(be_geo_id), sa.literal(spec), credits.c.cco_id, sa.func.sum(credits.c.points))
            .select_from(
                credits.join(
                    entry_specializations,
                    sa.and_(entry_specializations.c.entry_id == credits.c.entry_id, entry_specializations.c.specialization == spec),
                )
            )
            .where(
                credits.c.be_geo_id == be_geo_id,
                credits.c.active.is_(True),
                credits.c.earned_on >= period.period_start,
                credits.c.earned_on <= period.period_end,
            )
            .group_by(credits.c.cco_id)
        )
        conn.execute(clview_points.insert().from_select(["be_geo_id", "specialization", "cco_id", "points"], counted))


def downgrade() -> None:
    # the specializations added to legacy activities and entries stay: they are what specialization counted
    with op.batch_alter_table("periods") as batch:
        batch.drop_column("icon")
