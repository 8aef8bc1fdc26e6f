"""Identity API tests run in both modes (SQLite + in-process bus; PostgreSQL + RabbitMQ)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from identity.app import SERVICE
from partnerhub.bus.contracts import EVENTS_BY_TYPE
from partnerhub.bus.envelope import Envelope, Event
from partnerhub.testing import System

TODAY = date(2027, 3, 1)  # the manual clock's first business date in these tests


@dataclass
class Api:
    """The identity service under test, with a few shortcuts."""

    system: System

    @property
    def http(self) -> httpx.AsyncClient:
        return self.system.clients["identity"]

    @property
    def runtime(self) -> Any:
        return self.system.runtimes["identity"]

    def staff(self) -> dict[str, str]:
        return self.system.staff()

    def as_(self, sub: str, *roles: str, admin_of: tuple[str, ...] = (), pam_of: tuple[str, ...] = ()) -> dict[str, str]:
        return self.system.token(sub, *roles, admin_of=admin_of, pam_of=pam_of)

    async def partner(self, be_geo_id: str, name: str = "Acme", country: str = "DE") -> None:
        r = await self.http.post(
            "/v1/partners", json={"be_geo_id": be_geo_id, "name": name, "country": country}, headers=self.staff()
        )
        assert r.status_code == 201, r.text

    async def person(self, cco_id: str, name: str | None = None, email: str | None = None, **extra: Any) -> None:
        body = {"cco_id": cco_id, "name": name or cco_id.title(), "email": email or f"{cco_id}@example.com", **extra}
        r = await self.http.post("/v1/individuals", json=body, headers=self.staff())
        assert r.status_code == 201, r.text

    async def join(self, cco_id: str, be_geo_id: str, on: date | None = None) -> httpx.Response:
        params = {"on": on.isoformat()} if on else None
        r = await self.http.put(f"/v1/partners/{be_geo_id}/members/{cco_id}", params=params, headers=self.staff())
        assert r.status_code == 200, r.text
        return r

    async def move_to(self, day: date) -> None:
        r = await self.http.put("/v1/admin/today", params={"wait": "true"}, json={"date": day.isoformat()}, headers=self.staff())
        assert r.status_code == 200, r.text

    async def events(self, cls: type[Event] | None = None) -> list[Any]:
        """Every event in the outbox, each checked against its shared contract class; of ``cls`` only if given."""
        outbox = self.runtime.db.outbox
        async with self.runtime.db.engine.connect() as conn:
            rows = (await conn.execute(select(outbox.c.envelope).order_by(outbox.c.seq))).scalars().all()
        found = []
        for raw in rows:
            envelope = Envelope.model_validate(raw)
            contract = EVENTS_BY_TYPE[envelope.type]
            assert envelope.producer == "identity"
            assert set(envelope.payload) == set(contract.model_fields), f"{envelope.type}: {envelope.payload}"
            event = contract.model_validate(envelope.payload)
            assert envelope.key == event.aggregate_key()
            if cls is None or contract is cls:
                found.append(event)
        return found

    async def count(self, table: Any) -> int:
        async with self.runtime.db.engine.connect() as conn:
            return int(await conn.scalar(select(func.count()).select_from(table)))


@pytest.fixture
def identity(system_factory: Callable[..., Any]) -> Callable[..., AbstractAsyncContextManager[Api]]:
    """``async with identity() as api:`` the identity service in the test's mode, clock at TODAY."""

    @asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[Api]:
        overrides.setdefault("start_date", TODAY)
        async with system_factory(SERVICE, **overrides) as system:
            yield Api(system)

    return start
