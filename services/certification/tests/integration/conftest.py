"""Helpers for the certification integration tests (both modes via ``system_factory``)."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from partnerhub.bus.envelope import Envelope, Event
from partnerhub.service import ServiceRuntime
from partnerhub.testing import System

EXAMS = {
    "A1": {"title": "CCNA exam"},
    "D1": {"title": "CCDA exam"},
    "P1": {"title": "CCNP one"},
    "P2": {"title": "CCNP two"},
    "T1": {"title": "technical CQS exam", "technical": True},
    "R1": {"title": "Representative exam"},
}
CERTIFICATIONS = {
    "CCNA": {"name": "CCNA", "kind": "associate", "required_exams": [["A1"]]},
    "CCDA": {"name": "CCDA", "kind": "associate", "required_exams": [["D1"]]},
    "CCNP": {"name": "CCNP", "kind": "professional", "required_exams": [["P1", "P2"]], "prerequisites": ["CCNA"]},
    "CQS-S": {"name": "Specialist", "kind": "cqs_specialist", "required_exams": [["T1"]], "prerequisites": ["CCNA", "CCDA"]},
    "CQS-R": {"name": "Representative", "kind": "cqs_representative", "required_exams": [["R1"]]},
}


class Helpers:
    async def catalog(self, system: System) -> None:
        client = system.clients["certification"]
        for number, body in EXAMS.items():
            r = await client.put(f"/v1/exams/{number}", json=body, headers=system.staff())
            assert r.status_code == 201, r.text
        for code, body in CERTIFICATIONS.items():
            r = await client.put(f"/v1/certifications/{code}", json=body, headers=system.staff())
            assert r.status_code == 201, r.text

    async def result(
        self, system: System, external_id: str, cco_id: str, exam: str, on: str, passed: bool = True
    ) -> httpx.Response:
        return await system.clients["certification"].post(
            "/v1/exam-results",
            json={"external_id": external_id, "cco_id": cco_id, "exam_number": exam, "taken_on": on, "passed": passed},
            headers=system.token("testing-center", "system"),
        )

    async def today(self, system: System, day: str) -> None:
        r = await system.clients["certification"].put("/v1/admin/today", params={"wait": "true"}, json={"date": day}, headers=system.staff())
        assert r.status_code == 200, r.text

    async def events(self, system: System, type_: str, cco_id: str | None = None) -> list[dict[str, Any]]:
        """Payloads of the events the service committed to its outbox, oldest first."""
        runtime = system.runtimes["certification"]
        outbox = runtime.db.outbox
        async with runtime.db.engine.connect() as conn:
            rows = (await conn.execute(select(outbox.c.envelope).where(outbox.c.type == type_).order_by(outbox.c.seq))).scalars()
            payloads = [row["payload"] for row in rows]
        return [p for p in payloads if cco_id is None or p.get("cco_id") == cco_id]

    async def badges(self, system: System, cco_id: str) -> dict[str, dict[str, Any]]:
        r = await system.clients["certification"].get(f"/v1/individuals/{cco_id}/certifications", headers=system.staff())
        assert r.status_code == 200, r.text
        return {b["certification"]: b for b in r.json()["certifications"]}

    async def publish(self, runtime: ServiceRuntime, *events: Event) -> None:
        await runtime.transport.publish([Envelope.wrap(e, producer="identity") for e in events])


@pytest.fixture
def h() -> Helpers:
    return Helpers()


def d(value: str) -> date:
    return date.fromisoformat(value)
