"""The idempotent consumer: a handler's changes and the event's id commit together.

``SUBSCRIPTIONS = {EventClass: on_event}``; each handler is
``async def on_event(uow, event) -> None`` and must not commit: the consumer does.
A redelivered event finds its id in the inbox and is acknowledged without effect.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
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
ManyHandler = Callable[[UnitOfWork, list[tuple[Envelope, Any]]], Awaitable[None]]


@dataclass(frozen=True)
class Batched:
    """A handler that can also apply, set-based, a run of consecutive events of one batch: ``many`` gets
    them as (envelope, event) pairs in arrival order and must leave what ``one`` applied one after another
    would. Events of different types may share a ``many`` (the identity mirror's profiles and memberships):
    any event of another handler between them ends the run. Called like a plain handler, it is ``one``."""

    one: EventHandler
    many: ManyHandler

    async def __call__(self, uow: UnitOfWork, event: Any) -> None:
        await self.one(uow, event)


Subscriptions = Mapping[type[Event], EventHandler | Batched]


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
            run: list[tuple[Envelope, Any]] = []  # consecutive events of one Batched handler, not applied yet
            run_many: ManyHandler | None = None
            for envelope, event, handler in entries:
                if str(envelope.id) not in fresh:
                    self.metrics.duplicates.labels(service, envelope.type).inc()
                    continue
                fresh.discard(str(envelope.id))  # the same event twice in one batch applies once
                many = handler.many if isinstance(handler, Batched) else None
                if run and run_many is not None and many != run_many:
                    await self._apply_run(uow, run_many, run)
                    run = []
                if many is not None:
                    run.append((envelope, event))
                    run_many = many
                else:
                    uow.message = envelope
                    with log_context(
                        correlation_id=envelope.correlation_id, event_id=str(envelope.id), event_type=envelope.type,
                        service=service,
                    ), consuming(self.tracer, envelope, service):
                        await handler(uow, event)
                applied.append(envelope)
            if run and run_many is not None:
                await self._apply_run(uow, run_many, run)
            faults.point("consumer.in_transaction", len(envelopes))
            await uow.commit()
        faults.point("consumer.after_commit", len(envelopes))
        elapsed = (time.perf_counter() - started) / max(1, len(envelopes))
        for envelope in applied:
            self.metrics.consumed.labels(service, envelope.type).inc()
            self.metrics.handler_latency.labels(service, envelope.type).observe(elapsed)
        log.info("events applied", count=len(applied), skipped=len(envelopes) - len(applied), service=service)


    async def _apply_run(self, uow: UnitOfWork, many: ManyHandler, run: list[tuple[Envelope, Any]]) -> None:
        """A run of one Batched handler in one call; each event still gets its consumer span, and what the
        handler emits carries the last event's trace and correlation."""
        service = self.db.producer
        for envelope, _ in run[:-1]:
            with consuming(self.tracer, envelope, service):
                pass
        last = run[-1][0]
        uow.message = last
        with log_context(
            correlation_id=last.correlation_id, event_id=str(last.id), event_type=last.type, service=service, run=len(run)
        ), consuming(self.tracer, last, service):
            await many(uow, run)


def known_types() -> list[str]:
    return sorted(EVENTS_BY_TYPE)
