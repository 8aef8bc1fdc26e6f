"""Faults on the real servers: the broker drops every connection while events are published;
replicas race to create their database."""

from __future__ import annotations

import asyncio
import uuid

from partnerhub.db.engine import drop_database
from partnerhub.db.migrations import migrate
from partnerhub.testing import eventually, start_system
from probe import PROBE, applied_counts, create_items


async def test_broker_drops_all_connections_during_1000_events(tmp_path, databases, broker, namespace) -> None:
    async with start_system(
        [PROBE], "distributed", tmp_path=tmp_path, databases=databases, broker=broker, namespace=namespace
    ) as system:
        runtime = system.runtimes["probe"]
        transport = runtime.transport
        run = uuid.uuid4().hex[:6]
        keys = [f"k-{run}-{i:04d}" for i in range(1000)]

        async def produce() -> None:
            for i in range(0, len(keys), 20):
                await create_items(runtime.db, keys[i : i + 20])
                await asyncio.sleep(0.01)

        producing = asyncio.create_task(produce())
        await eventually(lambda: _some_applied(runtime, 100), timeout=30)
        # close every connection of this run's vhost, as a broker restart or network cut would
        await asyncio.to_thread(broker.close_all_connections)
        await producing

        async def all_applied() -> bool:
            counts = await applied_counts(runtime.db)
            return len(counts) == len(keys)

        await eventually(all_applied, timeout=120, interval=0.25)
        await asyncio.sleep(1.0)  # stray redeliveries would arrive now
        counts = await applied_counts(runtime.db)
        assert set(counts) == set(keys)
        assert set(counts.values()) == {1}, "each event applied exactly once"
        assert transport.connections_made >= 2, "the transport reconnected"
        assert transport.is_ready()
        assert await runtime.relay.backlog() == 0

        # the consumer is attached again after the reconnect: a new event still arrives
        await create_items(runtime.db, [f"after-{run}"])
        await eventually(lambda: _has(runtime, f"after-{run}"), timeout=30)


async def _some_applied(runtime, n: int) -> bool:
    return len(await applied_counts(runtime.db)) >= n


async def _has(runtime, key: str) -> bool:
    return key in await applied_counts(runtime.db)


async def test_replicas_starting_together_both_create_and_migrate_the_database(databases) -> None:
    """Two replicas of a service start at once against a database that does not exist yet."""
    url = databases.new_url("race")
    for _ in range(3):  # the race needs the CREATE DATABASE calls in flight together
        await asyncio.gather(*(migrate("probe", PROBE.migrations_dir, url) for _ in range(4)))
        await drop_database(url)
