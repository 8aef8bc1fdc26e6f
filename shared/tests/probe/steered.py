"""A daily job a test steers, in a probe service of its own (for the clock's tests)."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date, timedelta

from partnerhub.clock import DailyJob
from partnerhub.db.uow import UnitOfWork
from partnerhub.service import ServiceDefinition
from probe import PROBE


class SteeredJob:
    """A daily job that records the days it ran, fails on the days in ``fail_on``, and waits at ``hold``."""

    def __init__(self) -> None:
        self.days: list[date] = []
        self.fail_on: set[date] = set()
        self.hold: date | None = None
        self.held = asyncio.Event()
        self.go_on = asyncio.Event()

    async def run(self, uow: UnitOfWork, day: date) -> None:
        if day == self.hold:
            self.held.set()
            await self.go_on.wait()
        if day in self.fail_on:
            raise RuntimeError(f"the test fails {day.isoformat()}")
        self.days.append(day)

    def definition(self, name: str = "probe") -> ServiceDefinition:
        """The probe service with this job as its only daily job."""
        return dataclasses.replace(PROBE, name=name, jobs=(DailyJob("steered", self.run),))


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
