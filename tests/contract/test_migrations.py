"""Every service's Alembic history produces exactly the tables its tables.py declares
(SQLite here; the PostgreSQL path runs in every distributed integration test)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from partnerhub.db.migrations import migrate
from partnerhub.registry import discover

SERVICES = discover()


@pytest.mark.parametrize("name", sorted(SERVICES))
async def test_migrations_match_tables(name: str, tmp_path) -> None:
    service = SERVICES[name]
    path = tmp_path / f"{name}.db"
    await migrate(name, service.migrations_dir, f"sqlite+aiosqlite:///{path}")
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), service.metadata)
    engine.dispose()
    assert diff == [], f"{name}: migrations and tables.py differ"
