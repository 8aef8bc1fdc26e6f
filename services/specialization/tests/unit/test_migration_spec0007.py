"""spec0007 (SP-3): existing specializations' roles become their version 1, partners are judged by it; data kept."""

from __future__ import annotations

from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import JSON, create_engine, text

from partnerhub.db.migrations import alembic_config, migrate
from specialization.app import SERVICE

ROLES = {"AM": [{"certification": None, "exams": ["700-001"]}]}


async def test_sp3_spec0007_existing_roles_become_version_1_and_back(tmp_path) -> None:
    path = tmp_path / "spec.db"
    url = f"sqlite+aiosqlite:///{path}"
    await migrate("specialization", SERVICE.migrations_dir, url, revision="spec0006")
    engine = create_engine(f"sqlite:///{path}")
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO specializations (code, name, level, roles, updated_at) VALUES ('S1', 'One', 'express', :roles, :now)"),
            {"roles": JSON().bind_processor(conn.dialect)(ROLES), "now": now},
        )
        conn.execute(
            text(
                "INSERT INTO partner_specializations (be_geo_id, specialization, status, compliant, approved_on, anniversary, "
                "period_start, submitted, updated_at) VALUES ('BG1', 'S1', 'approved', 1, :d, :a, :d, 0, :now)"
            ),
            {"d": date(2027, 1, 15), "a": date(2028, 1, 15), "now": now},
        )
    await migrate("specialization", SERVICE.migrations_dir, url)
    with engine.connect() as conn:
        version = conn.execute(text("SELECT specialization, version, effective_on, roles FROM requirement_versions")).one()
        assert (version[0], version[1], version[2]) == ("S1", 1, None) and JSON().result_processor(conn.dialect, None)(version[3]) == ROLES
        assert conn.execute(text("SELECT requirements_version FROM partner_specializations")).scalar_one() == 1
        assert conn.execute(text("SELECT name FROM specializations")).scalar_one() == "One"

    def down(sync_conn) -> None:  # type: ignore[no-untyped-def]
        cfg = alembic_config(SERVICE.migrations_dir, url)
        cfg.attributes["connection"] = sync_conn
        command.downgrade(cfg, "spec0006")

    with engine.begin() as conn:
        down(conn)
    with engine.connect() as conn:
        roles = conn.execute(text("SELECT roles FROM specializations WHERE code = 'S1'")).scalar_one()
        assert JSON().result_processor(conn.dialect, None)(roles) == ROLES
    engine.dispose()
