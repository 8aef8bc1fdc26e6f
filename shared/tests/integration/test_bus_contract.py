"""The bus contract, run on both transports: in-process (standalone) and RabbitMQ + PostgreSQL.

Delivery is at least once; the effect is exactly once (ARCHITECTURE.md, Events).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import aio_pika

from partnerhub.bus.envelope import Envelope
from partnerhub.service import ServiceRuntime
from partnerhub.testing import eventually, start_system
from probe import ATTEMPTS, PROBE, ItemCreated, applied_counts, create_items

DELIVERY_LIMIT = 3


async def test_same_event_delivered_twice_is_applied_once(system_factory) -> None:
    async with system_factory(PROBE, delivery_limit=DELIVERY_LIMIT) as system:
        runtime = system.runtimes["probe"]
        key = f"dup-{uuid.uuid4().hex[:6]}"
        envelope = Envelope.wrap(ItemCreated(key=key), producer="probe")
        await runtime.transport.publish([envelope])
        await runtime.transport.publish([envelope])  # a redelivery, as after a lost ack

        async def skipped_once() -> bool:
            duplicates = runtime.metrics.duplicates.labels("probe", ItemCreated.TYPE)._value.get()
            return duplicates == 1

        await eventually(skipped_once)
        assert (await applied_counts(runtime.db))[key] == 1
        assert ATTEMPTS[key] == 1, "the handler must not even run for the redelivery"


async def test_failing_handler_dead_letters_after_limit_while_others_flow(system_factory, mode) -> None:
    async with system_factory(PROBE, delivery_limit=DELIVERY_LIMIT) as system:
        runtime = system.runtimes["probe"]
        run = uuid.uuid4().hex[:6]
        poison = f"poison-{run}"
        good = [f"good-{run}-{i}" for i in range(20)]
        await create_items(runtime.db, [poison])
        await create_items(runtime.db, good)

        async def good_applied() -> bool:
            counts = await applied_counts(runtime.db)
            return all(counts.get(k) == 1 for k in good)

        await eventually(good_applied, timeout=30)
        dead = await eventually(lambda: _dead_letters(runtime, mode), timeout=30)
        assert len(dead) == 1
        body, error, deliveries = dead[0]
        assert Envelope.from_bytes(body).payload == {"key": poison}
        assert "cannot apply" in error
        assert deliveries == DELIVERY_LIMIT, "dead-lettered after exactly the delivery limit"
        # a failed batch runs the handler once more before each message is retried alone
        assert ATTEMPTS[poison] >= DELIVERY_LIMIT
        assert poison not in await applied_counts(runtime.db)
        assert runtime.metrics.dead_lettered.labels("probe", ItemCreated.TYPE)._value.get() == 1


async def _dead_letters(runtime: ServiceRuntime, mode: str) -> list[tuple[bytes, str, int]]:
    if mode == "standalone":
        return [(d.body, d.error, d.deliveries) for d in runtime.transport.dead_letters("probe.events")]
    transport = runtime.transport
    connection = await aio_pika.connect(transport.url)
    try:
        channel = await connection.channel()
        queue = await channel.get_queue(transport.dlq_name("probe.events"), ensure=True)
        found = []
        while (message := await queue.get(no_ack=True, fail=False)) is not None:
            headers = message.headers or {}
            found.append((message.body, str(headers.get("x-error", "")), int(headers.get("x-deliveries", 0))))
        return found
    finally:
        await connection.close()


async def test_two_replicas_apply_every_event_once(mode, tmp_path, request, namespace) -> None:
    """Two replicas of one service: one database, one queue, two relays and two consumers."""
    if mode == "standalone":
        url = f"sqlite+aiosqlite:///{tmp_path / 'probe.db'}"
        extra: dict = {"bus": "inprocess"}
    else:
        url = request.getfixturevalue("databases").new_url("probe")
        extra = {"bus": "rabbitmq", "rabbitmq_url": request.getfixturevalue("broker").url, "namespace": namespace}
    from partnerhub.bus.inprocess import InProcessBroker, InProcessTransport

    shared = InProcessBroker()
    replicas = []
    for _ in range(2):
        settings = PROBE.settings_cls(database_url=url, clock="manual", outbox_poll_interval=0.05, **extra)
        transport = InProcessTransport(shared) if mode == "standalone" else None
        replicas.append(ServiceRuntime(PROBE, settings, transport=transport, own_lifespan=False))
    try:
        for replica in replicas:
            await replica.start()
        run = uuid.uuid4().hex[:6]
        keys = [f"r-{run}-{i}" for i in range(300)]
        await asyncio.gather(
            *(create_items(replicas[i % 2].db, keys[i : i + 10]) for i in range(0, len(keys), 10))
        )

        async def all_applied() -> bool:
            counts = await applied_counts(replicas[0].db)
            return sum(1 for k in keys if k in counts) == len(keys)

        await eventually(all_applied, timeout=60)
        await asyncio.sleep(0.5)  # let any stray duplicate arrive before counting
        counts = await applied_counts(replicas[0].db)
        assert {counts[k] for k in keys} == {1}
        published = [r.metrics.published.labels("probe", ItemCreated.TYPE)._value.get() for r in replicas]
        assert sum(published) >= len(keys)
    finally:
        for replica in replicas:
            await replica.stop()


CRASHING_WRITER = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from probe import PROBE, create_items
    from partnerhub.db.migrations import migrate
    from partnerhub.db.engine import make_engine
    from partnerhub.db.uow import Database

    async def main(url, key):
        await migrate("probe", PROBE.migrations_dir, url)
        db = Database(make_engine(url), PROBE.metadata, producer="probe")
        await create_items(db, [key])   # committed: the state change and its outbox row
        os.kill(os.getpid(), signal.SIGKILL)   # die before any relay could publish

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


async def test_event_committed_before_a_crash_is_published_once_after_restart(
    mode, tmp_path, request, namespace
) -> None:
    if mode == "standalone":
        url = f"sqlite+aiosqlite:///{tmp_path / 'probe.db'}"
    else:
        url = request.getfixturevalue("databases").new_url("probe")
    key = f"crash-{uuid.uuid4().hex[:6]}"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    proc = subprocess.run([sys.executable, "-c", CRASHING_WRITER, url, key], env=env, capture_output=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]

    kwargs = {"databases": None, "broker": None}
    if mode == "distributed":
        kwargs = {"databases": request.getfixturevalue("databases"), "broker": request.getfixturevalue("broker")}
    for restart in range(2):
        async with start_system(
            [PROBE], mode, tmp_path=tmp_path, namespace=namespace, database_urls={"probe": url}, **kwargs
        ) as system:
            runtime = system.runtimes["probe"]

            async def applied(runtime: ServiceRuntime = runtime) -> bool:
                return (await applied_counts(runtime.db)).get(key) == 1

            await eventually(applied, timeout=30)
            await asyncio.sleep(0.5)
            assert await runtime.relay.backlog() == 0
            published = runtime.metrics.published.labels("probe", ItemCreated.TYPE)._value.get()
            assert published == (1 if restart == 0 else 0), "published once, and never again on a later restart"
    assert ATTEMPTS[key] == 1
