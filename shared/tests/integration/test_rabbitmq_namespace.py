"""NAMESPACE=x: the broker's names are x.partner.events, x.notify.events, x.notify.events.dlq (joined with a
dot), and the log names exactly what was declared."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import aio_pika

from partnerhub.bus.envelope import Envelope
from partnerhub.bus.transport import Subscription
from partnerhub.service import build_transport
from probe import ProbeSettings


async def test_a_namespace_without_a_dot_prefixes_every_name_with_one(broker) -> None:
    ns = f"t{uuid.uuid4().hex[:8]}"  # as an operator writes it: NAMESPACE=t1234abcd
    settings = ProbeSettings(bus="rabbitmq", rabbitmq_url=broker.url, namespace=ns)

    async def handler(_: Envelope) -> None:
        return None

    transport = build_transport(settings, "notify")
    transport.subscribe(Subscription(queue="notify.events", bindings=["probe.thing.happened.v1"], handler=handler))
    await transport.start(wait=20)
    try:
        assert transport.is_ready()
        # what the "broker connected" line logs: the exchange and the queues exactly as declared (read from
        # the transport: a logger cached by an earlier test in the same process cannot be captured)
        assert transport.exchange_name == f"{ns}.partner.events"
        assert [transport.queue_name(q) for q in ("notify.events",)] == [f"{ns}.notify.events"]
        connection = await aio_pika.connect(broker.url)
        async with connection:
            channel = await connection.channel()
            for queue in (f"{ns}.notify.events", f"{ns}.notify.events.dlq"):
                await channel.declare_queue(queue, passive=True)  # raises if absent
            for exchange in (f"{ns}.partner.events", f"{ns}.partner.events.dlx", f"{ns}.partner.events.unrouted"):
                await channel.get_exchange(exchange, ensure=True)
    finally:
        queues, exchanges = transport.declared_names()
        await transport.stop()
        connection = await aio_pika.connect(broker.url)
        async with connection:
            channel = await connection.channel()
            for queue in queues:
                await channel.queue_delete(queue)
            for exchange in exchanges:
                await channel.exchange_delete(exchange)


async def test_queues_declared_before_the_quorum_size_setting_still_start(broker) -> None:
    """Queues a previous version declared without x-quorum-initial-group-size: RabbitMQ would refuse a
    redeclaration with it (PRECONDITION_FAILED), so an existing queue is declared as it is."""
    ns = f"t{uuid.uuid4().hex[:8]}."
    old = {
        f"{ns}notify.events.dlq": {"x-queue-type": "quorum"},
        f"{ns}partner.events.unrouted": {"x-queue-type": "quorum", "x-max-length": 1_000_000, "x-overflow": "drop-head"},
    }
    connection = await aio_pika.connect(broker.url)
    async with connection:
        channel = await connection.channel()
        for name, arguments in old.items():
            await channel.declare_queue(name, durable=True, arguments=arguments)
    got: list[Envelope] = []

    async def handler(envelope: Envelope) -> None:
        got.append(envelope)

    transport = build_transport(ProbeSettings(bus="rabbitmq", rabbitmq_url=broker.url, namespace=ns), "notify")
    transport.subscribe(Subscription(queue="notify.events", bindings=["probe.thing.happened.v1"], handler=handler))
    await transport.start(wait=20)
    try:
        assert transport.is_ready()
        envelope = Envelope(
            id=uuid.uuid4(), type="probe.thing.happened.v1", occurred_at=datetime.now(UTC), producer="probe",
            correlation_id="c", payload={},
        )
        await transport.publish([envelope])
        for _ in range(200):
            if got:
                break
            await asyncio.sleep(0.05)
        assert [e.id for e in got] == [envelope.id]
    finally:
        queues, exchanges = transport.declared_names()
        await transport.stop()
        connection = await aio_pika.connect(broker.url)
        async with connection:
            channel = await connection.channel()
            for name in queues:
                await channel.queue_delete(name)
            for name in exchanges:
                await channel.exchange_delete(name)
