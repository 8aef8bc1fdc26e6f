"""The RabbitMQ transport on aio-pika.

Topology (``ns`` is the optional namespace setting with its dot: ``NAMESPACE=x`` gives ``x.partner.events``
and ``x.notify.events``; the log names the queues and exchange as declared):
- ``{ns}partner.events``: durable topic exchange; routing key = event type. Its
  alternate exchange ``{ns}partner.events.unrouted`` keeps what no queue is bound to.
- ``{ns}<service>.events``: a durable quorum queue per service, bound to the
  types it consumes, ``x-delivery-limit`` set, dead-lettering at-least-once into
  ``{ns}<service>.events.dlq`` through ``{ns}partner.events.dlx``.

Messages are persistent, published ``mandatory`` with publisher confirms and a
timeout. The transport supervises its own connection: when the broker or the
network drops it, it reconnects with backoff, declares the topology again and
starts every consumer again (not relying on a "robust" connection, whose
consumers have been seen missing after a broker restart). A publish that fails
meanwhile raises, and the outbox publishes it again.

A cluster: ``urls`` names several nodes. A connection goes to the node that
worked last, else the next one in the list; after a whole round of failures the
transport waits a jittered, doubling delay (at most 5 s) before the next round.
Quorum queues are declared with ``x-quorum-initial-group-size`` (3 by default),
so with three nodes a queue keeps its leader elected when one node is gone.
A watchdog asks each connection for a round trip every heartbeat; one that does
not answer within a heartbeat (a silent hang: no RST, no FIN) is dropped and
rebuilt, about two heartbeats after it stopped answering.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable, Sequence
from typing import Any

import aio_pika
import aiormq
from aio_pika.abc import (
    AbstractChannel,
    AbstractConnection,
    AbstractExchange,
    AbstractIncomingMessage,
)

from partnerhub.bus.envelope import Envelope
from partnerhub.bus.transport import Subscription, TransportError, backoff_delay, cancel_tasks
from partnerhub.logging import get_logger, log_context
from partnerhub.settings import namespace_prefix

log = get_logger(__name__)
BATCH_LINGER_SECONDS = 0.02


class RabbitTransport:
    def __init__(
        self,
        url: str | Sequence[str],
        *,
        namespace: str = "",
        exchange: str = "partner.events",
        publish_timeout: float = 10.0,
        connect_timeout: float = 10.0,
        service: str = "",
        heartbeat: float | None = None,
        quorum_size: int = 3,
        transient: Callable[[BaseException], bool] | None = None,
    ) -> None:
        self.urls = [u.strip() for u in url.split(",") if u.strip()] if isinstance(url, str) else list(url)
        self.url = self.urls[0]
        self.connected_url: str | None = None
        self._node = 0  # index of the node to try first
        self.heartbeat = heartbeat
        self.quorum_size = quorum_size
        # an error that says a resource the handler needs is away (the database): the message is held and
        # tried again until it is back, without spending its deliveries
        self.transient = transient or (lambda _exc: False)
        self.ns = namespace_prefix(namespace)
        self.exchange_name = f"{self.ns}{exchange}"
        self.dlx_name = f"{self.exchange_name}.dlx"
        self.unrouted_name = f"{self.exchange_name}.unrouted"
        self.publish_timeout = publish_timeout
        self.connect_timeout = connect_timeout
        self.service = service
        self._subscriptions: list[Subscription] = []
        self._connections: list[AbstractConnection] = []
        self._publisher: AbstractChannel | None = None
        self._exchange: AbstractExchange | None = None
        self._dlx: AbstractExchange | None = None
        self._ready = asyncio.Event()
        self._supervisor: asyncio.Task[None] | None = None
        self._batches: dict[str, asyncio.Queue[AbstractIncomingMessage]] = {}
        self._batch_workers: list[asyncio.Task[None]] = []
        self._stopping = False
        self.connections_made = 0
        self.dead_lettered = 0
        self.held_retries = 0
        self._queue_arguments: dict[str, dict[str, Any]] = {}  # as each queue was found or created

    # names ------------------------------------------------------------------------------------
    def queue_name(self, queue: str) -> str:
        return f"{self.ns}{queue}"

    def dlq_name(self, queue: str) -> str:
        return f"{self.ns}{queue}.dlq"

    def declared_names(self) -> tuple[list[str], list[str]]:
        """The queues and exchanges this transport declares (for tests that remove them afterwards)."""
        queues = [n for sub in self._subscriptions for n in (self.queue_name(sub.queue), self.dlq_name(sub.queue))]
        return [*queues, self.unrouted_name], [self.exchange_name, self.dlx_name, self.unrouted_name]

    # lifecycle --------------------------------------------------------------------------------
    def subscribe(self, subscription: Subscription) -> None:
        self._subscriptions.append(subscription)

    async def start(self, wait: float = 10.0) -> None:
        self._stopping = False
        for sub in self._subscriptions:
            if sub.batch_handler is not None and sub.queue not in self._batches:
                self._batches[sub.queue] = asyncio.Queue()
                for i in range(2):
                    self._batch_workers.append(
                        asyncio.create_task(self._batch_worker(sub), name=f"rabbitmq-batch:{sub.queue}:{i}")
                    )
        self._supervisor = asyncio.create_task(self._supervise(), name=f"rabbitmq:{self.service}")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), wait)
        if not self._ready.is_set():
            log.warning("broker not reachable yet; retrying in the background", service=self.service)

    async def stop(self) -> None:
        self._stopping = True
        await cancel_tasks(self._batch_workers)
        self._batch_workers.clear()
        self._batches.clear()
        if self._supervisor is not None:
            await cancel_tasks([self._supervisor])
            self._supervisor = None
        await self._close_connections()

    def is_ready(self) -> bool:
        return self._ready.is_set()

    async def wait_ready(self, timeout: float) -> None:
        await asyncio.wait_for(self._ready.wait(), timeout)

    async def _connect(self) -> AbstractConnection:
        """A connection to the first node that answers, starting with the one that worked last."""
        errors = []
        for i in range(len(self.urls)):
            index = (self._node + i) % len(self.urls)
            try:
                connection = await aio_pika.connect(self.urls[index], timeout=self.connect_timeout)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                errors.append(f"{_node_name(self.urls[index])}: {exc!r}")
                continue
            self._node = index
            return connection
        raise TransportError("no broker node answers: " + "; ".join(errors))

    async def _supervise(self) -> None:
        """Keep a publishing and a consuming connection (RabbitMQ's advice: flow control on a busy
        publisher must not hold back consumer acks); when either drops, rebuild both."""
        delay = 0.2
        while not self._stopping:
            closed = asyncio.Event()
            watchdog: asyncio.Task[None] | None = None
            try:
                publishing = await self._connect()
                self._connections.append(publishing)
                consuming = await aio_pika.connect(self.urls[self._node], timeout=self.connect_timeout)
                self._connections.append(consuming)
                for connection in self._connections:
                    connection.close_callbacks.add(lambda *_, event=closed: event.set())
                # timed like the connect: a connection that goes silent while declaring is given up
                async with asyncio.timeout(self.connect_timeout):
                    await self._declare_and_consume(publishing, consuming, closed)
                self.connections_made += 1
                self.connected_url = self.urls[self._node]
                self._ready.set()
                delay = 0.2
                log.info(
                    "broker connected", service=self.service, connections=self.connections_made, exchange=self.exchange_name,
                    node=_node_name(self.connected_url),
                    queues=[self.queue_name(sub.queue) for sub in self._subscriptions],
                )
                if self.heartbeat:
                    watchdog = asyncio.create_task(self._watch([publishing, consuming], closed))
                await closed.wait()
                log.warning("broker connection lost; reconnecting", service=self.service, node=_node_name(self.connected_url))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("broker connection failed", service=self.service, error=repr(exc), retry_in=delay)
                # every node failed (or this one failed half-way): start the next round with the next node
                self._node = (self._node + 1) % len(self.urls)
            finally:
                self._ready.clear()
                self.connected_url = None
                self._exchange = self._dlx = self._publisher = None
                if watchdog is not None:
                    await cancel_tasks([watchdog])
                await self._close_connections()
            if self._stopping:
                break
            # full jitter: replicas that lost the same node do not all come back in step
            await asyncio.sleep(random.uniform(delay / 2, delay))
            delay = min(delay * 2, 5.0)

    async def _watch(self, connections: list[AbstractConnection], closed: asyncio.Event) -> None:
        """A round trip on each connection every heartbeat; no answer within a heartbeat: drop them."""
        assert self.heartbeat
        try:  # a connection that goes silent now would hold the watchdog here, so this too is timed
            async with asyncio.timeout(self.heartbeat):
                channels = [await connection.channel() for connection in connections]
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._drop_silent(closed, exc)
            return
        while not closed.is_set():
            await asyncio.sleep(self.heartbeat)
            for channel in channels:
                try:
                    async with asyncio.timeout(self.heartbeat):
                        await channel.declare_exchange(self.exchange_name, passive=True)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    self._drop_silent(closed, exc)
                    return

    def _drop_silent(self, closed: asyncio.Event, exc: Exception) -> None:
        log.warning(
            "broker connection silent; dropping it", service=self.service,
            node=_node_name(self.connected_url or ""), error=repr(exc),
        )
        # a node that went silent is suspect: the next connection tries the next node first
        self._node = (self._node + 1) % len(self.urls)
        closed.set()

    async def _close_connections(self) -> None:
        connections, self._connections = self._connections, []

        async def close(connection: AbstractConnection) -> None:
            if not connection.is_closed:
                with contextlib.suppress(Exception):
                    # a silently hung connection never answers the close: do not wait long for it
                    await asyncio.wait_for(connection.close(), min(5.0, self.heartbeat or 5.0))

        await asyncio.gather(*(close(c) for c in connections))

    async def _declare_and_consume(
        self, publishing: AbstractConnection, consuming: AbstractConnection, closed: asyncio.Event
    ) -> None:
        publisher, exchange, dlx = await self._declare_exchanges(publishing, closed)
        for sub in self._subscriptions:
            await self._declare_and_consume_queue(consuming, sub, closed)
        self._publisher, self._exchange, self._dlx = publisher, exchange, dlx

    async def _declare_exchanges(
        self, publishing: AbstractConnection, closed: asyncio.Event
    ) -> tuple[AbstractChannel, AbstractExchange, AbstractExchange]:
        """The publishing channel, the unrouted exchange and its queue, the topic exchange and the dead-letter one."""
        publisher = await publishing.channel(publisher_confirms=True, on_return_raises=True)
        publisher.close_callbacks.add(lambda *_: closed.set())
        unrouted = await publisher.declare_exchange(
            self.unrouted_name, aio_pika.ExchangeType.FANOUT, durable=True
        )
        unrouted_queue = await publisher.declare_queue(
            self.unrouted_name,
            durable=True,
            arguments=await self._quorum_arguments(
                publishing, self.unrouted_name, {"x-max-length": 1_000_000, "x-overflow": "drop-head"}
            ),
        )
        await unrouted_queue.bind(unrouted, routing_key="")
        exchange = await publisher.declare_exchange(
            self.exchange_name,
            aio_pika.ExchangeType.TOPIC,
            durable=True,
            arguments={"alternate-exchange": self.unrouted_name},
        )
        dlx = await publisher.declare_exchange(self.dlx_name, aio_pika.ExchangeType.DIRECT, durable=True)
        return publisher, exchange, dlx

    async def _declare_and_consume_queue(
        self, consuming: AbstractConnection, sub: Subscription, closed: asyncio.Event
    ) -> None:
        """One subscription's channel, its dead-letter queue, its queue and bindings, and its consumer."""
        channel = await consuming.channel()
        channel.close_callbacks.add(lambda *_: closed.set())
        await channel.set_qos(prefetch_count=sub.prefetch)
        dlq = await channel.declare_queue(
            self.dlq_name(sub.queue),
            durable=True,
            arguments=await self._quorum_arguments(consuming, self.dlq_name(sub.queue), {}),
        )
        await dlq.bind(self.dlx_name, routing_key=self.dlq_name(sub.queue))
        queue = await channel.declare_queue(
            self.queue_name(sub.queue),
            durable=True,
            arguments=await self._quorum_arguments(
                consuming,
                self.queue_name(sub.queue),
                {
                    "x-delivery-limit": sub.delivery_limit,
                    "x-dead-letter-exchange": self.dlx_name,
                    "x-dead-letter-routing-key": self.dlq_name(sub.queue),
                    "x-dead-letter-strategy": "at-least-once",
                    "x-overflow": "reject-publish",
                },
            ),
        )
        for binding in sub.bindings:
            await queue.bind(self.exchange_name, routing_key=binding)
        await queue.consume(self._consumer_for(sub), no_ack=False)

    async def _quorum_arguments(
        self, connection: AbstractConnection, name: str, arguments: dict[str, Any]
    ) -> dict[str, Any]:
        """A quorum queue's arguments, with ``x-quorum-initial-group-size`` unless the queue exists without
        it: queues declared before this setting have none, and RabbitMQ refuses a redeclaration whose
        arguments differ either way (PRECONDITION_FAILED). An existing queue keeps its members."""
        sized = {"x-queue-type": "quorum", **arguments, "x-quorum-initial-group-size": self.quorum_size}
        known = self._queue_arguments.get(name)
        if known is not None:
            return known
        trial = await connection.channel()
        try:
            await trial.declare_queue(name, durable=True, arguments=sized)
            chosen = sized
        except aio_pika.exceptions.ChannelPreconditionFailed as exc:
            if "x-quorum-initial-group-size" not in str(exc):
                raise
            chosen = {k: v for k, v in sized.items() if k != "x-quorum-initial-group-size"}
        finally:
            if not trial.is_closed:
                with contextlib.suppress(Exception):
                    await trial.close()
        self._queue_arguments[name] = chosen
        return chosen

    # publishing -------------------------------------------------------------------------------
    async def publish(self, envelopes: Sequence[Envelope]) -> None:
        exchange = self._exchange
        if exchange is None or not self._ready.is_set():
            raise TransportError("not connected to the broker")
        try:
            confirms = await asyncio.gather(
                *(
                    exchange.publish(
                        _message(e),
                        routing_key=e.type,
                        mandatory=True,
                        timeout=self.publish_timeout,
                    )
                    for e in envelopes
                )
            )
        except Exception as exc:
            raise TransportError(f"publish not confirmed: {exc!r}") from exc
        for confirm in confirms:
            if not isinstance(confirm, aiormq.spec.Basic.Ack):
                raise TransportError(f"publish not acknowledged: {confirm!r}")

    # consuming --------------------------------------------------------------------------------
    def _consumer_for(self, sub: Subscription) -> Any:
        batch = self._batches.get(sub.queue)
        if batch is not None:

            async def collect(message: AbstractIncomingMessage) -> None:
                batch.put_nowait(message)

            return collect

        async def on_message(message: AbstractIncomingMessage) -> None:
            await self._on_message(sub, message)

        return on_message

    async def _batch_worker(self, sub: Subscription) -> None:
        """Take what arrives within a few milliseconds (up to batch_size) and apply it in one transaction."""
        queue = self._batches[sub.queue]
        loop = asyncio.get_running_loop()
        while True:
            messages = [await queue.get()]
            # linger briefly so that what arrives together commits together
            deadline = loop.time() + BATCH_LINGER_SECONDS
            while len(messages) < sub.batch_size:
                if queue.empty():
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        break
                    try:
                        async with asyncio.timeout(remaining):
                            messages.append(await queue.get())
                    except TimeoutError:
                        break
                else:
                    messages.append(queue.get_nowait())
            try:
                await self._on_batch(sub, messages)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # never let the worker die; unsettled messages are redelivered
                log.error("batch worker error", queue=self.queue_name(sub.queue), error=repr(exc))

    async def _on_batch(self, sub: Subscription, messages: list[AbstractIncomingMessage]) -> None:
        if len(messages) > 1 and sub.batch_handler is not None:
            try:
                envelopes = [Envelope.from_bytes(m.body) for m in messages]
                await sub.batch_handler(envelopes)
            except Exception as exc:
                log.warning("batch failed; applying its messages one by one", queue=self.queue_name(sub.queue), size=len(messages), error=repr(exc))
            else:
                for message in messages:
                    await _settle(message.ack())
                return
        for message in messages:
            await self._on_message(sub, message)

    async def _on_message(self, sub: Subscription, message: AbstractIncomingMessage) -> None:
        deliveries = int((message.headers or {}).get("x-delivery-count") or 0) + 1
        try:
            envelope = Envelope.from_bytes(message.body)
        except Exception as exc:
            await self._give_up(sub, message, f"malformed envelope: {exc}", deliveries)
            return
        failure = await self._apply(sub, envelope)
        if failure is None:
            await _settle(message.ack())
        elif deliveries >= sub.delivery_limit:
            await self._give_up(sub, message, f"{type(failure).__name__}: {failure}", deliveries)
        else:
            await asyncio.sleep(backoff_delay(deliveries))
            await _settle(message.nack(requeue=True))

    async def _apply(self, sub: Subscription, envelope: Envelope) -> Exception | None:
        """Run the handler; the handler's failure, or None. While the database is away the message is
        held (unacknowledged) and tried again: an outage does not spend its deliveries."""
        held = 0
        while True:
            try:
                with log_context(queue=self.queue_name(sub.queue)):
                    await sub.handler(envelope)
                return None
            except Exception as exc:
                if not self.transient(exc) or self._stopping:
                    return exc
                held += 1
                self.held_retries += 1
                if held == 1 or held % 20 == 0:
                    log.warning(
                        "handler's resource away; holding the message", queue=self.queue_name(sub.queue),
                        tries=held, error=repr(exc),
                    )
                await asyncio.sleep(backoff_delay(held, base=0.2, cap=2.0))

    async def _give_up(self, sub: Subscription, message: AbstractIncomingMessage, error: str, deliveries: int) -> None:
        """Dead-letter with the error attached; if that fails, the broker's delivery limit is the backstop."""
        dlx = self._dlx
        try:
            if dlx is None:
                raise TransportError("not connected")
            headers = dict(message.headers or {})
            headers.update(
                {
                    "x-error": error[:2000],
                    "x-original-routing-key": message.routing_key or "",
                    "x-failed-queue": self.queue_name(sub.queue),
                    "x-deliveries": deliveries,
                }
            )
            await dlx.publish(
                aio_pika.Message(
                    message.body,
                    headers=headers,
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    message_id=message.message_id,
                    content_type=message.content_type,
                    type=message.type,
                ),
                routing_key=self.dlq_name(sub.queue),
                timeout=self.publish_timeout,
            )
        except Exception as exc:
            log.error("dead-lettering failed; requeueing", queue=self.queue_name(sub.queue), error=repr(exc))
            await _settle(message.nack(requeue=True))
            return
        self.dead_lettered += 1
        if sub.on_dead_letter:
            sub.on_dead_letter(message.type or message.routing_key or "", error)
        log.error(
            "message dead-lettered",
            queue=self.queue_name(sub.queue),
            message_id=message.message_id,
            routing_key=message.routing_key,
            deliveries=deliveries,
            error=error,
        )
        await _settle(message.ack())


def _node_name(url: str | None) -> str:
    """host:port of a node's URL (never its password)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url or "")
        return f"{parts.hostname}:{parts.port or 5672}"
    except ValueError:
        return "?"


def _message(envelope: Envelope) -> aio_pika.Message:
    return aio_pika.Message(
        envelope.to_bytes(),
        content_type="application/json",
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        message_id=str(envelope.id),
        correlation_id=envelope.correlation_id,
        type=envelope.type,
        timestamp=envelope.occurred_at,
        app_id=envelope.producer,
    )


# an ack waits until its frame is written; on a connection that went silent it would wait for ever and hold
# the consumer (its batch worker) with it: given up after this long, the broker redelivers instead.
# The transport's timed waits use asyncio.timeout, not wait_for: Python 3.11's wait_for returns the result of
# an operation that finishes as its task is cancelled, so a stop could be swallowed and then wait for ever
SETTLE_TIMEOUT_S = 5.0


async def _settle(operation: Any) -> None:
    """Ack or nack; a closed or silent channel means the broker redelivers, and the inbox skips it."""
    try:
        async with asyncio.timeout(SETTLE_TIMEOUT_S):
            await operation
    except Exception as exc:
        log.warning("could not settle message; it will be redelivered", error=repr(exc))
