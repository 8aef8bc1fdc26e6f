"""One fact, one owner (ARCHITECTURE.md): facts owned by one service and projected by another
agree, through the real bus, in both modes."""

from __future__ import annotations

from datetime import date

from partnerhub.bus.contracts import MembershipStarted
from partnerhub.bus.envelope import Envelope
from partnerhub.registry import discover
from partnerhub.testing import eventually

P = "100001"


async def test_ce12_a_ccie_coded_ccie_rs_counts_as_an_expert_in_both_services(system_factory) -> None:
    """Certification owns the kind; specialization counts by the kind its badge events carry."""
    services = discover()
    async with system_factory(services["certification"], services["specialization"], start_date="2026-03-01") as system:
        cert, spec, staff = system.clients["certification"], system.clients["specialization"], system.staff()
        for number in ("350-401", "400-351"):
            assert (await cert.put(f"/v1/exams/{number}", json={"title": number}, headers=staff)).status_code == 201
        body = {"name": "CCIE Routing and Switching", "kind": "expert", "required_exams": [["350-401"], ["400-351"]]}
        assert (await cert.put("/v1/certifications/CCIE-RS", json=body, headers=staff)).status_code == 201
        for n, number in enumerate(("350-401", "400-351")):
            result = {"external_id": f"x{n}", "cco_id": "eve", "exam_number": number, "taken_on": "2026-02-0" + str(n + 1), "passed": True}
            assert (await cert.post("/v1/exam-results", json=result, headers=staff)).status_code == 201
        # the membership is identity's fact; here it arrives on the bus as identity's event would
        started = MembershipStarted(cco_id="eve", be_geo_id=P, started_on=date(2026, 1, 1))
        await system.runtimes["certification"].transport.publish([Envelope.wrap(started, producer="identity")])

        async def both_count_one_expert() -> bool:
            owner = (await cert.get(f"/v1/partners/{P}/certifications", headers=staff)).json()
            projected = (await spec.get(f"/v1/partners/{P}/program-requirements", headers=staff)).json()
            return owner["certified_individuals"]["expert"] == 1 and projected["counts"]["experts"] == 1

        assert await eventually(both_count_one_expert, timeout=30)
