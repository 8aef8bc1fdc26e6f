"""The unit of work: one transaction; the events it emits are written to the outbox in it."""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Awaitable, Callable, Hashable, Sequence
from datetime import UTC, date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

import asyncpg
from sqlalchemy import JSON, MetaData, Table, Text, bindparam, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncTransaction

from partnerhub.bus.envelope import Envelope, Event
from partnerhub.combine import batch_contexts
from partnerhub.db.engine import WRITE_OPTION, dialect_of
from partnerhub.tracing import current_trace_context

if TYPE_CHECKING:
    from partnerhub.settings import ServiceSettings

# the business date, read through a connection (inside a unit of work, its own: a second connection would
# wait on the unit of work's SQLite write lock); a service's clock is one (``Clock.today``)
TodaySource = Callable[[AsyncConnection | None], Awaitable[date]]


# below this many rows ``copy_rows`` sends one prepared INSERT per row in a single pipelined round trip; a COPY
# costs two round trips and more work in the driver, which only pays off for many rows (issue 19: a single
# completion went through four one-row COPYs)
COPY_FROM_ROWS = 50


@functools.cache
def _insert_text(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    values = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    return f'INSERT INTO "{table}" ({names}) VALUES ({values})'


class Database:
    """A service's engine plus what a unit of work needs: the producer name and the relay's bell."""

    def __init__(self, engine: AsyncEngine, metadata: MetaData, producer: str) -> None:
        self.engine = engine
        self.metadata = metadata
        self.producer = producer
        self.dialect = dialect_of(str(engine.url))
        self.outbox: Table = metadata.tables["outbox"]
        self.inbox: Table = metadata.tables["inbox"]
        self._after_commit: list[Callable[[], None]] = []

    def on_commit_with_events(self, callback: Callable[[], None]) -> None:
        """Called after a commit that wrote outbox rows (the relay wakes up)."""
        self._after_commit.append(callback)

    def uow(self, *, today: date | TodaySource | None = None, settings: ServiceSettings | None = None) -> UnitOfWork:
        """A unit of work; ``today`` (a date or the clock) and ``settings`` are what its code may ask it for."""
        return UnitOfWork(self, today=today, settings=settings)

    def insert(self, table: Table) -> Any:
        """This dialect's INSERT, which offers on_conflict_do_nothing / on_conflict_do_update."""
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)

    # the dialect differences use cases need, in one place: PostgreSQL locks rows and takes snapshots;
    # SQLite serialises writers anyway (BEGIN IMMEDIATE) and a read transaction is already one snapshot
    def for_update(self, query: Any, *, skip_locked: bool = False, read: bool = False) -> Any:
        """``query`` locking the rows it reads (``skip_locked``: others' locked rows are passed over, for
        queues of work; ``read``: a shared lock) on PostgreSQL; as it is on SQLite, whose writers queue."""
        if self.dialect != "postgresql":
            return query
        return query.with_for_update(skip_locked=skip_locked, read=read)

    async def lock_keys(self, conn: AsyncConnection, column: Any, keys: Sequence[Any], size: int = 1000) -> None:
        """Lock the rows whose ``column`` is one of ``keys``, in key order (so two writers of overlapping sets
        never deadlock); nothing to do on SQLite."""
        if self.dialect != "postgresql" or not keys:
            return
        ordered = sorted(set(keys))
        for start in range(0, len(ordered), size):
            part = ordered[start : start + size]
            await conn.execute(select(column).where(column.in_(part)).order_by(column).with_for_update())

    async def snapshot(self, conn: AsyncConnection) -> None:
        """Make ``conn`` read every figure from one snapshot (a read-only repeatable read on PostgreSQL)."""
        if self.dialect == "postgresql":
            await conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)

    def concurrent_writers(self, wanted: int) -> int:
        """How many writers to run side by side: ``wanted`` where rows lock, one where writers queue."""
        return wanted if self.dialect == "postgresql" else 1

    def insert_ignoring_duplicates(self, table: Table) -> Any:
        """INSERT … ON CONFLICT DO NOTHING for this dialect."""
        return self.insert(table).on_conflict_do_nothing()

    async def copy_rows(
        self, conn: AsyncConnection, table: Table, columns: Sequence[str], records: Sequence[Sequence[Any]]
    ) -> None:
        """Bulk-insert plain rows (tuples in ``columns`` order) in the connection's transaction.

        PostgreSQL: binary ``COPY`` (from ``COPY_FROM_ROWS`` rows; fewer go as one pipelined prepared INSERT),
        which skips SQLAlchemy's per-row parameter processing, so
        values must be what the driver takes (aware datetimes, JSON as text). Duplicates raise
        ``IntegrityError`` and abort the transaction: callers that can meet one retry without it.
        Elsewhere: an ordinary executemany ``INSERT`` (JSON text is stored as it is).
        """
        if not records:
            return
        if self.dialect != "postgresql":
            # SQLite keeps JSON as text: bind the text as it is instead of decoding it for the JSON type
            binds = {c: bindparam(c, type_=Text() if isinstance(table.c[c].type, JSON) else table.c[c].type) for c in columns}
            await conn.execute(insert(table).values(binds), [dict(zip(columns, r, strict=True)) for r in records])
            return
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        if not driver.is_in_transaction():
            await conn.exec_driver_sql("SELECT 1")  # SQLAlchemy begins the transaction on first use
        try:
            if len(records) < COPY_FROM_ROWS:
                await driver.executemany(_insert_text(table.name, tuple(columns)), records)
            else:
                await driver.copy_records_to_table(table.name, records=records, columns=list(columns))
        except asyncpg.UniqueViolationError as exc:
            raise IntegrityError(f"INSERT INTO {table.name}", None, exc) from exc

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(select(1))

    async def dispose(self) -> None:
        await self.engine.dispose()


