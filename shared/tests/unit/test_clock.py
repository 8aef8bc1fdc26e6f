"""The clock: manual dates move forward only; daily jobs run once per day passed, in order."""

from __future__ import annotations

from datetime import date

import pytest

from partnerhub.clock import Clock, DailyJob
from partnerhub.db.engine import make_engine
from partnerhub.db.migrations import migrate
from partnerhub.db.uow import Database
from partnerhub.errors import Conflict
from probe import PROBE


@pytest.fixture
async def db(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'clock.db'}"
    await migrate("probe", PROBE.migrations_dir, url)
    database = Database(make_engine(url), PROBE.metadata, producer="probe")
    yield database
    await database.dispose()


async def test_jump_runs_every_job_for_every_day_in_order(db) -> None:
    seen: list[tuple[str, date]] = []

    def job(name: str) -> DailyJob:
        async def run(uow, day: date) -> None:
            seen.append((name, day))

        return DailyJob(name, run)

    clock = Clock(db, mode="manual", start_date=date(2027, 2, 26), jobs=[job("a"), job("b")])
    await clock.initialise()
    assert await clock.today() == date(2027, 2, 26)
    result = await clock.set_today(date(2027, 3, 1))
    assert result["days_run"] == 4  # 26 Feb (today, not yet run), 27, 28, 1 Mar
    assert seen == [
        (n, d) for d in (date(2027, 2, 26), date(2027, 2, 27), date(2027, 2, 28), date(2027, 3, 1)) for n in "ab"
    ]
    seen.clear()
    await clock.set_today(date(2027, 3, 1))  # same day again: nothing more
    assert seen == []


async def test_clock_never_goes_back(db) -> None:
    clock = Clock(db, mode="manual", start_date=date(2027, 1, 10))
    await clock.initialise()
    with pytest.raises(Conflict, match="never goes back"):
        await clock.set_today(date(2027, 1, 9))
    assert await clock.today() == date(2027, 1, 10)


async def test_a_failing_job_day_is_run_again_not_skipped(db) -> None:
    calls: list[date] = []
    fail_on = {date(2027, 1, 3)}

    async def run(uow, day: date) -> None:
        calls.append(day)
        if day in fail_on:
            raise RuntimeError("boom")

    clock = Clock(db, mode="manual", start_date=date(2027, 1, 1), jobs=[DailyJob("j", run)])
    await clock.initialise()
    with pytest.raises(RuntimeError):
        await clock.set_today(date(2027, 1, 5))
    assert calls == [date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)]
    fail_on.clear()
    await clock.run_due_jobs()
    assert calls[3:] == [date(2027, 1, 3), date(2027, 1, 4), date(2027, 1, 5)]


async def test_system_clock_cannot_be_set(db) -> None:
    clock = Clock(db, mode="system")
    with pytest.raises(Exception, match="system clock"):
        await clock.set_today(date(2030, 1, 1))


async def test_sqlite_reads_do_not_wait_for_an_open_unit_of_work(db) -> None:
    """A read on another connection while a unit of work holds SQLite's write lock returns at once."""
    import asyncio

    from sqlalchemy import select

    async with db.uow() as uow:
        await uow.conn.execute(db.metadata.tables["clock_state"].insert().values(id=7, today=date(2027, 1, 1)))
        async with db.engine.connect() as reader:
            rows = await asyncio.wait_for(reader.execute(select(db.metadata.tables["clock_state"])), 2)
            assert all(r.id != 7 for r in rows), "uncommitted rows are not visible to the reader"
        await uow.commit()
