"""Benchmark: the specialization anniversary job over N partner specializations.

Two figures (ISSUE 6): a day with 1,000 anniversaries (plus the day's ordinary share of windows opening and
anniversaries), and a 365-day jump of the manual clock (the job runs for every day). Wall time and peak memory.
Target at 100,000 specializations: the day < 5 s, the year < 5 minutes.

    .venv/bin/python bench/specialization_anniversary.py [--count 100000] [--small] [--database-url URL]

Half the specializations have their points (renewed), half are short (grace, then lost 11 days later).
Each has three role holders and one credit. The outbox rows are written, nothing is published (no relay).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from partnerhub.clock import Clock
from partnerhub.db.engine import make_engine
from partnerhub.db.migrations import migrate
from partnerhub.db.uow import Database
from specialization.app import SERVICE
from specialization.domain import lifecycle as lc
from specialization.domain.calendar import add_years
from specialization.jobs import JOBS
from specialization.settings import SpecializationSettings
from specialization.tables import (
    allocations,
    credits,
    metadata,
    partner_specializations,
    requirement_versions,
    specializations,
)

BIG_DAY = date(2030, 4, 10)  # 1,000 anniversaries on this day
BIG = 1_000


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def populate(db: Database, count: int) -> None:
    now = datetime.now(UTC)
    rules = lc.Rules()
    async with db.uow() as uow:
        await uow.conn.execute(
            specializations.insert().values(code="ADV-X", name="Bench", level="advanced_architecture", updated_at=now)
        )
        await uow.conn.execute(
            requirement_versions.insert().values(
                specialization="ADV-X", version=1, effective_on=None, created_at=now,
                roles={"AM": [{"exams": ["1"]}], "SE": [{"exams": ["2"]}], "FE": [{"exams": ["3"]}]},
            )
        )
        await uow.commit()
    batch = 10_000
    for offset in range(0, count, batch):
        ps_rows, alloc_rows, credit_rows = [], [], []
        for i in range(offset, min(count, offset + batch)):
            anniversary = BIG_DAY if i < BIG else BIG_DAY + timedelta(days=1 + i % 365)
            approved_on = add_years(anniversary, -1)
            be = f"BG{i:07d}"
            state = lc.SpecState("approved", approved_on, anniversary, approved_on, be_geo_id=be, specialization="ADV-X")
            if BIG_DAY >= lc.window_opens_on(state, rules):
                state = lc.SpecState(
                    "renewal_window", approved_on, anniversary, approved_on, be_geo_id=be, specialization="ADV-X"
                )
            points = 100 if i % 2 == 0 else 50
            ps_rows.append(
                {"be_geo_id": be, "specialization": "ADV-X", "compliant": True, "updated_at": now, "requirements_version": 1,
                 **{k: v for k, v in _values(state, BIG_DAY, rules, points).items()}}
            )
            for role in ("AM", "SE", "FE"):
                alloc_rows.append({"be_geo_id": be, "specialization": "ADV-X", "role": role, "cco_id": f"{be}-{role}",
                                   "started_on": approved_on, "at_risk_sent": False})
            credit_rows.append({"credit_id": f"c{i}", "specialization": "ADV-X", "be_geo_id": be, "cco_id": f"{be}-AM",
                                "activity_id": "act", "points": points,
                                "earned_on": approved_on + timedelta(days=10)})
        async with db.uow() as uow:
            await uow.conn.execute(partner_specializations.insert(), ps_rows)
            await uow.conn.execute(allocations.insert(), alloc_rows)
            await uow.conn.execute(credits.insert(), credit_rows)
            await uow.commit()


def _values(state: lc.SpecState, today: date, rules: lc.Rules, points: int) -> dict:
    from specialization.repository import state_values

    values = state_values(state)
    values["next_check_on"] = lc.next_check_on(state, today, rules)
    values["icon"] = lc.icon(state, points, 100, today, rules)  # SP-13: as announced, and when it next changes
    values["icon_check_on"] = lc.icon_changes_on(state, points, 100, today, rules)
    return values


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000, help="partner specializations (default 100,000)")
    parser.add_argument("--small", action="store_true", help="10,000 specializations")
    parser.add_argument("--database-url", default="", help="default: a SQLite file in a temporary folder")
    args = parser.parse_args()
    count = 10_000 if args.small else args.count
    folder = tempfile.mkdtemp(prefix="spec-bench-")
    url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'specialization.db'}"
    await migrate("specialization", SERVICE.migrations_dir, url)
    db = Database(make_engine(url), metadata, producer="specialization")
    settings = SpecializationSettings(database_url=url)
    clock = Clock(db, mode="manual", start_date=BIG_DAY, jobs=JOBS, settings=settings)  # the jobs' uow.today()/settings
    await clock.initialise()

    started = time.perf_counter()
    await populate(db, count)
    print(f"populated {count:,} partner specializations (3 role holders, 1 credit each) in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    await clock.set_today(BIG_DAY + timedelta(days=1))
    day = time.perf_counter() - started
    async with db.engine.connect() as conn:
        events_day = await conn.scalar(select(func.count()).select_from(db.outbox))
    print(f"day with {BIG:,} anniversaries (+ the day's share of {count:,}): {day:.2f} s, {events_day:,} events; "
          f"target < 5 s at 100,000")

    started = time.perf_counter()
    await clock.set_today(BIG_DAY + timedelta(days=366))
    year = time.perf_counter() - started
    async with db.engine.connect() as conn:
        events = await conn.scalar(select(func.count()).select_from(db.outbox))
        by_status = dict(
            (await conn.execute(
                select(partner_specializations.c.status, func.count()).group_by(partner_specializations.c.status)
            )).all()
        )
    print(f"365-day jump: {year:.1f} s ({year / 365 * 1000:.0f} ms/day), {events - events_day:,} events; target < 300 s at 100,000")
    print(f"statuses after the year: {by_status}")
    print(f"peak memory (max RSS): {peak_mb():.0f} MB; database: {url.split('///')[-1] if 'sqlite' in url else 'PostgreSQL'}")
    await db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