def _person_of(event: Event) -> Hashable:
    return getattr(event, "cco_id", None)


class UnitOfWork:
    """``async with db.uow() as uow: …; uow.emit(event); await uow.commit()``.

    Only the unit of work commits. Leaving the block without ``commit()`` rolls back.
    """

    def __init__(
        self, db: Database, *, today: date | TodaySource | None = None, settings: ServiceSettings | None = None
    ) -> None:
        self.db = db
        # the business date, or the clock to read it from; the system date when none is given (tools, tests)
        self._today = today
        # the service's settings, handed in by whoever opens the unit of work (the runtime's consumer and
        # daily jobs pass theirs); None outside a runtime
        self.settings = settings
        self.events: list[Envelope] = []
        self.message: Envelope | None = None  # the event being consumed, if any
        # a group commit's writes: each person's request context, for the events about them (``attribute``)
        self.contexts: dict[Hashable, contextvars.Context] = {}
        self._key_of: Callable[[Event], Hashable] = _person_of
        self._conn: AsyncConnection | None = None
        self._tx: AsyncTransaction | None = None
        self._done = False

    @property
    def occurred_at(self) -> datetime:
        """When the change happened: the consumed event's time, or now for a change made by a request."""
        return self.message.occurred_at if self.message is not None else datetime.now(UTC)

    @property
    def conn(self) -> AsyncConnection:
        if self._conn is None:
            raise RuntimeError("unit of work not entered")
        return self._conn

    async def __aenter__(self) -> UnitOfWork:
        self._conn = await self.db.engine.connect()
        await self._conn.execution_options(**{WRITE_OPTION: True})
        self._tx = await self._conn.begin()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if not self._done and self._tx is not None and self._tx.is_active:
                await self._tx.rollback()
        finally:
            if self._conn is not None:
                await self._conn.close()

    def attribute(self, keys: Sequence[Hashable], key_of: Callable[[Event], Hashable] | None = None) -> None:
        """In a group commit (``partnerhub.combine``): ``keys[i]`` says what the batch's i-th write is about (by
        default its person: an event's ``cco_id``; ``key_of`` reads the same key from an event). An event with
        one of these keys then carries that write's request context (its correlation id and trace)."""
        contexts = batch_contexts()
        if key_of is not None:
            self._key_of = key_of
        for key, context in zip(keys, contexts or (), strict=False):
            self.contexts.setdefault(key, context)

    def emit(self, event: Event, *, key: str | None = None) -> Envelope:
        """Record an event; it is written to the outbox on commit, in the same transaction."""
        context = self.contexts.get(self._key_of(event)) if self.contexts else None
        if context is not None:
            return context.run(self._emit, event, key)
        return self._emit(event, key)

    def _emit(self, event: Event, key: str | None) -> Envelope:
        correlation = self.message.correlation_id if self.message else None
        envelope = Envelope.wrap(
            event, producer=self.db.producer, correlation_id=correlation, key=key, trace_context=current_trace_context()
        )
        self.events.append(envelope)
        return envelope

    async def today(self) -> date:
        """The business date this unit of work was opened with (its service's clock), for rules that need "today"."""
        if isinstance(self._today, date):
            return self._today
        if self._today is None:
            return datetime.now(UTC).date()
        return await self._today(self.conn)

    async def claim_inbox(self, envelope: Envelope) -> bool:
        """Record the event id; False when it was already applied (a redelivery)."""
        self.message = envelope
        stmt = self.db.insert_ignoring_duplicates(self.db.inbox).values(
            event_id=str(envelope.id), type=envelope.type, received_at=datetime.now(UTC)
        )
        result = await self.conn.execute(stmt)
        return result.rowcount == 1

    async def claim_inbox_many(self, envelopes: list[Envelope]) -> set[str]:
        """Record many event ids at once; returns the ids not seen before."""
        now = datetime.now(UTC)
        rows = [{"event_id": str(e.id), "type": e.type, "received_at": now} for e in envelopes]
        stmt = self.db.insert_ignoring_duplicates(self.db.inbox).returning(self.db.inbox.c.event_id)
        return set((await self.conn.execute(stmt, rows)).scalars().all())  # executemany: compiled once, any count

    async def commit(self) -> None:
        if self._tx is None:
            raise RuntimeError("unit of work not entered")
        if self.events:
            now = datetime.now(UTC)
            await self.db.copy_rows(
                self.conn,
                self.db.outbox,
                ("event_id", "type", "envelope", "created_at"),
                [(str(e.id), e.type, e.model_dump_json(), now) for e in self.events],
            )
        await self._tx.commit()
        self._done = True
        if self.events:
            for callback in self.db._after_commit:
                callback()

    async def rollback(self) -> None:
        if self._tx is not None and self._tx.is_active:
            await self._tx.rollback()
        self._done = True
        self.events.clear()
