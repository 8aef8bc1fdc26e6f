"""Benchmark: N certification reminder events into a local SMTP sink (aiosmtpd).

Phase 1 feeds the events through the notify consumer (inbox + pending delivery rows);
phase 2 starts the sender and measures mails/s and the time to drain the delivery log.
Target (issue 7): 50,000 reminders at >= 200 mails/s.

    .venv/bin/python bench/notify_mail.py --count 5000
    .venv/bin/python bench/notify_mail.py --count 50000 --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_notify
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from notify.app import SERVICE
from notify.sender import MailSender
from notify.tables import deliveries
from partnerhub.bus.contracts import IndividualRegistered, ReminderDue
from partnerhub.bus.envelope import Envelope
from partnerhub.bus.inprocess import InProcessBroker, InProcessTransport
from partnerhub.db.engine import drop_database
from partnerhub.service import ServiceRuntime

SINK = """
import logging, sys
from aiosmtpd.controller import Controller
logging.getLogger("mail.log").setLevel(logging.WARNING)
class Sink:
    count = 0
    size = 0
    async def handle_DATA(self, server, session, envelope):
        Sink.count += 1
        Sink.size += len(envelope.content)
        return "250 OK"
controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]), ready_timeout=10)
controller.start()
print("ready", flush=True)
for line in sys.stdin:
    print(Sink.count, Sink.size, flush=True)
controller.stop()
"""


class SinkProcess:
    """The SMTP sink in its own process, so it does not share our interpreter's CPU (GIL)."""

    def __init__(self, port: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SINK, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout
        first = self.proc.stdout.readline().strip()
        assert first == "ready", f"the SMTP sink did not start: {first!r}"

    def counts(self) -> tuple[int, int]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write("?\n")
        self.proc.stdin.flush()
        count, size = self.proc.stdout.readline().split()
        return int(count), int(size)

    def stop(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def feed(runtime: ServiceRuntime, count: int, people: int, batch: int) -> float:
    started = time.perf_counter()
    regs = [
        Envelope.wrap(IndividualRegistered(cco_id=f"B{i:06d}", name=f"Person {i}", email=f"p{i}@bench.example"), producer="identity")
        for i in range(people)
    ]
    for i in range(0, len(regs), batch):
        await runtime.transport.publish(regs[i : i + batch])
    events = []
    for n in range(count):
        person, cert = n % people, n // people
        events.append(
            Envelope.wrap(
                ReminderDue(
                    cco_id=f"B{person:06d}",
                    certification=f"CERT-{cert}",
                    kind="professional",
                    expires_on=date(2027, 6, 1) + timedelta(days=cert),
                    months_before=6,
                ),
                producer="certification",
            )
        )
    for i in range(0, len(events), batch):
        await runtime.transport.publish(events[i : i + batch])
    return time.perf_counter() - started


async def pending(runtime: ServiceRuntime) -> int:
    async with runtime.db.engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(deliveries).where(deliveries.c.status != "sent")) or 0)


async def main(args: argparse.Namespace) -> None:
    port = free_port()
    sink = SinkProcess(port)
    folder = Path(tempfile.mkdtemp(prefix="notify-bench-"))
    url = args.database_url or f"sqlite+aiosqlite:///{folder / 'notify.db'}"
    settings = SERVICE.settings_cls(
        database_url=url,
        bus="inprocess",
        clock="manual",
        environment="test",
        log_level="WARNING",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_connections=args.connections,
        sender_batch_size=args.batch,
        sender_poll_interval=0.05,
        prefetch=args.prefetch,
    )
    # phase 1 without the sender loop, so the two rates are measured apart
    definition = dataclasses.replace(SERVICE, background=())
    runtime = ServiceRuntime(definition, settings, transport=InProcessTransport(InProcessBroker()), own_lifespan=False)
    await runtime.start()
    try:
        people = min(args.count, args.people)
        ingest = await feed(runtime, args.count, people, 500)
        total = args.count
        print(f"ingest: {total} reminder events (+{people} registrations) in {ingest:.1f} s = {total / ingest:,.0f} events/s")

        sender = MailSender(runtime.db, settings)
        rounds: list[float] = []
        cpu_before = time.process_time()
        started = time.perf_counter()
        while True:
            t0 = time.perf_counter()
            claimed = await sender.send_due()
            if claimed:
                rounds.append((time.perf_counter() - t0) / claimed * 1000)
            elif await pending(runtime) == 0:
                break
            else:
                await asyncio.sleep(0.05)
        drain = time.perf_counter() - started
        cpu = time.process_time() - cpu_before
        await sender.mailer.close()
        count, size = sink.counts()
        print(f"drain:  {count} mails accepted by the sink in {drain:.1f} s = {count / drain:,.0f} mails/s "
              f"(target >= 200/s); {size / max(1, count):,.0f} bytes/mail")
        print(f"sender CPU: {cpu / max(1, count) * 1000:.2f} ms per mail (= {count / cpu:,.0f} mails per CPU-second of "
              f"the notify process; load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        print(f"per-mail share of a round: p50 {statistics.median(rounds):.2f} ms, p99 {percentile(rounds, 0.99):.2f} ms "
              f"({len(rounds)} rounds of up to {args.batch})")
        assert count == total, f"expected {total} mails, the sink has {count}"
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS {peak:,.0f} MiB; database {url.split('://')[0]}; {args.connections} SMTP connections")
    finally:
        await runtime.stop()
        sink.stop()
        if args.database_url:
            await drop_database(url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=50_000, help="reminder events (= mails)")
    parser.add_argument("--small", action="store_const", const=2_000, dest="count", help="2,000 events")
    parser.add_argument("--people", type=int, default=10_000, help="distinct recipients")
    parser.add_argument("--batch", type=int, default=500, help="mails claimed per sender round")
    parser.add_argument("--connections", type=int, default=8, help="SMTP connections")
    parser.add_argument("--prefetch", type=int, default=16, help="in-process consumer workers")
    parser.add_argument("--database-url", default="", help="a PostgreSQL URL (dropped afterwards); default SQLite")
    asyncio.run(main(parser.parse_args()))
