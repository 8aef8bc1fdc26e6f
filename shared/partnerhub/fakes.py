"""A unit of work without a database, for use-case tests of the rules that only decide and announce.

As cosmicpython's ``FakeUnitOfWork`` (its ``tests/unit/test_handlers.py``): a use case step is handed one, and
the test reads what it emitted and whether it committed. It is a ``UnitOfWork`` (so the use cases' types hold)
whose ``conn`` refuses: a step that reads or writes tables is tested against the real databases instead
(``tests/integration``), never against a fake of them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy.ext.asyncio import AsyncConnection

from partnerhub.bus.envelope import Envelope, Event
from partnerhub.db.uow import Database, UnitOfWork

if TYPE_CHECKING:
    from partnerhub.settings import ServiceSettings


class NeedsTheDatabase(AssertionError):
    """The step under test touched ``uow.conn``: it is no pure rule; test it in integration."""


class _NoDatabase:
    """``uow.db`` of the fake: any use of it is a step that needs the database."""

    def __getattr__(self, name: str) -> Any:
        raise NeedsTheDatabase(f"this step uses the database (uow.db.{name}): test it in tests/integration")


class FakeUnitOfWork(UnitOfWork):
    """``FakeUnitOfWork(today=…, settings=…)``: ``emitted`` lists the events, ``committed`` says whether it committed."""

    def __init__(
        self,
        *,
        today: date,
        settings: ServiceSettings | None = None,
        message: Envelope | None = None,
        producer: str = "test",
    ) -> None:
        self.db = cast(Database, _NoDatabase())  # nothing here may reach a database
        self.settings = settings
        self.message = message
        self.events: list[Envelope] = []
        self.emitted: list[Event] = []  # the same events, in order, as their contract classes
        self.committed = False
        self.rolled_back = False
        self._today = today
        self._producer = producer

    @property
    def conn(self) -> AsyncConnection:
        raise NeedsTheDatabase("this step reads or writes tables: test it against the databases (tests/integration)")

    @property
    def occurred_at(self) -> datetime:
        return self.message.occurred_at if self.message is not None else datetime.now(UTC)

    async def __aenter__(self) -> FakeUnitOfWork:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self.committed:
            self.rolled_back = True

    def emit(self, event: Event, *, key: str | None = None) -> Envelope:
        correlation = self.message.correlation_id if self.message else None
        envelope = Envelope.wrap(event, producer=self._producer, correlation_id=correlation, key=key)
        self.events.append(envelope)
        self.emitted.append(event)
        return envelope

    async def today(self) -> date:
        return self._today

    async def claim_inbox(self, envelope: Envelope) -> bool:
        self.message = envelope
        return True

    async def commit(self) -> None:
        self.committed = True

    async def rollback(self) -> None:
        self.rolled_back = True
        self.events.clear()
        self.emitted.clear()
