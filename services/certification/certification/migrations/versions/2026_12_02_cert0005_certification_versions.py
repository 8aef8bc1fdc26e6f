"""certification: requirement versions with effective dates (CE-4); badges name the version they were judged by

A PUT of a certification used to overwrite its exams, and the next recomputation of any holder judged their
badge by the new ones: a badge still inside its term vanished when its exams changed. Now a certification
keeps every version of its requirements (`certification_versions`, rows only ever added): the first is in
force since always (`effective_on` NULL), each later one from its `effective_on`. Every existing certification
becomes its version 1, with its data as it is, and `certifications` goes (the versions hold all it held).
Every existing badge was judged by the only requirements there were: `badges.requirements_version` is 1.

Each new version is published as `certification.requirements.changed.v1` in the transaction that writes it.
The versions this revision makes are published the same way: it writes their outbox rows itself, in the
envelope the unit of work writes (a literal here, frozen like the platform tables of cert0001), in the
migration's own transaction. That is the robust choice: the rows and their events commit together or not at
all, exactly once however many replicas start (the migrator holds the advisory lock; a second finds nothing
to do), and the outbox relay publishes them like any other event, with its retries, once the broker is
there. A startup step that publishes "versions not yet published" would need a published flag, a lock
against replicas starting together, and code that stays forever for a one-off.

Downgrade keeps each certification's latest version as its one row (what the old overwriting PUT left);
the other versions are lost, and the outbox rows already written stay (published or not, they are facts).

Revision ID: cert0005
Revises: cert0004
Create Date: 2026-12-02
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from partnerhub.db.types import UtcDateTime
from partnerhub.ids import new_uuid

revision = "cert0005"
down_revision = "cert0004"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
EVENT_TYPE = "certification.requirements.changed.v1"
REQUIREMENT_COLUMNS = ("code", "name", "kind", "required_exams", "renewal_exams", "prerequisites", "validity_months")


def _requirements(name: str, *extra: sa.sql.expression.ColumnClause) -> sa.sql.expression.TableClause:
    return sa.table(
        name,
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("kind", sa.String),
        sa.column("required_exams", sa.JSON),
        sa.column("renewal_exams", sa.JSON),
        sa.column("prerequisites", sa.JSON),
        sa.column("validity_months", sa.Integer),
        *extra,
    )


OLD = _requirements("certifications", sa.column("updated_at", UtcDateTime()))
VERSIONS = _requirements(
    "certification_versions",
    sa.column("version", sa.Integer),
    sa.column("effective_on", sa.Date),
    sa.column("created_at", UtcDateTime()),
)
OUTBOX = sa.table(
    "outbox",
    sa.column("event_id", sa.String),
    sa.column("type", sa.String),
    sa.column("envelope", sa.JSON),
    sa.column("created_at", UtcDateTime()),
)


def _envelope(row: sa.Row, now: datetime) -> dict:
    """The outbox envelope of version 1 of ``row`` (`RequirementsChanged`, as of this revision)."""
    payload = {
        "code": row.code,
        "name": row.name,
        "kind": row.kind,
        "version": 1,
        "effective_on": None,
        "required_exams": [list(alt) for alt in row.required_exams],
        "renewal_exams": [list(alt) for alt in row.renewal_exams] if row.renewal_exams else None,
        "prerequisites": list(row.prerequisites),
        "validity_months": row.validity_months,
    }
    return {
        "id": str(new_uuid()),
        "type": EVENT_TYPE,
        "occurred_at": now.isoformat().replace("+00:00", "Z"),
        "producer": "certification",
        "correlation_id": "migration-cert0005",
        "key": row.code,
        "payload": payload,
    }


def upgrade() -> None:
    op.create_table(
        "certification_versions",
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("effective_on", sa.Date, nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("required_exams", sa.JSON, nullable=False),
        sa.Column("renewal_exams", sa.JSON, nullable=True),
        sa.Column("prerequisites", sa.JSON, nullable=False),
        sa.Column("validity_months", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("code", "version", name="pk_certification_versions"),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(OLD).order_by(OLD.c.code)).all()
    if rows:
        now = datetime.now(UTC)
        conn.execute(
            VERSIONS.insert(),
            [
                {c: getattr(r, c) for c in REQUIREMENT_COLUMNS} | {"version": 1, "effective_on": None, "created_at": r.updated_at}
                for r in rows
            ],
        )
        envelopes = [_envelope(r, now) for r in rows]
        conn.execute(
            OUTBOX.insert(),
            [{"event_id": e["id"], "type": EVENT_TYPE, "envelope": e, "created_at": now} for e in envelopes],
        )
    op.drop_table("certifications")
    with op.batch_alter_table("badges") as batch:
        batch.add_column(sa.Column("requirements_version", sa.Integer, nullable=False, server_default=sa.text("1")))


def downgrade() -> None:
    with op.batch_alter_table("badges") as batch:
        batch.drop_column("requirements_version")
    op.create_table(
        "certifications",
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("required_exams", sa.JSON, nullable=False),
        sa.Column("renewal_exams", sa.JSON, nullable=True),
        sa.Column("prerequisites", sa.JSON, nullable=False),
        sa.Column("validity_months", sa.Integer, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_certifications"),
    )
    conn = op.get_bind()
    latest: dict[str, sa.Row] = {}
    for r in conn.execute(sa.select(VERSIONS).order_by(VERSIONS.c.code, VERSIONS.c.version)):
        latest[r.code] = r
    if latest:
        conn.execute(
            OLD.insert(),
            [{c: getattr(r, c) for c in REQUIREMENT_COLUMNS} | {"updated_at": r.created_at} for r in latest.values()],
        )
    op.drop_table("certification_versions")
