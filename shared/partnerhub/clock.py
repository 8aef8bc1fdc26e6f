"""Business dates. ``system``: today's date; ``manual``: a date kept in the service's
database, moved forward only (``PUT /v1/admin/today``).

Moving a manual clock is a *jump*. Its target is recorded first; then the days pass one at a
time: every daily job runs for the day (``partnerhub.daily_jobs``: each job's progress committed
with that day's work, so a job never runs twice for a day, even with several replicas or after a
crash), and only then is the day recorded as the clock's date. The recorded date is therefore always a day whose work
is done. A failing job stops the jump at the day before it, with the error kept; the next jump
carries on from there, and a jump a crash interrupted is resumed when the service starts again.
A jump further than ``max_jump_days``, or past ``LATEST_DATE``, is refused before anything is
written. A jump runs as a task of the clock: a caller awaits it (``set_today``) or polls
``status()``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from partnerhub.coalesce import SharedReads
from partnerhub.daily_jobs import DailyJob, DailyJobFailed, DailyJobs
from partnerhub.db.uow import Database
from partnerhub.errors import Conflict, Problem, Unprocessable
from partnerhub.logging import get_logger
from partnerhub.settings import CLOCK_MAX_JUMP_DAYS, ServiceSettings

__all__ = ["LATEST_DATE", "Clock", "ClockStatus", "DailyJob", "DailyJobFailed"]
log = get_logger(__name__)

# a century short of date.max: the rules add validity terms, windows and grace periods to the date
LATEST_DATE = date(9899, 12, 31)
# a jump's runner renews its lease every day; once it has expired another replica may take the jump over
LEASE = timedelta(minutes=2)
BUSY = "clock-jump-running"


@dataclass(frozen=True)
class ClockStatus:
    """The clock's date and its latest jump: ``days_done`` of ``days_total`` days from where it began."""

    today: date
    mode: str
    target: date | None = None
    running: bool = False
    days_done: int = 0
    days_total: int = 0
    last_error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["today"] = self.today.isoformat()
        data["target"] = self.target.isoformat() if self.target else None
        return data


