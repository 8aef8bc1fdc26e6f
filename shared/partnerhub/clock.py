"""Business dates. ``system``: today's date; ``manual``: a date kept in the service's
database, moved forward only (``PUT /v1/admin/today``). When the date moves, the
service's daily jobs run once for every day passed, in order, day by day; each
job's progress is recorded with the day's work in one transaction, so a job
never runs twice for a day, even with several replicas or after a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from partnerhub.db.uow import Database, UnitOfWork
from partnerhub.errors import Conflict, Problem
from partnerhub.logging import get_logger

log = get_logger(__name__)

JobFn = Callable[[UnitOfWork, date], Awaitable[None]]


@dataclass(frozen=True)
class DailyJob:
    name: str
    run: JobFn


class Clock:
    def __init__(
        self,
        db: Database,
        *,
        mode: str = "system",
        start_date: date | None = None,
        jobs: Sequence[DailyJob] = (),
        progress: Callable[[date], None] | None = None,
    ) -> None:
        self.db = db
        self.mode = mode
        self.start_date = start_date
        self.jobs = list(jobs)
        self.progress = progress
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self.table = db.metadata.tables["clock_state"]
        self.job_table = db.metadata.tables["job_runs"]

    @staticmethod
    def system_today() -> date:
        return datetime.now(UTC).date()

    async def today(self, conn: AsyncConnection | None = None) -> date:
        """The business date; inside a unit of work pass its connection (a second connection
        would wait on the unit of work's own SQLite write lock)."""
        if self.mode == "system":
            return self.system_today()
        query = select(self.table.c.today).where(self.table.c.id == 1)
        if conn is not None:
            value = await conn.scalar(query)
        else:
            async with self.db.engine.connect() as own:
                value = await own.scalar(query)
        return value or self.start_date or self.system_today()

    async def initialise(self) -> None:
        """Record the manual clock's first date and each job's starting point (yesterday)."""
        today = await self.today()
        async with self.db.uow() as uow:
            if self.mode == "manual":
                stmt = self.db.insert_ignoring_duplicates(self.table).values(id=1, today=today)
                await uow.conn.execute(stmt)
            for job in self.jobs:
                stmt = self.db.insert_ignoring_duplicates(self.job_table).values(
                    job=job.name, last_day=today - timedelta(days=1)
                )
                await uow.conn.execute(stmt)
            await uow.commit()

    async def set_today(self, new: date) -> dict[str, object]:
        """Move a manual clock forward and run the daily jobs for each day passed."""
        if self.mode != "manual":
            raise Problem("This service runs on the system clock; its date cannot be set.", status=409, slug="clock-not-manual")
        async with self._lock:
            current = await self.today()
            if new < current:
                raise Conflict(
                    f"The clock never goes back: today is {current.isoformat()}, asked for {new.isoformat()}.",
                    slug="clock-backwards",
                    today=current.isoformat(),
                )
            async with self.db.uow() as uow:
                await uow.conn.execute(update(self.table).where(self.table.c.id == 1).values(today=new))
                await uow.commit()
            days = await self.run_due_jobs(new)
        return {"today": new.isoformat(), "previous": current.isoformat(), "days_run": days}

    async def run_due_jobs(self, today: date | None = None) -> int:
        """Run every job for every day up to today not yet run; returns the number of days run."""
        today = today or await self.today()
        if not self.jobs:
            return 0
        async with self.db.engine.connect() as conn:
            rows = (await conn.execute(select(self.job_table))).all()
        last = {row.job: row.last_day for row in rows}
        first_day = min((last.get(j.name, today - timedelta(days=1)) for j in self.jobs), default=today)
        day = first_day + timedelta(days=1)
        days = 0
        while day <= today:
            for job in self.jobs:
                await self._run_job_for(job, day)
            if self.progress:
                self.progress(day)
            days += 1
            day += timedelta(days=1)
        return days

    async def _run_job_for(self, job: DailyJob, day: date) -> None:
        async with self.db.uow() as uow:
            stmt = select(self.job_table.c.last_day).where(self.job_table.c.job == job.name)
            if self.db.dialect == "postgresql":
                stmt = stmt.with_for_update()
            last_day = await uow.conn.scalar(stmt)
            if last_day is None:
                await uow.conn.execute(self.job_table.insert().values(job=job.name, last_day=day - timedelta(days=1)))
                last_day = day - timedelta(days=1)
            if last_day >= day:
                return  # another replica ran it
            if last_day < day - timedelta(days=1):
                raise RuntimeError(f"job {job.name} would skip days: last run {last_day}, asked for {day}")
            await job.run(uow, day)
            await uow.conn.execute(
                update(self.job_table).where(self.job_table.c.job == job.name).values(last_day=day)
            )
            await uow.commit()

    def start(self) -> None:
        """With the system clock, check every minute whether the date moved."""
        if self.mode == "system" and self.jobs and self._task is None:
            self._task = asyncio.create_task(self._tick(), name=f"clock:{self.db.producer}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _tick(self) -> None:
        while True:
            try:
                async with self._lock:
                    await self.run_due_jobs()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.error("daily jobs failed; will retry", error=repr(exc))
            await asyncio.sleep(60)
