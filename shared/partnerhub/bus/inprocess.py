"""The in-process transport for standalone mode: the same envelope and the same semantics.

One ``InProcessBroker`` is shared by all services of the process. ``publish``
returns when every bound queue has handled the message (or dead-lettered it),
so the outbox row is marked sent only after the consumers committed: a crash
before that publishes again, and the consumers' inbox makes it harmless.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

from partnerhub.bus.envelope import Envelope
from partnerhub.bus.transport import (
    DeadLetter,
    Subscription,
    TransportError,
    backoff_delay,
    cancel_tasks,
    topic_matches,
)
from partnerhub.logging import get_logger

log = get_logger(__name__)


@dataclass
class _Item:
    envelope: Envelope
    done: asyncio.Future[None]
    deliveries: int = 0


@dataclass
class _Queue:
    subscription: Subscription
    items: asyncio.Queue[_Item] = field(default_factory=asyncio.Queue)
    workers: list[asyncio.Task[None]] = field(default_factory=list)
    dead_letters: list[DeadLetter] = field(default_factory=list)


class InProcessBroker:
    def __init__(self) -> None:
        self._queues: dict[str, _Queue] = {}
        self.unrouted: list[Envelope] = []
        self.published = 0

    def declare(self, subscription: Subscription) -> _Queue:
        queue = self._queues.get(subscription.queue)
        if queue is None:
            queue = self._queues[subscription.queue] = _Queue(subscription)
        else:
            queue.subscription = subscription
        return queue

    def dead_letters(self, queue: str) -> list[DeadLetter]:
        return self._queues[queue].dead_letters if queue in self._queues else []

    def start_consumers(self, name: str) -> None:
        queue = self._queues[name]
        if queue.workers:
            return
        # SQLite has one writer: a couple of workers, each applying what has arrived in one transaction
        for _ in range(2 if queue.subscription.batch_handler is not None else max(1, min(queue.subscription.prefetch, 16))):
            queue.workers.append(asyncio.create_task(self._work(queue), name=f"inprocess:{name}"))

    async def stop_consumers(self, name: str) -> None:
        queue = self._queues.get(name)
        if queue is not None:
            await cancel_tasks(queue.workers)
            queue.workers.clear()

    async def publish(self, envelope: Envelope) -> None:
        self.published += 1
        targets = [
            q
            for q in self._queues.values()
            if any(topic_matches(b, envelope.type) for b in q.subscription.bindings)
        ]
        if not targets:
            self.unrouted.append(envelope)
            return
        loop = asyncio.get_running_loop()
        futures = []
        for queue in targets:
            item = _Item(envelope, loop.create_future())
            await queue.items.put(item)
            futures.append(item.done)
        await asyncio.gather(*futures)

    async def _work(self, queue: _Queue) -> None:
        sub = queue.subscription
        while True:
            items = [await queue.items.get()]
            if sub.batch_handler is not None:
                while len(items) < sub.batch_size and not queue.items.empty():
                    items.append(queue.items.get_nowait())
            if len(items) > 1 and await self._apply_batch(queue, items):
                continue
            for item in items:  # one by one: each keeps its own retries and dead-lettering
                await self._apply_one(queue, item)

    async def _apply_batch(self, queue: _Queue, items: list[_Item]) -> bool:
        """All in one transaction; False (nothing applied) if any of them failed."""
        assert queue.subscription.batch_handler is not None
        try:
            await queue.subscription.batch_handler([item.envelope for item in items])
        except asyncio.CancelledError:
            for item in items:
                if not item.done.done():
                    item.done.set_exception(TransportError("consumer stopped"))
            raise
        except Exception as exc:
            log.warning("batch failed; applying its messages one by one", queue=queue.subscription.queue, error=repr(exc))
            return False
        for item in items:
            if not item.done.done():
                item.done.set_result(None)
        return True

    async def _apply_one(self, queue: _Queue, item: _Item) -> None:
        sub = queue.subscription
        item.deliveries += 1
        try:
            await sub.handler(item.envelope)
        except asyncio.CancelledError:
            if not item.done.done():
                item.done.set_exception(TransportError("consumer stopped"))
            raise
        except Exception as exc:  # the handler failed: retry, then dead-letter
            if item.deliveries >= sub.delivery_limit:
                queue.dead_letters.append(
                    DeadLetter(
                        item.envelope, item.envelope.to_bytes(), f"{type(exc).__name__}: {exc}", sub.queue, item.deliveries
                    )
                )
                log.error(
                    "message dead-lettered",
                    queue=sub.queue,
                    event_id=str(item.envelope.id),
                    event_type=item.envelope.type,
                    deliveries=item.deliveries,
                    error=str(exc),
                )
                if sub.on_dead_letter:
                    sub.on_dead_letter(item.envelope.type, str(exc))
                if not item.done.done():
                    item.done.set_result(None)
            else:
                asyncio.get_running_loop().call_later(backoff_delay(item.deliveries), queue.items.put_nowait, item)
        else:
            if not item.done.done():
                item.done.set_result(None)


class InProcessTransport:
    """One service's view of the shared broker."""

    def __init__(self, broker: InProcessBroker) -> None:
        self.broker = broker
        self._subscriptions: list[Subscription] = []
        self._started = False

    def subscribe(self, subscription: Subscription) -> None:
        self._subscriptions.append(subscription)
        self.broker.declare(subscription)

    async def start(self) -> None:
        for sub in self._subscriptions:
            self.broker.start_consumers(sub.queue)
        self._started = True

    async def stop(self) -> None:
        for sub in self._subscriptions:
            await self.broker.stop_consumers(sub.queue)
        self._started = False

    async def publish(self, envelopes: Sequence[Envelope]) -> None:
        if not self._started:
            raise TransportError("in-process transport not started")
        await asyncio.gather(*(self.broker.publish(e) for e in envelopes))

    def is_ready(self) -> bool:
        return self._started

    def dead_letters(self, queue: str) -> list[DeadLetter]:
        return self.broker.dead_letters(queue)
