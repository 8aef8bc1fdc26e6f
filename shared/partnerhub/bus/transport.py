"""What a transport promises, whichever it is (RabbitMQ or in-process).

- ``publish`` returns only once every envelope is confirmed (the broker has it
  durably, or in-process: every bound queue has handled or dead-lettered it);
  otherwise it raises ``TransportError`` and the outbox publishes again later.
- a queue gets a message once per binding match; a handler that raises gets the
  message again, up to ``delivery_limit`` deliveries; then the message goes to
  the queue's dead-letter queue with the error. It is never acknowledged and forgotten.
- messages that match no binding are kept (the unrouted queue), never dropped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from partnerhub.bus.envelope import Envelope

Handler = Callable[[Envelope], Awaitable[None]]


class TransportError(RuntimeError):
    """Publishing failed or is not possible now (not connected, not confirmed, timed out)."""


@dataclass
class Subscription:
    queue: str
    bindings: list[str]
    handler: Handler
    delivery_limit: int = 5
    prefetch: int = 50
    on_dead_letter: Callable[[str, str], None] | None = None  # (event type, error)
    # optional: apply what has arrived together in one transaction (falls back to `handler` one by one)
    batch_handler: Callable[[list[Envelope]], Awaitable[None]] | None = None
    batch_size: int = 100


@dataclass
class DeadLetter:
    envelope: Envelope | None
    body: bytes
    error: str
    queue: str
    deliveries: int = 0
    extra: dict[str, str] = field(default_factory=dict)


class Transport(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def subscribe(self, subscription: Subscription) -> None: ...

    async def publish(self, envelopes: Sequence[Envelope]) -> None: ...

    def is_ready(self) -> bool: ...


def topic_matches(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching: ``*`` is one word, ``#`` is zero or more words."""
    p_words, k_words = pattern.split("."), routing_key.split(".")

    def match(i: int, j: int) -> bool:
        if i == len(p_words):
            return j == len(k_words)
        if p_words[i] == "#":
            return any(match(i + 1, jj) for jj in range(j, len(k_words) + 1))
        if j == len(k_words):
            return False
        return (p_words[i] == "*" or p_words[i] == k_words[j]) and match(i + 1, j + 1)

    return match(0, 0)


def backoff_delay(deliveries: int, base: float = 0.05, cap: float = 2.0) -> float:
    return min(cap, base * (2 ** max(0, deliveries - 1)))


async def cancel_tasks(tasks: Sequence[asyncio.Task[object]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
