"""Benchmark: GET /v1/partners/{be_geo_id}/cl-view for a partner with many members and entries.

The ledger (entries, their specializations, partner credits) and the memberships are bulk-loaded
straight into the service's tables; then a specialization.status.changed event makes the service
build the CL View totals (timed), and the view is requested repeatedly: p50/p99 latency (JSON,
top 100 people per group) and the full CSV export.
Target (issue 5): 10,000 members and 500,000 entries, p99 under 100 ms.

    .venv/bin/python bench/learning_clview.py --small                     # 1,000 members, 50,000 entries
    .venv/bin/python bench/learning_clview.py --members 10000 --entries 500000 --mode distributed
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from learning.app import SERVICE
from learning.tables import credits, entries, entry_specializations, memberships, people, periods
from partnerhub.bus.contracts import StatusChanged
from partnerhub.bus.envelope import Envelope
from partnerhub.testing import scratch_servers, start_system

PARTNER = "BG-BENCH"
START, END = date(2026, 1, 1), date(2026, 12, 31)


async def load(runtime, members: int, total: int, activities: int) -> None:
    now = datetime.now(UTC)
    ids = [f"m{i:06d}" for i in range(members)]
    async with runtime.db.uow() as uow:
        await uow.conn.execute(people.insert(), [{"cco_id": c, "name": f"Member {c}"} for c in ids])
        leavers = set(ids[:: 10])  # one in ten has left: the Previous Employee group
        await uow.conn.execute(
            memberships.insert(),
            [{"cco_id": c, "be_geo_id": PARTNER, "started_on": date(2025, 1, 1), "ended_on": date(2026, 3, 1) if c in leavers else None} for c in ids],
        )
        await uow.commit()
    per_person = -(-total // members)
    batch_e, batch_s, batch_c = [], [], []

    async def flush() -> None:
        async with runtime.db.uow() as uow:
            await uow.conn.execute(entries.insert(), batch_e)
            await uow.conn.execute(entry_specializations.insert(), batch_s)
            await uow.conn.execute(credits.insert(), batch_c)
            await uow.commit()
        batch_e.clear(), batch_s.clear(), batch_c.clear()

    n = 0
    for c in ids:
        for a in range(per_person):
            if n >= total:
                break
            entry_id = str(uuid.uuid4())
            earned = START + timedelta(days=(n * 7) % 365)
            spec = ["ENT", "SEC"][n % 2]
            batch_e.append({"entry_id": entry_id, "cco_id": c, "earned_by": c, "activity_id": f"A{a % activities}-{a}", "source": "api",
                            "source_ref": entry_id, "points": 1 + n % 5, "earned_on": earned, "specializations": [spec],
                            "mandatory_for": [], "voided": False, "recorded_at": now})
            batch_s.append({"entry_id": entry_id, "specialization": spec})
            batch_c.append({"be_geo_id": PARTNER, "entry_id": entry_id, "cco_id": c, "activity_id": f"A{a % activities}-{a}",
                            "points": 1 + n % 5, "earned_on": earned, "active": True, "updated_at": now})
            n += 1
            if len(batch_e) >= 10_000:
                await flush()
    if batch_e:
        await flush()


async def run(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-clview-"))
    async with contextlib.AsyncExitStack() as stack:
        extra = await stack.enter_async_context(scratch_servers(args.database_url, args.rabbitmq_url)) if args.mode == "distributed" else {}
        await measure(args, tmp, extra)


async def measure(args: argparse.Namespace, tmp: Path, extra: dict) -> None:
    async with start_system([SERVICE], args.mode, tmp_path=tmp, start_date=date(2026, 9, 1), data_dir=tmp / "data", log_level="WARNING", **extra) as system:
        runtime, client, staff = system.runtimes["learning"], system.clients["learning"], system.staff()
        t = time.perf_counter()
        await load(runtime, args.members, args.entries, 50)
        print(f"loaded {args.members:,} members and {args.entries:,} entries/credits in {time.perf_counter() - t:.1f}s")
        t = time.perf_counter()
        await runtime.transport.publish([
            Envelope.wrap(StatusChanged(be_geo_id=PARTNER, specialization=s, status="approved", level="advanced_architecture",
                                        anniversary=END, period_start=START, period_end=END, points_required=100), producer="specialization")
            for s in ("ENT", "SEC")
        ])
        while True:
            async with runtime.db.engine.connect() as conn:
                from sqlalchemy import func, select

                done = await conn.scalar(select(func.count()).select_from(periods).where(periods.c.be_geo_id == PARTNER, periods.c.status.is_not(None)))
            if done == 2:
                break
            await asyncio.sleep(0.05)
        print(f"CL View totals built from the credits (2 specializations) in {time.perf_counter() - t:.2f}s")
        # a bulk load leaves no planner statistics; in production autovacuum/ANALYZE keeps them
        from sqlalchemy import text

        async with runtime.db.engine.connect() as conn:
            await conn.execute(text("ANALYZE"))
            await conn.commit()
        for _ in range(5):  # warm up
            await client.get(f"/v1/partners/{PARTNER}/cl-view", headers=staff)
        latencies = []
        for _ in range(args.requests):
            t = time.perf_counter()
            r = await client.get(f"/v1/partners/{PARTNER}/cl-view", headers=staff)
            latencies.append(time.perf_counter() - t)
            assert r.status_code == 200
        body = r.json()
        latencies.sort()
        p = lambda q: latencies[min(len(latencies) - 1, int(len(latencies) * q))] * 1000  # noqa: E731
        print(f"mode: {args.mode}  partner with {body['members']:,} current members; "
              + ", ".join(f"{s['specialization']}: {s['points_earned']:,} points, {s['previous_employees']['total']:,} previous employees" for s in body["specializations"]))
        print(f"GET cl-view (JSON, 100 people per group) x{args.requests}: p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms, max {latencies[-1] * 1000:.1f} ms")
        t = time.perf_counter()
        r = await client.get(f"/v1/partners/{PARTNER}/cl-view", headers={**staff, "Accept": "text/csv"})
        print(f"CSV export: {r.text.count(chr(10)):,} lines, {len(r.content) / 1e6:.1f} MB in {(time.perf_counter() - t) * 1000:.0f} ms")
        print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--small", action="store_true", help="1,000 members, 50,000 entries")
    parser.add_argument("--mode", choices=["standalone", "distributed"], default="standalone")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--rabbitmq-url", default=os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/"))
    args = parser.parse_args()
    if args.small:
        args.members, args.entries = 1_000, 50_000
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
