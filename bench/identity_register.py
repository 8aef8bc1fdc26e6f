"""Benchmark: register individuals through the identity API with concurrent clients.

    .venv/bin/python bench/identity_register.py                       # 100,000 registrations, SQLite
    .venv/bin/python bench/identity_register.py --count 2000 --small
    .venv/bin/python bench/identity_register.py --backend postgres    # a fresh PostgreSQL database

The service runs in this process (migrations, outbox relay on the in-process bus) and is called
over HTTP semantics through httpx's ASGI transport, so the figures are the service's own cost
(routing, validation, auth, one transaction with its outbox row), not a network's.
Prints requests/s and p50/p99 latency.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from identity.app import SERVICE
from partnerhub.auth import mint_token
from partnerhub.bus.inprocess import InProcessBroker, InProcessTransport
from partnerhub.db.engine import drop_database
from partnerhub.service import ServiceRuntime


async def run(count: int, concurrency: int, database_url: str) -> None:
    settings = SERVICE.settings_cls(
        database_url=database_url, bus="inprocess", clock="manual", environment="test", log_level="WARNING"
    )
    runtime = ServiceRuntime(SERVICE, settings, transport=InProcessTransport(InProcessBroker()), own_lifespan=False)
    await runtime.start()
    headers = {"Authorization": f"Bearer {mint_token(settings, 'bench', ['system'], ttl_seconds=6 * 3600)}"}
    latencies: list[float] = []
    failures = 0
    run_id = uuid.uuid4().hex[:6]
    next_index = iter(range(count))

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal failures
        for i in next_index:
            body = {"cco_id": f"b{run_id}{i:07d}", "name": f"Bench Person {i}", "email": f"p{i}@bench.example"}
            started = time.perf_counter()
            response = await client.post("/v1/individuals", json=body, headers=headers)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 201:
                failures += 1
            done = len(latencies)
            if done % max(1, count // 20) == 0:  # progress, every 5 %
                elapsed = time.perf_counter() - wall_started
                print(f"  ... {done:,}/{count:,}  {done / elapsed:7.1f} req/s", file=sys.stderr, flush=True)

    transport = httpx.ASGITransport(app=runtime.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://identity.bench") as client:
        wall = wall_started = time.perf_counter()
        await asyncio.gather(*(client_loop(client) for _ in range(concurrency)))
        wall = time.perf_counter() - wall
    await runtime.stop()

    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    backend = make_url(database_url).get_backend_name()
    print(f"identity registration benchmark  ({count:,} registrations, {concurrency} concurrent clients, {backend})")
    print(f"  wall time        {wall:9.1f} s")
    print(f"  throughput       {count / wall:9.1f} requests/s")
    print(f"  latency p50      {p50:9.1f} ms")
    print(f"  latency p99      {p99:9.1f} ms")
    print(f"  failures         {failures:9d}")
    print(f"  peak memory      {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:9.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000, help="registrations (default 100,000)")
    parser.add_argument("--small", action="store_true", help="a quick run: 2,000 registrations")
    parser.add_argument("--concurrency", type=int, default=10, help="concurrent clients (default 10)")
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--postgres-server",
        default=os.environ.get("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL server URL; a fresh database is created on it and dropped afterwards",
    )
    args = parser.parse_args()
    count = 2_000 if args.small else args.count
    if args.backend == "postgres":
        url = (
            make_url(args.postgres_server)
            .set(database=f"ph_bench_identity_{uuid.uuid4().hex[:8]}")
            .render_as_string(hide_password=False)
        )
        try:
            asyncio.run(run(count, args.concurrency, url))
        finally:
            asyncio.run(drop_database(url))
        return
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(count, args.concurrency, f"sqlite+aiosqlite:///{Path(folder) / 'identity.db'}"))


if __name__ == "__main__":
    main()
