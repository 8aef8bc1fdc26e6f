"""requirement versions of specializations (SP-3) and certification's requirements projected (CE-10, SP-4)

``PUT /v1/specializations/{code}`` used to overwrite ``specializations.roles``: a holder was judged by whatever the
catalog said that day. Requirements now keep versions by effective date (ARCHITECTURE "Time"): a job role is
judged by the version in force on the date of the application or renewal submission, and between renewals by the
version the partner's last one was judged by. ``requirement_versions`` holds one row per version, never rewritten;
each existing specialization's roles become its version 1, in force since always (``effective_on`` empty), and
the column leaves ``specializations``. ``partner_specializations.requirements_version`` records the version a
partner is judged by: every existing partner gets 1, the only version there was. ``applications`` record the version
they were judged by (empty for the ones before).

``certification_requirements`` projects ``certification.requirements.changed``: which exams make up each
certification, per version. Certification owns that fact; a role naming a Specialist badge is met by its component
exams of the version in force (CE-10), so the kind and the exams are kept here, every version.

Revision ID: spec0007
Revises: spec0006
Create Date: 2026-12-02
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "spec0007"
down_revision = "spec0006"
branch_labels = None
depends_on = None

versions = sa.table(
    "requirement_versions",
    sa.column("specialization", sa.String), sa.column("version", sa.Integer), sa.column("effective_on", sa.Date),
    sa.column("roles", sa.JSON), sa.column("created_at", sa.DateTime(timezone=True)),
)
specializations = sa.table("specializations", sa.column("code", sa.String), sa.column("roles", sa.JSON))
ps = sa.table("partner_specializations", sa.column("requirements_version", sa.Integer))


def upgrade() -> None:
    op.create_table(
        "requirement_versions",
        sa.Column("specialization", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("effective_on", sa.Date, nullable=True),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("specialization", "version", name="pk_requirement_versions"),
    )
    op.create_table(
        "certification_requirements",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("effective_on", sa.Date, nullable=True),
        sa.Column("required_exams", sa.JSON, nullable=False),
        sa.Column("renewal_exams", sa.JSON, nullable=True),
        sa.Column("prerequisites", sa.JSON, nullable=False),
        sa.Column("validity_months", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("code", "version", name="pk_certification_requirements"),
    )
    now = datetime.now(UTC)
    rows = op.get_bind().execute(sa.select(specializations.c.code, specializations.c.roles)).all()
    if rows:
        op.bulk_insert(
            versions,
            [{"specialization": r.code, "version": 1, "effective_on": None, "roles": r.roles, "created_at": now} for r in rows],
        )
    with op.batch_alter_table("specializations") as batch:
        batch.drop_column("roles")
    with op.batch_alter_table("partner_specializations") as batch:
        batch.add_column(sa.Column("requirements_version", sa.Integer, nullable=True))
    op.execute(ps.update().values(requirements_version=1))
    with op.batch_alter_table("partner_specializations") as batch:
        batch.alter_column("requirements_version", existing_type=sa.Integer, nullable=False)
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("requirements_version", sa.Integer, nullable=True))


def downgrade() -> None:
    """Back to one set of roles per specialization: the latest version's."""
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("requirements_version")
    with op.batch_alter_table("partner_specializations") as batch:
        batch.drop_column("requirements_version")
    with op.batch_alter_table("specializations") as batch:
        batch.add_column(sa.Column("roles", sa.JSON, nullable=True))
    conn = op.get_bind()
    latest: dict[str, object] = {}
    for r in conn.execute(sa.select(versions).order_by(versions.c.specialization, versions.c.version)).all():
        latest[r.specialization] = r.roles
    for code, roles in latest.items():
        conn.execute(specializations.update().where(specializations.c.code == code).values(roles=roles))
    with op.batch_alter_table("specializations") as batch:
        batch.alter_column("roles", existing_type=sa.JSON, nullable=False)
    op.drop_table("certification_requirements")
    op.drop_table("requirement_versions")
