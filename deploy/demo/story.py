"""The demo storyline for ``partnerhub standalone`` (``make run``), run once after every service's seed.

It drives the public HTTP API of the in-process app (httpx ASGITransport) as program staff and moves the
manual clock, following ``story.json``: a year of the program in a few seconds, ending with a partner on
target, one behind, one in grace, one that lost its specialization, a person who moved and a merged
duplicate. The seeds only load each service's own data; everything that crosses services here flows
through the bus as in real use.
"""

from __future__ import annotations

import asyncio
import calendar
import json
import re
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from partnerhub.logging import get_logger

log = get_logger("demo.story")

STORY = Path(__file__).with_name("story.json")
RETRY_SECONDS = 30.0
PLACEHOLDER = re.compile(r"\{(d|t|y|year):(-?\d+)\}")
PDF = b"%PDF-1.4\n% Cisco Live certificate of attendance (demo)\n%%EOF\n"


def one_year_after(day: date) -> date:
    last = calendar.monthrange(day.year + 1, day.month)[1]
    return day.replace(year=day.year + 1, day=min(day.day, last))


def fill(value: Any, first: date) -> Any:
    """Replace the date placeholders in every string of ``value``."""
    if isinstance(value, str):

        def one(m: re.Match[str]) -> str:
            kind, n = m.group(1), int(m.group(2))
            if kind == "y":
                return (one_year_after(first) + timedelta(days=n)).isoformat()
            day = first + timedelta(days=n)
            if kind == "t":
                return f"{day.isoformat()}T10:00:00Z"
            return str(day.year) if kind == "year" else day.isoformat()

        return PLACEHOLDER.sub(one, value)
    if isinstance(value, list):
        return [fill(v, first) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, first) for k, v in value.items()}
    return value


async def settle(system: Any, timeout: float = 20.0) -> None:
    """Wait until every service's outbox is published, then a moment for the consumers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = 0
        for runtime in system.runtimes.values():
            outbox = runtime.db.outbox
            async with runtime.db.engine.connect() as conn:
                pending += int(
                    await conn.scalar(select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None)))
                    or 0
                )
        if not pending:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.4)


class Story:
    def __init__(self, system: Any, client: httpx.AsyncClient, first: date) -> None:
        self.system, self.client, self.first = system, client, first
        self.staff = {"Authorization": f"Bearer {system.staff_token()}"}

    async def call(self, method: str, path: str, body: Any) -> httpx.Response:
        """One call, retried while the facts it needs are still on the bus (404/409/422 at first)."""
        deadline = time.monotonic() + RETRY_SECONDS
        while True:
            r = await self._send(method, path, body)
            if r.status_code < 300 or time.monotonic() > deadline or r.status_code not in (404, 409, 422):
                break
            await asyncio.sleep(0.3)
        if r.status_code >= 300:
            raise RuntimeError(f"demo story: {method} {path} answered {r.status_code}: {r.text[:500]}")
        return r

    async def _send(self, method: str, path: str, body: Any) -> httpx.Response:
        if method == "XAPI":
            return await self.client.post(
                path, json=body, headers={**self.staff, "X-Experience-API-Version": "1.0.3"}
            )
        if method == "PROOF":
            submitted = await self.client.post(
                path, data=body, files={"file": ("certificate.pdf", PDF, "application/pdf")}, headers=self.staff
            )
            if submitted.status_code != 201:
                return submitted
            return await self.client.post(f"{path}/{submitted.json()['proof_id']}/accept", json={}, headers=self.staff)
        return await self.client.request(method, path, json=body, headers=self.staff)

    async def move_clock(self, day: date) -> None:
        r = await self.client.put("/v1/admin/today", params={"wait": "true"}, json={"date": day.isoformat()}, headers=self.staff, timeout=600)
        if r.status_code != 200:
            raise RuntimeError(f"demo story: moving the clock to {day}: {r.status_code} {r.text[:300]}")

    async def play(self, steps: list[dict[str, Any]]) -> None:
        for step in steps:
            day = step["day"]
            when = date.fromisoformat(fill(day, self.first)) if isinstance(day, str) else self.first + timedelta(days=day)
            if when > self.first or step is not steps[0]:
                await settle(self.system)
                await self.move_clock(when)
            log.info("demo story", day=when.isoformat(), step=step.get("note", ""))
            for method, path, body in step["calls"]:
                await self.call(method, path, fill(body, self.first))
        await settle(self.system)


async def run(system: Any) -> None:
    """Play ``story.json`` against a started ``partnerhub.standalone.Standalone`` (once, at its first start)."""
    started = time.monotonic()
    steps = json.loads(STORY.read_text())["steps"]
    transport = httpx.ASGITransport(app=system.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://demo", timeout=120) as client:
        first = next(iter(system.runtimes.values())).clock
        story = Story(system, client, await first.today())
        probe = await client.get("/identity/v1/partners/100003", headers=story.staff)
        if probe.status_code == 200:
            log.info("demo story already played")
            return
        await story.play(steps)
    log.info("demo story played", seconds=round(time.monotonic() - started, 1))
