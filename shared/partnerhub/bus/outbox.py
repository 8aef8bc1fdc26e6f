"""The outbox relay: publishes committed outbox rows, safe with several replicas.

A round claims a batch with a lease (``claimed_until``; PostgreSQL also skips
rows another relay has locked), commits the claim, publishes the batch with
publisher confirms, then marks the rows published. A relay that dies after the
claim leaves rows whose lease runs out; another relay publishes them again, and
the consumers' inbox makes the repeat harmless. No transaction is held open
while publishing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from opentelemetry.trace import Tracer
from sqlalchemy import Row, and_, delete, func, or_, select, update

from partnerhub import faults
from partnerhub.bus.envelope import Envelope
from partnerhub.bus.transport import Transport, TransportError, cancel_tasks
from partnerhub.db.uow import Database
from partnerhub.logging import get_logger
from partnerhub.metrics import ServiceMetrics
from partnerhub.tracing import PublishSpans

log = get_logger(__name__)


class OutboxRelay:
    def __init__(
        self,
        db: Database,
        transport: Transport,
        metrics: ServiceMetrics,
        *,
        batch_size: int = 500,
        poll_interval: float = 0.5,
        lease_seconds: float = 30.0,
        publish_timeout: float = 30.0,
        retention: timedelta = timedelta(days=7),
        tracer: Tracer | None = None,
    ) -> None:
        self.db = db
        self.transport = transport
        self.metrics = metrics
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.lease = timedelta(seconds=lease_seconds)
        self.publish_timeout = publish_timeout
        self.retention = retention
        self.tracer = tracer
        self._bell = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last_housekeeping = 0.0
        db.on_commit_with_events(self.wake)

    def wake(self) -> None:
        self._bell.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"outbox:{self.db.producer}")

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_tasks([self._task])
            self._task = None

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                published = await self.publish_once()
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                published = 0
                self.metrics.publish_errors.labels(self.db.producer).inc()
                level = log.warning if failures < 5 else log.error
                level("outbox round failed", service=self.db.producer, error=repr(exc), failures=failures)
            if published >= self.batch_size:
                continue  # more waiting: go on at once
            delay = self.poll_interval if failures == 0 else min(5.0, self.poll_interval * 2**failures)
            try:
                await asyncio.wait_for(self._bell.wait(), delay)
            except TimeoutError:
                # Python 3.11's wait_for may turn a cancel arriving with the timeout into TimeoutError;
                # swallowing it would keep the relay running and hang stop() forever
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    raise asyncio.CancelledError from None
            self._bell.clear()
            await self._housekeeping()

    async def publish_once(self) -> int:
        """One round; returns how many events were published."""
        if not self.transport.is_ready():
            return 0  # nothing is claimed while the broker is away; the rows wait in the outbox
        rows = await self._claim()
        if not rows:
            return 0
        envelopes = [Envelope.model_validate(row.envelope) for row in rows]
        spans = PublishSpans(self.tracer, envelopes, self.db.producer)
        try:
            await self._publish_within(envelopes)
        except (TransportError, TimeoutError) as exc:
            spans.end(exc)
            await self._release([row.seq for row in rows], repr(exc))
            raise TransportError(f"batch of {len(rows)} events not confirmed; they stay in the outbox: {exc!r}") from exc
        except BaseException as exc:
            spans.end(exc)
            raise
        spans.end()
        faults.point("relay.after_publish", len(rows))
        await self._mark_published([row.seq for row in rows])
        for envelope in envelopes:
            self.metrics.published.labels(self.db.producer, envelope.type).inc()
        return len(rows)

    async def _publish_within(self, envelopes: list[Envelope]) -> None:
        """The transport's publish, given up after ``publish_timeout`` without waiting for it to finish
        cancelling: a publish stuck on a silently hung connection may never return, and ``wait_for`` would
        wait for it (it awaits the cancelled task). The rows are released and published again, and the
        inbox drops the copy if the abandoned publish is confirmed after all."""
        publishing = asyncio.ensure_future(self.transport.publish(envelopes))
        try:
            done, _ = await asyncio.wait({publishing}, timeout=self.publish_timeout)
        except BaseException:
            publishing.cancel()
            raise
        if not done:
            publishing.cancel()
            publishing.add_done_callback(_ignore_outcome)
            raise TimeoutError(f"publish of {len(envelopes)} events not confirmed within {self.publish_timeout} s")
        publishing.result()

    async def _claim(self) -> Sequence[Row[Any]]:
        outbox = self.db.outbox
        now = datetime.now(UTC)
        async with self.db.uow() as uow:
            candidates = (
                select(outbox.c.seq, outbox.c.envelope)
                .where(outbox.c.published_at.is_(None))
                .where(or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now))
                .order_by(outbox.c.seq)
                .limit(self.batch_size)
            )
            rows = (await uow.conn.execute(self.db.for_update(candidates, skip_locked=True))).all()
            if rows:
                await uow.conn.execute(
                    update(outbox)
                    .where(outbox.c.seq.in_([r.seq for r in rows]))
                    .values(claimed_until=now + self.lease, attempts=outbox.c.attempts + 1)
                )
            await uow.commit()
        return rows

    async def _release(self, seqs: list[int], error: str) -> None:
        outbox = self.db.outbox
        async with self.db.uow() as uow:
            await uow.conn.execute(
                update(outbox).where(outbox.c.seq.in_(seqs)).values(claimed_until=None, last_error=error[:2000])
            )
            await uow.commit()

    async def _mark_published(self, seqs: list[int]) -> None:
        outbox = self.db.outbox
        async with self.db.uow() as uow:
            await uow.conn.execute(
                update(outbox)
                .where(outbox.c.seq.in_(seqs))
                .values(published_at=datetime.now(UTC), claimed_until=None, last_error=None)
            )
            await uow.commit()

    async def backlog(self) -> int:
        outbox = self.db.outbox
        async with self.db.engine.connect() as conn:
            count = await conn.scalar(select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None)))
        return int(count or 0)

    async def _housekeeping(self) -> None:
        """Every ~10 s: the backlog gauge; every ~10 min: delete old published rows."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        if now - self._last_housekeeping < 10:
            return
        first = self._last_housekeeping == 0.0
        self._last_housekeeping = now
        try:
            self.metrics.outbox_backlog.labels(self.db.producer).set(await self.backlog())
            if first or int(now) % 600 < 10:
                outbox = self.db.outbox
                cutoff = datetime.now(UTC) - self.retention
                async with self.db.uow() as uow:
                    await uow.conn.execute(
                        delete(outbox).where(and_(outbox.c.published_at.is_not(None), outbox.c.published_at < cutoff))
                    )
                    await uow.commit()
        except Exception as exc:  # housekeeping never stops the relay
            log.warning("outbox housekeeping failed", error=repr(exc))


def _ignore_outcome(task: asyncio.Future[None]) -> None:
    """An abandoned publish ends however it ends; its outcome is read so asyncio does not log it."""
    if not task.cancelled():
        task.exception()
