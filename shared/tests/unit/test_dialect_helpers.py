"""The dialect differences live on the Database (issue "the house"): row locks, SKIP LOCKED, snapshots,
writer counts. Use cases call these and never branch on the dialect themselves."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Column, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import create_async_engine

from partnerhub.db.platform import new_metadata
from partnerhub.db.uow import Database

REPO = Path(__file__).resolve().parents[3]


def _db(url: str) -> tuple[Database, Table]:
    metadata = new_metadata()
    things = Table("things", metadata, Column("key", String, primary_key=True))
    return Database(create_async_engine(url), metadata, "probe"), things


def test_for_update_locks_on_postgresql_and_is_a_plain_read_on_sqlite() -> None:
    pg, things = _db("postgresql+asyncpg://u@localhost/x")
    lite, _ = _db("sqlite+aiosqlite:///:memory:")
    query = select(things)
    assert str(pg.for_update(query, skip_locked=True).compile(dialect=postgresql.dialect())).endswith("FOR UPDATE SKIP LOCKED")
    assert str(pg.for_update(query, read=True).compile(dialect=postgresql.dialect())).endswith("FOR SHARE")
    assert "FOR" not in str(lite.for_update(query).compile(dialect=sqlite.dialect()))
    assert (pg.concurrent_writers(4), lite.concurrent_writers(4)) == (4, 1)


def test_no_use_case_branches_on_the_dialect() -> None:
    branch = re.compile(r"\.dialect\s*[!=]=")
    found = [
        f"{path.relative_to(REPO)}:{n}"
        for path in (REPO / "services").rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if branch.search(line)
    ]
    assert found == [], f"dialect branches outside the platform: {found}"
