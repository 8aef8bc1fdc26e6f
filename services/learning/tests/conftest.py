"""Helpers for the learning tests: a running learning service, fed the events it consumes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest

from learning.app import SERVICE
from partnerhub.bus.contracts import (
    ExamPassed,
    IndividualMerged,
    MembershipEnded,
    MembershipStarted,
    StatusChanged,
)
from partnerhub.bus.envelope import Envelope, Event
from partnerhub.testing import System, deliver


class Learning:
    def __init__(self, system: System) -> None:
        self.system = system
        self.runtime = system.runtimes["learning"]
        self.client = system.clients["learning"]
        self.staff = system.staff()
        self.lms = system.token("lms.client", "system")

    # the clock and the library -------------------------------------------------------------------
    async def today(self, day: str) -> None:
        r = await self.client.put("/v1/admin/today", params={"wait": "true"}, json={"date": day}, headers=self.staff)
        assert r.status_code == 200, r.text

    async def activity(self, activity_id: str, *, publish: bool = True, **fields: Any) -> dict[str, Any]:
        body = {"title": activity_id, "kind": "online_course", "duration_minutes": 60, "specializations": ["ENT"]}
        body.update(fields)
        r = await self.client.put(f"/v1/activities/{activity_id}", json=body, headers=self.staff)
        assert r.status_code == 200, r.text
        if publish:
            r = await self.client.post(f"/v1/activities/{activity_id}/publish", headers=self.staff)
            assert r.status_code == 200, r.text
        return r.json()

    # events from other services -----------------------------------------------------------------
    async def publish(self, event: Event, producer: str = "identity") -> None:
        await self.runtime.transport.publish([Envelope.wrap(event, producer=producer)])

    async def applied(self, event: Event, producer: str = "identity") -> None:
        """Publish and wait until the consumer has applied it (its id is in the inbox)."""
        await deliver(self.runtime, event, producer=producer)

    async def join(self, cco_id: str, partner: str, on: str) -> None:
        await self.applied(MembershipStarted(cco_id=cco_id, be_geo_id=partner, started_on=date.fromisoformat(on)))

    async def leave(self, cco_id: str, partner: str, started: str, on: str) -> None:
        await self.applied(
            MembershipEnded(
                cco_id=cco_id, be_geo_id=partner, started_on=date.fromisoformat(started), ended_on=date.fromisoformat(on)
            )
        )

    async def merge(self, survivor: str, retired: list[str], on: str = "2026-06-01") -> None:
        await self.applied(IndividualMerged(survivor=survivor, retired=retired, merged_on=date.fromisoformat(on)))

    async def exam(self, cco_id: str, number: str, on: str) -> None:
        await self.applied(
            ExamPassed(cco_id=cco_id, exam_number=number, passed_on=date.fromisoformat(on), result_id=uuid.uuid4().hex),
            producer="certification",
        )

    async def period(
        self, partner: str, spec: str, start: str, end: str, required: int = 100, status: str = "approved",
        icon: str | None = None,
    ) -> None:
        await self.applied(
            StatusChanged(
                be_geo_id=partner,
                specialization=spec,
                status=status,  # type: ignore[arg-type]
                level="advanced_architecture",
                anniversary=date.fromisoformat(end),
                period_start=date.fromisoformat(start),
                period_end=date.fromisoformat(end),
                points_required=required,
                icon=icon,  # type: ignore[arg-type]
            ),
            producer="specialization",
        )

    # completions and reads ----------------------------------------------------------------------
    async def complete(self, cco_id: str, activity_id: str, on: str, action: str = "completed", external_id: str | None = None) -> dict[str, Any]:
        body = {
            "external_id": external_id or uuid.uuid4().hex,
            "cco_id": cco_id,
            "activity_id": activity_id,
            "action": action,
            "occurred_at": f"{on}T10:00:00Z",
        }
        r = await self.client.post("/v1/completions", json=body, headers=self.lms)
        assert r.status_code in (200, 201), r.text
        return r.json()

    async def view(self, partner: str, spec: str | None = None) -> dict[str, Any]:
        r = await self.client.get(f"/v1/partners/{partner}/cl-view", headers=self.staff)
        assert r.status_code == 200, r.text
        data = r.json()
        if spec is None:
            return data
        (found,) = [s for s in data["specializations"] if s["specialization"] == spec]
        return found

    async def earned(self, partner: str, spec: str = "ENT") -> int:
        return int((await self.view(partner, spec))["points_earned"])

    async def credits(self, partner: str) -> dict[str, Any]:
        r = await self.client.get(f"/v1/partners/{partner}/points", headers=self.staff, params={"limit": 1000})
        assert r.status_code == 200, r.text
        return r.json()

    async def outbox(self, event_type: str) -> list[dict[str, Any]]:
        """Payloads of the events this service emitted, oldest first."""
        outbox = self.runtime.db.outbox
        async with self.runtime.db.engine.connect() as conn:
            rows = await conn.execute(outbox.select().where(outbox.c.type == event_type).order_by(outbox.c.seq))
            return [r.envelope["payload"] for r in rows]

    async def credit_sum(self, partner: str, entry_id: str | None = None) -> int:
        """The net of every learning.partner.credited event for a partner (what a consumer would total)."""
        events = await self.outbox("learning.partner.credited.v1")
        return sum(e["points"] for e in events if e["be_geo_id"] == partner and (entry_id is None or e["entry_id"] == entry_id))

    async def person(self, cco_id: str) -> dict[str, Any]:
        r = await self.client.get(f"/v1/individuals/{cco_id}/points", headers=self.staff)
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture
async def learning(system_factory, tmp_path) -> AsyncIterator[Learning]:
    async with system_factory(SERVICE, start_date="2026-01-01", data_dir=tmp_path / "data") as system:
        yield Learning(system)
