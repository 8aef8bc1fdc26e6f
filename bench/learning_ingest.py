"""Benchmark: N completions through POST /v1/completions (batches of 1,000) while the consumers
credit partners (people move between partners during the run: CL-8 reconciliation).

Prints completions/s accepted, the time until every credit is visible in the CL View after the
last batch, and the peak memory (RSS) of the process (service + client; in-process HTTP, no network).
Target (issue 5): 200,000 completions at >= 2,000/s, CL View caught up within 30 s.

    .venv/bin/python bench/learning_ingest.py --small                    # 20,000, standalone (SQLite)
    .venv/bin/python bench/learning_ingest.py --count 200000 --mode distributed   # PostgreSQL + RabbitMQ
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import psutil

from learning.app import SERVICE
from partnerhub.bus.contracts import MembershipEnded, MembershipStarted, StatusChanged
from partnerhub.bus.envelope import Envelope
from partnerhub.testing import scratch_servers, start_system

ACTIVITY_MINUTES = 60  # 2 points each
START = date(2026, 1, 1)
MOVE_ON = date(2026, 6, 1)


async def run(args: argparse.Namespace) -> None:
    activities = args.activities
    people = max(1, -(-args.count // activities))
    partners = [f"BG{p:03d}" for p in range(args.partners)]
    home = {f"u{i:06d}": partners[i % len(partners)] for i in range(people)}
    movers = list(home)[:: max(1, int(1 / args.move_share))] if args.move_share > 0 else []
    tmp = Path(tempfile.mkdtemp(prefix="bench-learning-"))
    async with contextlib.AsyncExitStack() as stack:
        extra = await stack.enter_async_context(scratch_servers(args.database_url, args.rabbitmq_url)) if args.mode == "distributed" else {}
        proc = psutil.Process(os.getpid())
        peak = proc.memory_info().rss
        async with start_system([SERVICE], args.mode, tmp_path=tmp, start_date=MOVE_ON, data_dir=tmp / "data", log_level="WARNING", publish_timeout=30.0, **extra) as system:
            runtime, client, staff = system.runtimes["learning"], system.clients["learning"], system.staff()
            lms = system.token("bench.lms", "system")
            for a in range(activities):
                body = {"title": f"A{a}", "kind": "online_course", "duration_minutes": ACTIVITY_MINUTES, "specializations": ["ENT"]}
                assert (await client.put(f"/v1/activities/A{a}", json=body, headers=staff)).status_code == 200
                assert (await client.post(f"/v1/activities/A{a}/publish", headers=staff)).status_code == 200
            setup = [
                Envelope.wrap(StatusChanged(be_geo_id=p, specialization="ENT", status="approved", level="advanced_architecture",
                                            anniversary=date(2026, 12, 31), period_start=START, period_end=date(2026, 12, 31),
                                            points_required=100), producer="specialization")
                for p in partners
            ] + [Envelope.wrap(MembershipStarted(cco_id=c, be_geo_id=p, started_on=START), producer="identity") for c, p in home.items()]
            t0 = time.perf_counter()
            for i in range(0, len(setup), 1000):
                await runtime.transport.publish(setup[i : i + 1000])
            await wait_for(lambda: members_applied(runtime, len(home)), 600)
            print(f"setup: {activities} activities, {len(partners)} partners, {len(home):,} members ({time.perf_counter() - t0:.1f}s)")

            def batch(k0: int) -> list[dict]:
                items = []
                for k in range(k0, min(k0 + args.batch, args.count)):
                    person, act = divmod(k, activities)
                    day = START + timedelta(days=k % 150)
                    items.append({"external_id": f"c{k}", "cco_id": f"u{person:06d}", "activity_id": f"A{act}",
                                  "action": "completed", "occurred_at": f"{day.isoformat()}T12:00:00Z"})
                return items

            starts = list(range(0, args.count, args.batch))
            queue: asyncio.Queue[int] = asyncio.Queue()
            for s in starts:
                queue.put_nowait(s)
            latencies: list[float] = []
            earned = 0

            async def sender() -> None:
                nonlocal earned
                while not queue.empty():
                    k0 = queue.get_nowait()
                    t = time.perf_counter()
                    r = await client.post("/v1/completions", json={"items": batch(k0)}, headers=lms, timeout=300)
                    latencies.append(time.perf_counter() - t)
                    assert r.status_code == 200, r.text
                    earned += r.json()["earned"]

            async def moves() -> None:  # identity events arriving during the ingest
                for c in movers:
                    old, new = home[c], partners[(partners.index(home[c]) + 1) % len(partners)]
                    pair = [
                        Envelope.wrap(MembershipEnded(cco_id=c, be_geo_id=old, started_on=START, ended_on=MOVE_ON), producer="identity"),
                        Envelope.wrap(MembershipStarted(cco_id=c, be_geo_id=new, started_on=MOVE_ON), producer="identity"),
                    ]
                    for attempt in range(5):  # at least once, as the outbox relay would
                        try:
                            await runtime.transport.publish(pair)
                            break
                        except Exception:
                            if attempt == 4:
                                raise
                            await asyncio.sleep(1)
                    await asyncio.sleep(args.move_gap)

            async def sample() -> None:
                nonlocal peak
                while True:
                    peak = max(peak, proc.memory_info().rss)
                    await asyncio.sleep(0.2)

            sampler = asyncio.create_task(sample())
            mover = asyncio.create_task(moves())
            t_start = time.perf_counter()
            await asyncio.gather(*(sender() for _ in range(args.concurrency)))
            t_ingest = time.perf_counter() - t_start
            await mover
            # every completion credits its home partner; a mover's entries (all earned before the move) also credit the new one
            per_person = {c: sum(1 for k in range(args.count) if k // activities == int(c[1:])) for c in movers}
            expected = 2 * args.count + 2 * sum(per_person.values())
            t_last = time.perf_counter()

            async def caught_up() -> bool:
                total = 0
                for p in partners:
                    r = await client.get(f"/v1/partners/{p}/cl-view", headers=staff, params={"people_limit": 0})
                    total += r.json()["specializations"][0]["points_earned"]
                return total == expected

            await wait_for(caught_up, 600)
            t_visible = time.perf_counter() - t_last
            sampler.cancel()
            latencies.sort()
            print(f"mode: {args.mode}  completions: {args.count:,} in batches of {args.batch}, {args.concurrency} in flight; "
                  f"{len(movers):,} people moved partners during the run")
            print(f"accepted: {earned:,} earned in {t_ingest:.1f}s = {args.count / t_ingest:,.0f} completions/s")
            print(f"batch latency: p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, p99 {latencies[int(len(latencies) * 0.99) - 1 if len(latencies) > 1 else 0] * 1000:.0f} ms")
            print(f"CL View caught up {t_visible:.2f}s after the last batch (expected total {expected:,} points across {len(partners)} partners)")
            backlog = await runtime.relay.backlog()
            print(f"outbox backlog when the CL View had caught up: {backlog:,} events still to publish")
            if args.drain_timeout > 0 and backlog:
                t_drain, left = time.perf_counter(), backlog
                while left and time.perf_counter() - t_drain < args.drain_timeout:
                    await asyncio.sleep(2)
                    left = await runtime.relay.backlog()
                    sys.stderr.write(f"\r  outbox: {left:,} left to publish   ")
                sys.stderr.write("\n")
                took = time.perf_counter() - t_drain
                if left:
                    print(f"outbox not drained after {took:.0f}s: {left:,} events left ({(backlog - left) / took:,.0f} events/s)")
                else:
                    print(f"outbox drained {time.perf_counter() - t_last:.1f}s after the last batch "
                          f"(the backlog of {backlog:,} published at {backlog / took:,.0f} events/s)")
            print(f"peak RSS: {peak / 1e6:.0f} MB (ru_maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB)")

async def members_applied(runtime, n: int) -> bool:
    from sqlalchemy import func, select

    from learning.tables import memberships

    async with runtime.db.engine.connect() as conn:
        return (await conn.scalar(select(func.count()).select_from(memberships))) >= n


async def wait_for(check, timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if await check():
            return
        await asyncio.sleep(0.1)
    raise TimeoutError("condition not met")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--small", action="store_true", help="20,000 completions")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--activities", type=int, default=20, help="people = count / activities")
    parser.add_argument("--partners", type=int, default=20)
    parser.add_argument("--move-share", type=float, default=0.02, help="share of people who change partner during the run")
    parser.add_argument("--move-gap", type=float, default=0.01, help="seconds between two moves")
    parser.add_argument("--drain-timeout", type=float, default=900, help="seconds to wait for the outbox to empty (0: don't)")
    parser.add_argument("--mode", choices=["standalone", "distributed"], default="standalone")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--rabbitmq-url", default=os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/"))
    args = parser.parse_args()
    if args.small:
        args.count = 20_000
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
