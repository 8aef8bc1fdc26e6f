"""The Alembic history produces exactly the tables of tables.py (SQLite here; PostgreSQL in integration)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from learning.app import SERVICE
from learning.tables import metadata
from partnerhub.db.migrations import migrate


async def test_migrations_match_tables(tmp_path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'learning.db'}"
    await migrate("learning", SERVICE.migrations_dir, url)
    engine = create_engine(f"sqlite:///{tmp_path / 'learning.db'}")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
    engine.dispose()
    assert diff == []
