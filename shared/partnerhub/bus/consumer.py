"""The idempotent consumer: a handler's changes and the event's id commit together.

``SUBSCRIPTIONS = {EventClass: on_event}``; each handler is
``async def on_event(uow, event) -> None`` and must not commit: the consumer does.
A redelivered event finds its id in the inbox and is acknowledged without effect.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from opentelemetry.trace import Tracer

from partnerhub import faults
from partnerhub.bus.contracts import EVENTS_BY_TYPE
from partnerhub.bus.envelope import Envelope, Event
from partnerhub.db.uow import Database, TodaySource, UnitOfWork
from partnerhub.logging import get_logger, log_context
from partnerhub.metrics import ServiceMetrics
from partnerhub.settings import ServiceSettings
from partnerhub.tracing import consuming

log = get_logger(__name__)

EventHandler = Callable[[UnitOfWork, Any], Awaitable[None]]
Subscriptions = Mapping[type[Event], EventHandler]


class UnknownEventType(ValueError):
    pass


class EventConsumer:
    def __init__(
        self,
        db: Database,
        subscriptions: Subscriptions,
        metrics: ServiceMetrics,
        *,
        tracer: Tracer | None = None,
        today: TodaySource | None = None,
        settings: ServiceSettings | None = None,
    ) -> None:
        self.db = db
        self.today = today  # the service's clock: a handler's ``uow.today()``
        self.settings = settings  # the service's settings: a handler's ``uow.settings``
        self.metrics = metrics
        self.tracer = tracer
        self.handlers: dict[str, tuple[type[Event], EventHandler]] = {
            cls.TYPE: (cls, handler) for cls, handler in subscriptions.items()
        }

    @property
    def bindings(self) -> list[str]:
        return sorted(self.handlers)

    async def handle(self, envelope: Envelope) -> None:
        service = self.db.producer
        with log_context(
            correlation_id=envelope.correlation_id, event_id=str(envelope.id), event_type=envelope.type, service=service
        ), consuming(self.tracer, envelope, service):
            entry = self.handlers.get(envelope.type)
            if entry is None:
                raise UnknownEventType(f"{service} has no handler for {envelope.type}")
            cls, handler = entry
            event = cls.model_validate(envelope.payload)
            started = time.perf_counter()
            try:
                async with self.db.uow(today=self.today, settings=self.settings) as uow:
                    if not await uow.claim_inbox(envelope):
                        self.metrics.duplicates.labels(service, envelope.type).inc()
                        log.info("event already applied; skipped")
                        return
                    await handler(uow, event)
                    faults.point("consumer.in_transaction")
                    await uow.commit()
                faults.point("consumer.after_commit")
            except Exception:
                self.metrics.failed.labels(service, envelope.type).inc()
                log.exception("event handler failed")
                raise
            finally:
                self.metrics.handler_latency.labels(service, envelope.type).observe(time.perf_counter() - started)
            self.metrics.consumed.labels(service, envelope.type).inc()
            log.info("event applied")


    async def handle_batch(self, envelopes: list[Envelope]) -> None:
        """Apply many events in one transaction (one bulk inbox insert, one commit).

        Raises if any of them fails: the transport then handles each message alone, so one
        poison message keeps its own retries and dead-lettering and never holds the others back.
        """
        service = self.db.producer
        entries = []
        for envelope in envelopes:
            entry = self.handlers.get(envelope.type)
            if entry is None:
                raise UnknownEventType(f"{service} has no handler for {envelope.type}")
            entries.append((envelope, entry[0].model_validate(envelope.payload), entry[1]))
        started = time.perf_counter()
        applied: list[Envelope] = []
        async with self.db.uow(today=self.today, settings=self.settings) as uow:
            fresh = await uow.claim_inbox_many(envelopes)
            for envelope, event, handler in entries:
                if str(envelope.id) not in fresh:
                    self.metrics.duplicates.labels(service, envelope.type).inc()
                    continue
                fresh.discard(str(envelope.id))  # the same event twice in one batch applies once
                uow.message = envelope
                with log_context(
                    correlation_id=envelope.correlation_id, event_id=str(envelope.id), event_type=envelope.type, service=service
                ), consuming(self.tracer, envelope, service):
                    await handler(uow, event)
                applied.append(envelope)
            faults.point("consumer.in_transaction", len(envelopes))
            await uow.commit()
        faults.point("consumer.after_commit", len(envelopes))
        elapsed = (time.perf_counter() - started) / max(1, len(envelopes))
        for envelope in applied:
            self.metrics.consumed.labels(service, envelope.type).inc()
            self.metrics.handler_latency.labels(service, envelope.type).observe(elapsed)
        log.info("events applied", count=len(applied), skipped=len(envelopes) - len(applied), service=service)


def known_types() -> list[str]:
    return sorted(EVENTS_BY_TYPE)
