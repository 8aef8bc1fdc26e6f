"""The clocks of every service in one process (standalone), moved to one date one after the other.

Order matters: a service projects other services' facts from their events, and its daily jobs
read those projections (specialization's compliance reads the badges certification expires, every
service reads identity's memberships). So the services move in the system's order (identity,
certification, learning, specialization, notify: producers before the services that project their
facts), and each one's daily jobs have all committed before the next one moves.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from datetime import date
from typing import Any

from partnerhub.clock import Clock, DailyJobFailed
from partnerhub.errors import Conflict, Problem


class Clocks:
    def __init__(self, clocks: Mapping[str, Clock]) -> None:
        self.clocks = dict(clocks)
        self._task: asyncio.Task[dict[str, Any]] | None = None
        self._target: date | None = None
        self._from: dict[str, date] = {}
        self._moving: str | None = None
        self._error: str | None = None
        self._lock = asyncio.Lock()

    def _running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self, new: date) -> int:
        """Check every clock first (a refusal moves none), then move them in the background;
        returns the longest jump among them, in days."""
        async with self._lock:
            if self._running():
                raise Conflict(
                    f"The clocks are moving to {self._target}; wait until they are done (GET /v1/admin/today).",
                    slug="clock-jump-running",
                    **await self.status(),
                )
            starts = {name: await clock.check(new) for name, clock in self.clocks.items()}
            self._target, self._error, self._moving = new, None, None
            self._from = {name: status.today for name, status in starts.items()}
            self._task = asyncio.create_task(self._move(new), name="clocks:jump")
            self._task.add_done_callback(lambda t: t.cancelled() or t.exception())
        return max(((new - s.today).days for s in starts.values()), default=0)

    async def wait(self) -> dict[str, Any]:
        """Each service's result, once the last one's daily jobs are done (shielded: the move goes on
        if the caller gives up). A failing daily job is a 500 problem naming the service."""
        if self._task is None:
            return {}
        try:
            return await asyncio.shield(self._task)
        except DailyJobFailed as exc:
            raise Problem(
                f"{self._error}. The services after it were not moved; fix the cause and move the clocks again to resume.",
                status=500,
                slug="clock-jobs-failed",
                title="Daily jobs failed",
                **await self.status(),
            ) from exc

    async def _move(self, new: date) -> dict[str, Any]:
        results: dict[str, Any] = {}
        for name, clock in self.clocks.items():
            self._moving = name
            try:
                results[name] = await clock.set_today(new)
            except Exception as exc:
                self._error = f"{name}: {getattr(exc, 'detail', None) or exc}"
                raise
        self._moving = None
        return results

    async def status(self) -> dict[str, Any]:
        """The earliest date among the services, the jump's progress summed over them, and each one's status."""
        services = {name: await clock.status() for name, clock in self.clocks.items()}
        target = self._target
        done = total = 0
        if target is not None:
            for name, status in services.items():
                began = self._from.get(name, status.today)
                done += max(0, (status.today - began).days)
                total += max(0, (target - began).days)
        return {
            "today": min((s.today for s in services.values()), default=date.min).isoformat(),
            "target": target.isoformat() if target else None,
            "running": self._running(),
            "moving": self._moving if self._running() else None,
            "days_done": done,
            "days_total": total,
            "last_error": self._error,
            "services": {name: status.as_dict() for name, status in services.items()},
        }

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        self._task = None
