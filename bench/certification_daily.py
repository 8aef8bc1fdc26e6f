"""Benchmark: the certification daily job over N badges on PostgreSQL — one day, then a 365-day jump.

    .venv/bin/python bench/certification_daily.py [--count N] [--small]

Creates a scratch database (dropped afterwards unless --keep), inserts N badges with expiries
spread over the next three years (mixed kinds, a tenth Representative CQS), then moves a manual
clock through the platform's Clock exactly as PUT /v1/admin/today does: one day, then 365 days
(the job runs once per day passed). Prints wall time, days/s, events emitted, peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from certification.app import SERVICE
from certification.domain.reminders import next_reminder
from certification.tables import badges
from partnerhub.clock import Clock
from partnerhub.db.uow import Database
from partnerhub.testing import scratch_database

DEFAULT_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
START = date(2025, 1, 1)
KINDS = [("CCNA", "associate", 36), ("CCNP", "professional", 36), ("CCIE-RS", "expert", 24),
         ("CSE", "sales_expert", 36), ("CQS-IPT-DS", "cqs_specialist", 24), ("CQS-IPT-AM", "cqs_representative", 24)]


async def insert_badges(db: Database, count: int) -> None:
    rng = random.Random(11)
    now = datetime.now(UTC)
    batch = []
    for i in range(count):
        code, kind, months = KINDS[i % len(KINDS)] if i % 10 else KINDS[5]
        expires = START + timedelta(days=rng.randrange(1, 3 * 365))
        achieved = expires - timedelta(days=months * 30)
        upcoming = next_reminder(kind, "active", expires, {6} if expires - START < timedelta(days=180) else ())
        batch.append({
            "cco_id": f"p{i:07d}", "certification": code, "kind": kind, "status": "active", "achieved_on": achieved,
            "renewed_on": None, "expires_on": expires, "extension_reason": None,
            "next_reminder_on": upcoming[0] if upcoming else None, "next_reminder_months": upcoming[1] if upcoming else None,
            "updated_at": now,
        })
        if len(batch) == 20_000:
            async with db.uow() as uow:
                await uow.conn.execute(badges.insert(), batch)
                await uow.commit()
            batch = []
    if batch:
        async with db.uow() as uow:
            await uow.conn.execute(badges.insert(), batch)
            await uow.commit()


async def count_events(db: Database) -> dict[str, int]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(select(db.outbox.c.type, func.count()).group_by(db.outbox.c.type))
        return {t.split(".")[1] + "." + t.split(".")[2]: n for t, n in rows}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--small", action="store_true", help="20,000 badges")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    count = 20_000 if args.small else args.count
    async with scratch_database(SERVICE, os.environ.get("DATABASE_URL", DEFAULT_SERVER), keep=args.keep) as db:
        t0 = time.perf_counter()
        await insert_badges(db, count)
        print(f"inserted {count:,} badges in {time.perf_counter() - t0:.1f}s")
        clock = Clock(db, mode="manual", start_date=START, jobs=SERVICE.jobs)
        await clock.initialise()
        await clock.set_today(START)  # the first day takes the backlog of reminders already due
        backlog = await count_events(db)
        print(f"first day (backlog): events {backlog}")
        started = time.perf_counter()
        await clock.set_today(START + timedelta(days=1))
        one_day = time.perf_counter() - started
        after_one = await count_events(db)
        print(f"one day: {one_day:.2f}s  events {after_one}")  # cumulative counts
        started = time.perf_counter()
        result = await clock.set_today(START + timedelta(days=1 + args.days))
        jump = time.perf_counter() - started
        events = await count_events(db)
        print(f"{args.days}-day jump: {jump:.1f}s  ({result['days_run']} days, {result['days_run'] / jump:.1f} days/s)")
        print(f"  events after the jump: {events}  ({sum(events.values()) - sum(after_one.values()):,} in the jump, "
              f"{(sum(events.values()) - sum(after_one.values())) / jump:,.0f} events/s)")
        print(f"  peak memory (max RSS) {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    asyncio.run(main())
