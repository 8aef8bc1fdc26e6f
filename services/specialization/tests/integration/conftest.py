"""Helpers for the specialization integration tests: a running service, events fed on its own transport."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from partnerhub.bus import contracts as c
from partnerhub.bus.envelope import Envelope, Event
from partnerhub.testing import deliver, eventually
from specialization.app import SERVICE

PARTNER = "BG-1001"
CATALOG = {
    "name": "Advanced Collaboration Architecture",
    "level": "advanced_architecture",
    "roles": {
        "AM": [{"exams": ["700-001"]}],
        "SE": [{"certification": "CCNP"}],
        "FE": [{"certification": "CQS-IPT", "exams": ["642-437"]}],
    },
}


class Driver:
    """One running specialization service, driven the way other services and people would."""

    def __init__(self, system: Any) -> None:
        self.system = system
        self.runtime = system.runtimes["specialization"]
        self.client = system.clients["specialization"]
        self.staff = system.staff()
        self.admin = system.token("admin.1001", "partner_admin", admin_of=[PARTNER])

    async def publish(self, *events: Event, producer: str = "test") -> None:
        await self.runtime.transport.publish([Envelope.wrap(e, producer=producer) for e in events])

    async def settle(self, check, timeout: float = 20.0) -> Any:  # type: ignore[no-untyped-def]
        return await eventually(check, timeout=timeout)

    async def feed(self, *events: Event) -> None:
        """Publish and wait until every one is applied (its id is in the inbox)."""
        await deliver(self.runtime, *events, producer="test")

    async def today(self, day: date) -> None:
        r = await self.client.put("/v1/admin/today", params={"wait": "true"}, json={"date": day.isoformat()}, headers=self.staff)
        assert r.status_code == 200, r.text

    async def catalog(self, code: str = "ADV-COLLAB", body: dict | None = None) -> None:
        r = await self.client.put(f"/v1/specializations/{code}", json=body or CATALOG, headers=self.staff)
        assert r.status_code in (200, 201), r.text

    async def member(self, cco_id: str, since: date, partner: str = PARTNER) -> None:
        await self.feed(c.MembershipStarted(cco_id=cco_id, be_geo_id=partner, started_on=since))

    async def qualified_team(self, since: date, partner: str = PARTNER, prefix: str = "") -> dict[str, str]:
        """Three members who qualify for AM (exam), SE (CCNP until 2035), FE (exam of the Specialist badge)."""
        team = {"AM": f"{prefix}am.{partner}", "SE": f"{prefix}se.{partner}", "FE": f"{prefix}fe.{partner}"}
        events: list[Event] = []
        for cco in team.values():
            events.append(c.MembershipStarted(cco_id=cco, be_geo_id=partner, started_on=since))
        events += [
            c.ExamPassed(cco_id=team["AM"], exam_number="700-001", passed_on=date(2010, 5, 1), result_id=uuid.uuid4().hex),
            c.BadgeAchieved(cco_id=team["SE"], certification="CCNP", kind="professional", achieved_on=since, expires_on=date(2035, 1, 1)),
            c.ExamPassed(cco_id=team["FE"], exam_number="642-437", passed_on=date(2012, 3, 3), result_id=uuid.uuid4().hex),
        ]
        await self.feed(*events)
        return team

    async def apply(self, roles: dict[str, str], code: str = "ADV-COLLAB", partner: str = PARTNER, headers=None):  # type: ignore[no-untyped-def]
        return await self.client.post(
            f"/v1/partners/{partner}/specializations/{code}/applications", json={"roles": roles}, headers=headers or self.staff
        )

    async def status(self, code: str = "ADV-COLLAB", partner: str = PARTNER) -> dict:
        r = await self.client.get(f"/v1/partners/{partner}/specializations/{code}", headers=self.staff)
        assert r.status_code == 200, r.text
        return r.json()

    async def credit(self, points: int, earned_on: date, code: str = "ADV-COLLAB", partner: str = PARTNER, activity: str = "act-1", cco_id: str = "learner") -> None:
        await self.feed(
            c.PartnerCredited(
                credit_id=uuid.uuid4().hex, be_geo_id=partner, cco_id=cco_id, entry_id=uuid.uuid4().hex,
                activity_id=activity, points=points, earned_on=earned_on, specializations=[code],
            )
        )

    async def outbox(self, type_: str, partner: str | None = None) -> list[dict]:
        """Events this service produced (its outbox), payloads in order; ``partner``: only that partner's."""
        from sqlalchemy import select

        box = self.runtime.db.outbox
        async with self.runtime.db.engine.connect() as conn:
            rows = (await conn.execute(select(box.c.envelope).where(box.c.type == type_).order_by(box.c.seq))).all()
        payloads = [r[0]["payload"] for r in rows]
        return [p for p in payloads if partner is None or p.get("be_geo_id") == partner]


@pytest.fixture
def start(system_factory):  # type: ignore[no-untyped-def]
    """``async with start(start_date=...) as sp:`` a Driver over a running service."""
    import contextlib

    @contextlib.asynccontextmanager
    async def _start(**overrides: Any):  # type: ignore[no-untyped-def]
        async with system_factory(SERVICE, **overrides) as system:
            yield Driver(system)

    return _start
