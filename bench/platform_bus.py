"""Throughput of the platform's event path on the real servers:
commit (state + outbox) → relay (publisher confirms) → RabbitMQ → consumer (inbox + handler, batched).

    .venv/bin/python bench/platform_bus.py [--count 20000] [--batch 100] [--consumer-batch 100]

Creates a throw-away PostgreSQL database and RabbitMQ vhost, prints figures, removes both.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "shared" / "tests"))

from sqlalchemy import func, select  # noqa: E402

from partnerhub.db.engine import drop_database  # noqa: E402
from partnerhub.service import ServiceRuntime  # noqa: E402
from probe import PROBE, applied, create_items  # noqa: E402


async def main(count: int, batch: int, consumer_batch: int) -> None:
    db_url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/ph_bench_{uuid.uuid4().hex[:8]}"
    vhost = f"ph-bench-{uuid.uuid4().hex[:8]}"
    ctl = shutil.which("rabbitmqctl")
    if ctl:
        subprocess.run([ctl, "-q", "add_vhost", vhost], check=True)
        subprocess.run([ctl, "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"], check=True)
        amqp = f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
    else:
        amqp = "amqp://guest:guest@127.0.0.1:5672/"
    settings = PROBE.settings_cls(
        database_url=db_url, rabbitmq_url=amqp, namespace=f"b{uuid.uuid4().hex[:6]}.", clock="manual",
        consumer_batch_size=consumer_batch, log_level="WARNING",
    )
    runtime = ServiceRuntime(PROBE, settings, own_lifespan=False)
    await runtime.start()
    try:
        keys = [f"k{i}" for i in range(count)]
        print(f"{count} events, {batch} per commit, consumer batch {consumer_batch}")
        t0 = time.perf_counter()
        sem = asyncio.Semaphore(8)

        async def commit(chunk: list[str]) -> None:
            async with sem:
                await create_items(runtime.db, chunk)

        await asyncio.gather(*(commit(keys[i : i + batch]) for i in range(0, count, batch)))
        t_committed = time.perf_counter() - t0
        print(f"  committed      {count / t_committed:8.0f} events/s  ({t_committed:.1f} s)")
        next_report = 0.0
        while True:
            async with runtime.db.engine.connect() as conn:
                done = await conn.scalar(select(func.count()).select_from(applied))
            now = time.perf_counter() - t0
            if now >= next_report or done >= count:
                published = runtime.metrics.published.labels("probe", "probe.item.created.v1")._value.get()
                print(f"  {now:6.1f} s  published {published:7.0f}  applied {done:7d}/{count}", flush=True)
                next_report = now + 2.0
            if done >= count:
                break
            await asyncio.sleep(0.2)
        total = time.perf_counter() - t0
        print(f"  end to end     {count / total:8.0f} events/s  ({total:.1f} s until every event was applied)")
        print(f"  published      {runtime.metrics.published.labels('probe', 'probe.item.created.v1')._value.get():.0f}")
        print(f"  duplicates     {runtime.metrics.duplicates.labels('probe', 'probe.item.created.v1')._value.get():.0f}")
        print(f"  peak RSS       {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    finally:
        await runtime.stop()
        await drop_database(db_url)
        if ctl:
            subprocess.run([ctl, "-q", "delete_vhost", vhost], check=False)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=100, help="events per producing transaction")
    parser.add_argument("--consumer-batch", type=int, default=100, help="1 = one event per consumer transaction")
    args = parser.parse_args()
    asyncio.run(main(args.count, args.batch, args.consumer_batch))
