"""Which exams make up a certification is certification's fact, per version (CE-4, CE-10, SP-4): through the
real bus, in both modes, specialization learns the components from certification's own catalog write."""

from __future__ import annotations

from datetime import date

from partnerhub.bus.contracts import MembershipStarted
from partnerhub.bus.envelope import Envelope
from partnerhub.registry import discover
from partnerhub.testing import eventually

P = "100001"


async def test_ce10_sp4_a_role_naming_a_specialist_badge_keeps_its_holder_by_the_exams_when_the_badge_expires(
    system_factory,
) -> None:
    services = discover()
    async with system_factory(services["certification"], services["specialization"], start_date="2026-03-01") as system:
        cert, spec, staff = system.clients["certification"], system.clients["specialization"], system.staff()
        for number in ("X1", "X2"):
            assert (await cert.put(f"/v1/exams/{number}", json={"title": number}, headers=staff)).status_code == 201
        body = {"name": "A Specialist", "kind": "cqs_specialist", "required_exams": [["X1", "X2"]]}
        assert (await cert.put("/v1/certifications/SPEC", json=body, headers=staff)).status_code == 201
        for n, number in enumerate(("X1", "X2")):
            result = {"external_id": f"s{n}", "cco_id": "sue", "exam_number": number, "taken_on": "2026-02-01", "passed": True}
            assert (await cert.post("/v1/exam-results", json=result, headers=staff)).status_code == 201
        started = MembershipStarted(cco_id="sue", be_geo_id=P, started_on=date(2025, 1, 1))
        await system.runtimes["specialization"].transport.publish([Envelope.wrap(started, producer="identity")])
        # the role names only the badge: no second list of its exams
        role = {"name": "Spec", "level": "advanced_architecture", "roles": {"SE": [{"certification": "SPEC"}]}}
        assert (await spec.put("/v1/specializations/S1", json=role, headers=staff)).status_code == 201

        async def applied() -> bool:
            r = await spec.post(f"/v1/partners/{P}/specializations/S1/applications", json={"roles": {"SE": "sue"}}, headers=staff)
            return r.status_code == 201

        assert await eventually(applied, timeout=30)
        # the badge expires on 2028-02-01 (24 months); the day after, sue still holds the role by its exams
        for name in ("certification", "specialization"):
            r = await system.clients[name].put("/v1/admin/today", params={"wait": "true"}, json={"date": "2028-02-02"}, headers=staff)
            assert r.status_code == 200, r.text
        badges = (await cert.get("/v1/individuals/sue/certifications", headers=staff)).json()
        assert {b["certification"]: b["status"] for b in badges.get("certifications", badges.get("items", []))}["SPEC"] == "expired"

        async def still_held() -> dict:  # type: ignore[type-arg]
            status = (await spec.get(f"/v1/partners/{P}/specializations/S1", headers=staff)).json()
            return status if status["roles"] and status["roles"][0]["holder"] == "sue" else {}

        status = await eventually(still_held, timeout=30)
        se = status["roles"][0]
        assert not se["vacant"] and se["vacates_on"] is None, se
        assert status["compliant"] is True, status
