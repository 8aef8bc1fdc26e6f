"""Database.copy_rows and the outbox written through it: the same rows on both dialects, and a
duplicate key fails the whole unit of work (nothing half-written), on real PostgreSQL and SQLite."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import JSON, Boolean, Column, Date, Integer, String, Table, func, select
from sqlalchemy.exc import IntegrityError

from partnerhub.bus.contracts import ExamPassed
from partnerhub.db.engine import ensure_database, make_engine
from partnerhub.db.platform import new_metadata
from partnerhub.db.types import UtcDateTime
from partnerhub.db.uow import Database

metadata = new_metadata()
things = Table(
    "things",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("n", Integer, nullable=False),
    Column("on_day", Date, nullable=False),
    Column("flag", Boolean, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("at", UtcDateTime(), nullable=False),
)
COLUMNS = ("id", "n", "on_day", "flag", "tags", "at")


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'copy.db'}"
    else:
        url = request.getfixturevalue("databases").new_url("copy")
        await ensure_database(url)
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    database = Database(engine, metadata, producer="probe")
    yield database
    await database.dispose()


async def test_copy_rows_writes_plain_tuples_with_json_text_and_aware_datetimes(db: Database) -> None:
    at = datetime(2026, 3, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    records = [(f"t{i}", i, date(2026, 1, 1 + i), i % 2 == 0, json.dumps(["ENT", f"x{i}"]), at) for i in range(5)]
    async with db.uow() as uow:
        await db.copy_rows(uow.conn, things, COLUMNS, records)  # the first statement of the transaction
        uow.emit(ExamPassed(cco_id="ann", exam_number="A1", passed_on=date(2026, 1, 1), result_id="r1"))
        await uow.commit()
    async with db.engine.connect() as conn:
        rows = (await conn.execute(select(things).order_by(things.c.n))).all()
        outbox = (await conn.execute(select(db.outbox.c.type, db.outbox.c.envelope))).all()
    assert [(r.id, r.n, r.on_day, r.flag, r.tags) for r in rows] == [
        (f"t{i}", i, date(2026, 1, 1 + i), i % 2 == 0, ["ENT", f"x{i}"]) for i in range(5)
    ]
    assert all(r.at == datetime(2026, 3, 1, 10, 30, tzinfo=UTC) for r in rows)
    assert [(t, e["payload"]["cco_id"], e["key"]) for t, e in outbox] == [("certification.exam.passed.v1", "ann", "ann")]


async def test_a_duplicate_key_fails_the_unit_of_work_and_writes_nothing(db: Database) -> None:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    async with db.uow() as uow:
        await db.copy_rows(uow.conn, things, COLUMNS, [("dup", 1, date(2026, 1, 1), True, "[]", at)])
        await uow.commit()
    with pytest.raises(IntegrityError):
        async with db.uow() as uow:
            uow.emit(ExamPassed(cco_id="bob", exam_number="A1", passed_on=date(2026, 1, 1), result_id="r2"))
            await db.copy_rows(
                uow.conn, things, COLUMNS,
                [("new", 2, date(2026, 1, 2), True, "[]", at), ("dup", 3, date(2026, 1, 3), False, "[]", at)],
            )
            await uow.commit()
    async with db.engine.connect() as conn:
        assert (await conn.execute(select(things.c.id))).scalars().all() == ["dup"]
        assert await conn.scalar(select(func.count()).select_from(db.outbox)) == 0
