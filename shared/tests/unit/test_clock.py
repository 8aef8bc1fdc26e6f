"""The clock: manual dates move forward only; daily jobs run once per day passed, in order."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from partnerhub.clock import LATEST_DATE, Clock, DailyJob, DailyJobFailed
from partnerhub.db.engine import make_engine
from partnerhub.db.migrations import migrate
from partnerhub.db.uow import Database
from partnerhub.errors import Conflict, Unprocessable
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
    with pytest.raises(DailyJobFailed, match="daily job j failed on 2027-01-03: RuntimeError: boom"):
        await clock.set_today(date(2027, 1, 5))
    assert calls == [date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)]
    status = await clock.status()
    assert status.today == date(2027, 1, 2), "the failing day is not recorded as reached"
    assert status.target == date(2027, 1, 5) and not status.running
    assert status.last_error is not None and "2027-01-03" in status.last_error
    fail_on.clear()
    result = await clock.set_today(date(2027, 1, 5))  # moving again resumes from the last day done
    assert calls[3:] == [date(2027, 1, 3), date(2027, 1, 4), date(2027, 1, 5)]
    assert result == {"today": "2027-01-05", "previous": "2027-01-02", "days_run": 3}
    assert (await clock.status()).last_error is None


async def test_a_day_is_recorded_only_once_its_jobs_committed(db) -> None:
    seen: list[tuple[date, date]] = []

    async def run(uow, day: date) -> None:
        seen.append((day, await uow.today()))

    clock = Clock(db, mode="manual", start_date=date(2027, 1, 1), jobs=[DailyJob("j", run)])
    await clock.initialise()
    await clock.set_today(date(2027, 1, 4))
    # the first day is the start date (already the clock's date); every later day runs on the day before
    assert seen == [(date(2027, 1, 1), date(2027, 1, 1))] + [
        (date(2027, 1, d), date(2027, 1, d - 1)) for d in (2, 3, 4)
    ]
    assert await clock.today() == date(2027, 1, 4)


async def test_a_jump_beyond_the_limit_is_refused_and_changes_nothing(db) -> None:
    ran: list[date] = []

    async def run(uow, day: date) -> None:
        ran.append(day)

    clock = Clock(db, mode="manual", start_date=date(2027, 1, 1), jobs=[DailyJob("j", run)], max_jump_days=10)
    await clock.initialise()
    with pytest.raises(Unprocessable, match="at most 10 days") as refused:
        await clock.set_today(date(2027, 1, 12))
    assert refused.value.slug == "clock-jump-too-far" and refused.value.extensions["setting"] == "CLOCK_MAX_JUMP_DAYS"
    with pytest.raises(Unprocessable, match="past the last date") as out_of_range:
        await clock.set_today(date(9999, 12, 31))
    assert out_of_range.value.slug == "clock-date-out-of-range"
    status = await clock.status()
    assert (status.today, status.target, status.running, ran) == (date(2027, 1, 1), None, False, [])
    await clock.set_today(date(2027, 1, 11))  # exactly the limit
    assert await clock.today() == date(2027, 1, 11)


async def test_the_last_representable_date_is_reached_without_overflow(db) -> None:
    clock = Clock(db, mode="manual", start_date=LATEST_DATE - timedelta(days=2), jobs=[DailyJob("j", _nothing)])
    await clock.initialise()
    assert (await clock.set_today(LATEST_DATE))["days_run"] == 3
    assert await clock.today() == LATEST_DATE


async def _nothing(uow, day: date) -> None:
    return None


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
