"""Throughput of the platform's event path on the real servers, against raw aio-pika in the same run:

- platform: commit (state + outbox) → relay (publisher confirms) → RabbitMQ → consumer (inbox + handler, batched);
- raw: aio-pika alone publishes the same number of same-size persistent messages with publisher confirms
  (``--raw-in-flight`` unconfirmed at a time) to a quorum queue and consumes them with manual acks
  (prefetch as the platform's, one ack per message), publishing and consuming side by side.

    .venv/bin/python bench/platform_bus.py [--count 20000] [--rounds 2] [--batch 100] [--consumer-batch 100]

Rounds alternate which path goes first; each round uses a throw-away PostgreSQL database and RabbitMQ
vhost and removes them. Prints events/s for both, their ratio (median of the rounds) and the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

sys.path.insert(0, str(Path(__file__).parents[1] / "shared" / "tests"))

from sqlalchemy import func, select  # noqa: E402

from partnerhub.bus.envelope import Envelope  # noqa: E402
from partnerhub.db.engine import drop_database  # noqa: E402
from partnerhub.service import ServiceRuntime  # noqa: E402
from probe import PROBE, ItemCreated, applied, create_items  # noqa: E402

BROKER = "amqp://guest:guest@127.0.0.1:5672/"
EVENT = "probe.item.created.v1"


@dataclass
class Figures:
    path: str
    count: int
    seconds: float  # from the first commit (or publish) until the last event was applied (or acked)
    published_at: float  # when the last event was confirmed
    cpu: float  # this process's CPU seconds over the round
    load: float

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    def line(self) -> str:
        return (
            f"  {self.path:8s} {self.rate:8.0f} events/s  all published {self.published_at:5.1f} s, "
            f"all applied {self.seconds:5.1f} s, CPU {self.cpu * 1e6 / self.count:5.0f} µs/event, "
            f"load {self.load:.1f}"
        )


@asynccontextmanager
async def vhost() -> AsyncIterator[str]:
    """A throw-away vhost (the default one, with unique names, where rabbitmqctl is not at hand)."""
    name = f"ph-bench-{uuid.uuid4().hex[:8]}"
    ctl = shutil.which("rabbitmqctl")
    if not ctl:
        yield BROKER
        return
    subprocess.run([ctl, "-q", "add_vhost", name], check=True)
    subprocess.run([ctl, "-q", "set_permissions", "-p", name, "guest", ".*", ".*", ".*"], check=True)
    try:
        yield f"{BROKER}{name}"
    finally:
        subprocess.run([ctl, "-q", "delete_vhost", name], check=False)


def sample_body(i: int = 0) -> bytes:
    return Envelope.wrap(ItemCreated(key=f"k{i}"), producer="probe").to_bytes()


async def raw_round(count: int, prefetch: int, in_flight: int) -> Figures:
    """aio-pika alone: persistent, mandatory, confirmed publishes; a consumer with manual acks."""
    async with vhost() as amqp:
        publishing, consuming = await aio_pika.connect(amqp), await aio_pika.connect(amqp)
        try:
            return await _raw_flow(publishing, consuming, count, prefetch, in_flight)
        finally:
            await publishing.close()
            await consuming.close()


async def _raw_flow(
    publishing: aio_pika.abc.AbstractConnection, consuming: aio_pika.abc.AbstractConnection,
    count: int, prefetch: int, in_flight: int,
) -> Figures:
    publisher = await publishing.channel(publisher_confirms=True)
    exchange = await publisher.declare_exchange("raw.events", aio_pika.ExchangeType.TOPIC, durable=True)
    channel = await consuming.channel()
    await channel.set_qos(prefetch_count=prefetch)
    queue = await channel.declare_queue("raw.queue", durable=True, arguments={"x-queue-type": "quorum"})
    await queue.bind(exchange, routing_key=EVENT)
    received, done = 0, asyncio.Event()

    async def on_message(message: AbstractIncomingMessage) -> None:
        nonlocal received
        await message.ack()
        received += 1
        if received >= count:
            done.set()

    cpu0, t0 = _cpu(), time.perf_counter()
    await queue.consume(on_message, no_ack=False)
    window = asyncio.Semaphore(in_flight)

    async def publish(i: int) -> None:
        async with window:
            message = aio_pika.Message(
                sample_body(i), content_type="application/json", delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=str(uuid.uuid4()), type=EVENT,
            )
            await exchange.publish(message, routing_key=EVENT, mandatory=True, timeout=30)

    await asyncio.gather(*(publish(i) for i in range(count)))
    published_at = time.perf_counter() - t0
    await done.wait()
    return Figures("raw", count, time.perf_counter() - t0, published_at, _cpu() - cpu0, os.getloadavg()[0])


async def platform_round(count: int, batch: int, consumer_batch: int, prefetch: int) -> Figures:
    db_url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/ph_bench_{uuid.uuid4().hex[:8]}"
    async with vhost() as amqp:
        settings = PROBE.settings_cls(
            database_url=db_url, rabbitmq_url=amqp, namespace=f"b{uuid.uuid4().hex[:6]}.", clock="manual",
            consumer_batch_size=consumer_batch, prefetch=prefetch, log_level="WARNING",
        )
        runtime = ServiceRuntime(PROBE, settings, own_lifespan=False)
        await runtime.start()
        try:
            return await _platform_flow(runtime, count, batch)
        finally:
            await runtime.stop()
            await drop_database(db_url)


async def _platform_flow(runtime: ServiceRuntime, count: int, batch: int) -> Figures:
    keys = [f"k{i}" for i in range(count)]
    sem = asyncio.Semaphore(8)

    async def commit(chunk: list[str]) -> None:
        async with sem:
            await create_items(runtime.db, chunk)

    cpu0, t0 = _cpu(), time.perf_counter()
    committing = asyncio.gather(*(commit(keys[i : i + batch]) for i in range(0, count, batch)))
    published_at: float | None = None
    while True:
        await asyncio.sleep(0.1)
        if published_at is None and runtime.metrics.published.labels("probe", EVENT)._value.get() >= count:
            published_at = time.perf_counter() - t0
        async with runtime.db.engine.connect() as conn:
            done = await conn.scalar(select(func.count()).select_from(applied))
        if done >= count:
            break
    seconds = time.perf_counter() - t0
    await committing
    duplicates = runtime.metrics.duplicates.labels("probe", EVENT)._value.get()
    if duplicates:
        print(f"  ({duplicates:.0f} duplicates skipped by the inbox)")
    return Figures("platform", count, seconds, published_at or seconds, _cpu() - cpu0, os.getloadavg()[0])


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def main(args: argparse.Namespace) -> None:
    print(
        f"{args.count} events of {len(sample_body())} bytes, {args.rounds} rounds; platform: {args.batch} per commit, "
        f"consumer batch {args.consumer_batch}, prefetch {args.prefetch}; raw: {args.raw_in_flight} confirms in flight"
    )
    print(f"load average at start {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}")
    results: dict[str, list[Figures]] = {"raw": [], "platform": []}
    for r in range(args.rounds):
        order = ["raw", "platform"] if r % 2 == 0 else ["platform", "raw"]
        print(f"round {r + 1}")
        for path in order:
            if path == "raw":
                figures = await raw_round(args.count, args.prefetch, args.raw_in_flight)
            else:
                figures = await platform_round(args.count, args.batch, args.consumer_batch, args.prefetch)
            results[path].append(figures)
            print(figures.line(), flush=True)
    raw = statistics.median(f.rate for f in results["raw"])
    platform = statistics.median(f.rate for f in results["platform"])
    ratios = [p.rate / q.rate for p, q in zip(results["platform"], results["raw"], strict=True)]
    print(f"median   raw {raw:.0f} events/s, platform {platform:.0f} events/s, ratio {platform / raw:.2f} "
          f"(per round: {', '.join(f'{x:.2f}' for x in ratios)})")
    print(f"load average at end {os.getloadavg()[0]:.1f}; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2, help="rounds of raw and platform, alternating which goes first")
    parser.add_argument("--batch", type=int, default=100, help="events per producing transaction")
    parser.add_argument("--consumer-batch", type=int, default=100, help="1 = one event per consumer transaction")
    parser.add_argument("--prefetch", type=int, default=200, help="unacknowledged messages per consumer (both paths)")
    parser.add_argument("--raw-in-flight", type=int, default=500, help="raw publishes awaiting their confirm at a time")
    asyncio.run(main(parser.parse_args()))