class Clock:
    def __init__(
        self,
        db: Database,
        *,
        mode: str = "system",
        start_date: date | None = None,
        jobs: Sequence[DailyJob] = (),
        progress: Callable[[date], None] | None = None,
        max_jump_days: int = CLOCK_MAX_JUMP_DAYS,
        max_jump_setting: str = "CLOCK_MAX_JUMP_DAYS",
        settings: ServiceSettings | None = None,
    ) -> None:
        self.db = db
        self.mode = mode
        self.start_date = start_date
        self.jobs = list(jobs)
        self.daily = DailyJobs(db, self.jobs, today=self.today, settings=settings)
        self.progress = progress
        self.max_jump_days = max_jump_days
        self.max_jump_setting = max_jump_setting
        self._lock = asyncio.Lock()
        self._ticker: asyncio.Task[None] | None = None
        self._jump: asyncio.Task[int] | None = None
        self._resumer: asyncio.Task[None] | None = None
        self.table = db.metadata.tables["clock_state"]
        self.job_table = db.metadata.tables["job_runs"]  # each job's last day (DailyJobs)
        self._today_query = select(self.table.c.today).where(self.table.c.id == 1)  # built once: read per request
        # a manual clock's date, read by every request: concurrent requests share one read (never one that
        # began before they arrived, so a request after a jump sees the new date)
        self._shared_reads: SharedReads[date | None] = SharedReads()

    @staticmethod
    def system_today() -> date:
        return datetime.now(UTC).date()

    async def today(self, conn: AsyncConnection | None = None) -> date:
        """The business date; inside a unit of work pass its connection (a second connection
        would wait on the unit of work's own SQLite write lock)."""
        if self.mode == "system":
            return self.system_today()
        query = self._today_query
        if conn is not None:
            value = await conn.scalar(query)
        else:
            value = await self._shared_reads(None, partial(self._read_own, query))
        return value or self.start_date or self.system_today()

    async def _read_own(self, query: Any) -> date | None:
        async with self.db.engine.connect() as own:
            return await own.scalar(query)

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

    # jumps ------------------------------------------------------------------------------------
    async def status(self) -> ClockStatus:
        if self.mode != "manual":
            return ClockStatus(today=self.system_today(), mode=self.mode)
        async with self.db.engine.connect() as conn:
            row = (await conn.execute(select(self.table).where(self.table.c.id == 1))).one_or_none()
        if row is None:
            return ClockStatus(today=await self.today(), mode=self.mode)
        return self._status_of(row)

    def _status_of(self, row: Row[Any]) -> ClockStatus:
        began = row.jump_from or row.today
        return ClockStatus(
            today=row.today,
            mode=self.mode,
            target=row.target,
            running=self._running() or _runner_alive(row),
            days_done=max(0, (row.today - began).days),
            days_total=max(0, ((row.target or row.today) - began).days),
            last_error=row.last_error,
        )

    async def check(self, new: date) -> ClockStatus:
        """Refuse a jump to ``new`` as ``start_jump`` would (409, 422), without changing anything."""
        self._require_manual()
        status = await self.status()
        if status.running:
            raise self._busy(status)
        self._refuse(new, status.today)
        return status

    async def start_jump(self, new: date) -> ClockStatus:
        """Record a jump to ``new`` and start its task; returns the status as it begins. A refusal
        (a jump running, backwards, too far, out of range) raises before anything is written."""
        self._require_manual()
        async with self._lock:
            if self._running():
                raise self._busy(await self.status())
            began = await self._record_target(new)
            self._jump = asyncio.create_task(self._run_jump(new), name=f"clock:{self.db.producer}:jump")
            self._jump.add_done_callback(_retrieve)
        log.info("clock jump started", today=began.today.isoformat(), target=new.isoformat(), days=began.days_total)
        return began

    async def wait(self) -> int:
        """Wait for the jump running in this process; the number of days whose jobs ran. A failing
        job raises ``DailyJobFailed`` (the clock stays at the day before it). Waiting is shielded:
        a caller that gives up does not stop the jump."""
        if self._jump is None:
            return 0
        return await asyncio.shield(self._jump)

    async def set_today(self, new: date) -> dict[str, object]:
        """Move a manual clock forward and wait until the daily jobs of every day passed have run."""
        began = await self.start_jump(new)
        days = await self.wait()
        return {"today": new.isoformat(), "previous": began.today.isoformat(), "days_run": days}

    def _running(self) -> bool:
        return self._jump is not None and not self._jump.done()

    def _require_manual(self) -> None:
        if self.mode != "manual":
            raise Problem("This service runs on the system clock; its date cannot be set.", status=409, slug="clock-not-manual")

    def _busy(self, status: ClockStatus) -> Conflict:
        target = status.target.isoformat() if status.target else "?"
        return Conflict(
            f"The clock is moving to {target} (at {status.today.isoformat()}, {status.days_done} of "
            f"{status.days_total} days); wait until it is done (GET /v1/admin/today), then move it again.",
            slug=BUSY,
            **status.as_dict(),
        )

    def _refuse(self, new: date, current: date) -> None:
        if new < current:
            raise Conflict(
                f"The clock never goes back: today is {current.isoformat()}, asked for {new.isoformat()}.",
                slug="clock-backwards",
                today=current.isoformat(),
            )
        if new > LATEST_DATE:
            raise Unprocessable(
                f"{new.isoformat()} is past the last date the system can represent ({LATEST_DATE.isoformat()}).",
                slug="clock-date-out-of-range",
                today=current.isoformat(),
                requested=new.isoformat(),
                latest=LATEST_DATE.isoformat(),
            )
        days = (new - current).days
        if days > self.max_jump_days:
            raise Unprocessable(
                f"The clock moves at most {self.max_jump_days} days in one jump; {new.isoformat()} is {days} days "
                f"after today ({current.isoformat()}). Move it in steps of at most {self.max_jump_days} days, "
                f"or raise the limit with the setting {self.max_jump_setting}.",
                slug="clock-jump-too-far",
                today=current.isoformat(),
                requested=new.isoformat(),
                days=days,
                max_jump_days=self.max_jump_days,
                setting=self.max_jump_setting,
            )

    async def _record_target(self, new: date) -> ClockStatus:
        async with self.db.uow() as uow:
            stmt = select(self.table).where(self.table.c.id == 1)
            row = (await uow.conn.execute(self.db.for_update(stmt))).one()
            if _runner_alive(row):  # another replica is moving it
                raise self._busy(self._status_of(row))
            self._refuse(new, row.today)
            await uow.conn.execute(
                update(self.table)
                .where(self.table.c.id == 1)
                .values(target=new, jump_from=row.today, last_error=None, lease_until=datetime.now(UTC) + LEASE)
            )
            await uow.commit()
        return ClockStatus(today=row.today, mode=self.mode, target=new, running=True, days_total=(new - row.today).days)

    async def _run_jump(self, target: date) -> int:
        try:
            days = await self._run_days(target, record=True)
        except asyncio.CancelledError:
            await self._end_jump(None)  # stopped, not failed: the next start resumes it
            raise
        except Exception as exc:
            log.error("clock jump stopped; the clock stays at the last day done", target=target.isoformat(), error=str(exc))
            await self._end_jump(str(exc))
            raise
        await self._end_jump(None)
        log.info("clock jump done", today=target.isoformat(), days_run=days)
        return days

    async def _end_jump(self, error: str | None) -> None:
        with contextlib.suppress(Exception):  # the lease expires on its own if this fails
            async with self.db.uow() as uow:
                await uow.conn.execute(
                    update(self.table).where(self.table.c.id == 1).values(lease_until=None, last_error=error)
                )
                await uow.commit()

    async def _record_day(self, day: date) -> None:
        """The day's jobs all committed: it becomes the clock's date (never moving it back)."""
        async with self.db.uow() as uow:
            await uow.conn.execute(
                update(self.table)
                .where(self.table.c.id == 1, self.table.c.today < day)
                .values(today=day, lease_until=datetime.now(UTC) + LEASE)
            )
            await uow.commit()

    # daily jobs -------------------------------------------------------------------------------
    async def run_due_jobs(self, today: date | None = None) -> int:
        """Run every job for every day up to today not yet run; returns the number of days run."""
        return await self._run_days(today or await self.today(), record=False)

    async def _run_days(self, through: date, *, record: bool) -> int:
        """Each day not yet run up to ``through``: every job, then (``record``) the day as the clock's date;
        returns the number of days run."""
        days = 0
        day = await self.daily.first_due(through)
        while day is not None and day <= through:
            await self.daily.run_day(day)
            if record:
                await self._record_day(day)
            if self.progress:
                self.progress(day)
            days += 1
            day += timedelta(days=1)
        if record:
            await self._record_day(through)
        return days

    # lifecycle --------------------------------------------------------------------------------
    async def start(self) -> None:
        """System clock: check every minute whether the date moved. Manual clock: carry on with a
        jump that a crash or a stop interrupted (not one that a failing job stopped)."""
        if self.mode == "system" and self.jobs and self._ticker is None:
            self._ticker = asyncio.create_task(self._tick(), name=f"clock:{self.db.producer}")
        if self.mode == "manual" and self._resumer is None:
            self._resumer = asyncio.create_task(self._resume(), name=f"clock:{self.db.producer}:resume")

    async def stop(self) -> None:
        for task in (self._ticker, self._resumer, self._jump):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._ticker = self._resumer = self._jump = None

    async def _resume(self) -> None:
        while not self._running():
            async with self.db.engine.connect() as conn:
                row = (await conn.execute(select(self.table).where(self.table.c.id == 1))).one_or_none()
            if row is None or row.target is None or row.target <= row.today or row.last_error is not None:
                return
            now = datetime.now(UTC)
            if row.lease_until is None or row.lease_until <= now:
                log.warning("resuming an interrupted clock jump", today=row.today.isoformat(), target=row.target.isoformat())
                try:
                    await self.start_jump(row.target)
                    return
                except Problem as exc:
                    if exc.slug != BUSY:  # e.g. the limit was lowered since: it waits for a new PUT
                        log.error("interrupted clock jump not resumed", error=exc.detail)
                        return
            wait = (row.lease_until - now).total_seconds() if row.lease_until else 0.0
            await asyncio.sleep(min(max(wait, 1.0), 60.0))

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


def _runner_alive(row: Row[Any]) -> bool:
    """An unfinished jump whose runner (maybe another replica) still holds its lease."""
    return (
        row.target is not None
        and row.target > row.today
        and row.last_error is None
        and row.lease_until is not None
        and row.lease_until > datetime.now(UTC)
    )


def _retrieve(task: asyncio.Task[int]) -> None:
    """A jump nobody awaits (202) still has its error retrieved (it is logged and kept in the table)."""
    if not task.cancelled():
        task.exception()
