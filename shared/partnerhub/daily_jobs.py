"""A service's daily jobs, run one day at a time. Each job's progress (its last day, in ``job_runs``)
is committed with that day's work, so a job never runs twice for a day, even with several replicas
or after a crash, and never skips one. The clock decides which days pass (``partnerhub.clock``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, update

from partnerhub.db.uow import Database, TodaySource, UnitOfWork
from partnerhub.settings import ServiceSettings

JobFn = Callable[[UnitOfWork, date], Awaitable[None]]


@dataclass(frozen=True)
class DailyJob:
    name: str
    run: JobFn


class DailyJobFailed(RuntimeError):
    """A daily job raised; the clock stays at the day before ``day``."""

    def __init__(self, job: str, day: date, error: BaseException) -> None:
        super().__init__(f"daily job {job} failed on {day.isoformat()}: {type(error).__name__}: {error}")
        self.job = job
        self.day = day


class DailyJobs:
    def __init__(
        self,
        db: Database,
        jobs: Sequence[DailyJob],
        *,
        today: TodaySource | None = None,
        settings: ServiceSettings | None = None,
    ) -> None:
        self.db = db
        self.today = today  # the clock: a job's ``uow.today()``
        self.settings = settings  # the service's settings: a job's ``uow.settings``
        self.jobs = list(jobs)
        self.table = db.metadata.tables["job_runs"]

    async def first_due(self, through: date) -> date | None:
        """The first day some job has not run yet (None without jobs)."""
        if not self.jobs:
            return None
        async with self.db.engine.connect() as conn:
            rows = (await conn.execute(select(self.table))).all()
        last = {row.job: row.last_day for row in rows}
        return min(last.get(j.name, through - timedelta(days=1)) for j in self.jobs) + timedelta(days=1)

    async def run_day(self, day: date) -> None:
        """Every job for ``day``, in order, each in a unit of work of its own; ``DailyJobFailed`` if one raises."""
        for job in self.jobs:
            await self._run_job_for(job, day)

    async def _run_job_for(self, job: DailyJob, day: date) -> None:
        async with self.db.uow(today=self.today, settings=self.settings) as uow:
            stmt = select(self.table.c.last_day).where(self.table.c.job == job.name)
            last_day = await uow.conn.scalar(self.db.for_update(stmt))
            if last_day is None:
                await uow.conn.execute(self.table.insert().values(job=job.name, last_day=day - timedelta(days=1)))
                last_day = day - timedelta(days=1)
            if last_day >= day:
                return  # another replica ran it
            if last_day < day - timedelta(days=1):
                raise RuntimeError(f"job {job.name} would skip days: last run {last_day}, asked for {day}")
            try:
                await job.run(uow, day)
            except Exception as exc:
                raise DailyJobFailed(job.name, day, exc) from exc
            await uow.conn.execute(
                update(self.table).where(self.table.c.job == job.name).values(last_day=day)
            )
            await uow.commit()
