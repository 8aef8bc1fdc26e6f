"""One fact, one owner: certification announces an exam replacement, specialization and learning follow it through
the bus (CE-1, SP-4, SP-14, NO-4), in both modes (SQLite + in-process bus; PostgreSQL + RabbitMQ).

Certification's `PUT /v1/exams/NEW {"replaces": "OLD", "replacement_required": true}` is the only write of the fact:
it publishes `certification.exam.replaced`; specialization stops counting passes of OLD (SP-4 no longer applies),
vacates the role of a holder of only OLD and marks the partner non-compliant (SP-14); passing NEW qualifies again and,
NEW being in learning's library, earns its points (SP-14).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from certification.app import SERVICE as CERTIFICATION
from learning.app import SERVICE as LEARNING
from partnerhub.bus import contracts as c
from partnerhub.bus.envelope import Envelope
from partnerhub.testing import System, eventually
from specialization.app import SERVICE as SPECIALIZATION

P = "BG-2001"
SPEC = "ADV-COLLAB"
OLD, NEW = "642-437", "642-438"
TEAM = {"AM": "am.2001", "SE": "se.2001", "FE": "fe.2001"}
ROLE_EXAMS = {"AM": "700-001", "SE": "700-002", "FE": OLD}


async def _ok(r: Any, *codes: int) -> Any:
    assert r.status_code in (codes or (200, 201)), f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
    return r.json()


async def _pass(system: System, cco_id: str, exam: str, on: str) -> None:
    body = {"external_id": f"{cco_id}-{exam}", "cco_id": cco_id, "exam_number": exam, "taken_on": on, "passed": True}
    await _ok(await system.clients["certification"].post("/v1/exam-results", json=body, headers=system.token("testing-center", "system")))


async def _candidates(system: System, role: str) -> list[str]:
    url = f"/v1/partners/{P}/specializations/{SPEC}/roles/{role}/candidates"
    body = await _ok(await system.clients["specialization"].get(url, headers=system.staff()))
    return [x["cco_id"] for x in body["candidates"]]


async def _status(system: System) -> dict[str, Any]:
    return await _ok(await system.clients["specialization"].get(f"/v1/partners/{P}/specializations/{SPEC}", headers=system.staff()))


async def _approved_partner(system: System) -> None:
    """Certification's catalog and results, specialization's catalog, memberships (as identity would send them)."""
    cert, spec, staff = system.clients["certification"], system.clients["specialization"], system.staff()
    for number in ROLE_EXAMS.values():
        await _ok(await cert.put(f"/v1/exams/{number}", json={"title": f"exam {number}"}, headers=staff))
    roles = {role: [{"exams": [exam]}] for role, exam in ROLE_EXAMS.items()}
    await _ok(await spec.put(f"/v1/specializations/{SPEC}", json={"name": "Collab", "level": "advanced_architecture", "roles": roles}, headers=staff))
    joined = [c.MembershipStarted(cco_id=cco, be_geo_id=P, started_on=date(2026, 1, 1)) for cco in TEAM.values()]
    await system.runtimes["certification"].transport.publish([Envelope.wrap(e, producer="identity") for e in joined])
    for role, cco in TEAM.items():
        await _pass(system, cco, ROLE_EXAMS[role], "2012-03-03")

    async def all_qualify() -> bool:
        return all([TEAM[role] in await _candidates(system, role) for role in TEAM])

    await eventually(all_qualify, timeout=30)
    await _ok(await spec.post(f"/v1/partners/{P}/specializations/{SPEC}/applications", json={"roles": TEAM}, headers=staff), 201)


async def test_ce1_sp4_sp14_required_replacement_through_the_bus_disqualifies_and_new_exam_earns_points(system_factory) -> None:
    async with system_factory(CERTIFICATION, SPECIALIZATION, LEARNING, start_date="2027-01-15") as system:
        cert, spec, learn, staff = system.clients["certification"], system.clients["specialization"], system.clients["learning"], system.staff()
        await _approved_partner(system)
        assert (await _status(system))["compliant"] is True
        # SP-14: the new exam is in the library (CL-6)
        activity = {"title": "Collab new exam", "kind": "exam", "exam_number": NEW, "duration_minutes": 120, "explicit_points": 12, "specializations": [SPEC]}
        await _ok(await learn.put("/v1/activities/EX-NEW", json=activity, headers=staff))
        await _ok(await learn.post("/v1/activities/EX-NEW/publish", headers=staff))

        # CE-1: certification, the owner, announces that holders of OLD must take NEW
        announced = {"title": "Collab, new number", "replaces": OLD, "replacement_required": True}
        await _ok(await cert.put(f"/v1/exams/{NEW}", json=announced, headers=staff), 201)
        await _ok(await cert.put(f"/v1/exams/{NEW}", json=announced, headers=staff), 200)  # a repeat says nothing new

        async def projected() -> dict[str, Any] | None:
            r = await spec.get(f"/v1/exams/{OLD}/replacement", headers=staff)
            return r.json() if r.status_code == 200 else None

        assert await eventually(projected, timeout=30) == {
            "exam": OLD, "replaced_by": NEW, "required": True, "effective_on": "2027-01-15", "announced_on": "2027-01-15"
        }

        async def vacated() -> dict[str, Any] | None:
            s = await _status(system)
            return s if s["vacancies"] == ["FE"] else None

        s = await eventually(vacated, timeout=30)
        assert s["compliant"] is False, "SP-14: non-compliant until the role is refilled"
        assert TEAM["FE"] not in await _candidates(system, "FE"), "SP-4: a pass of only the old exam no longer counts"
        assert (await spec.put(f"/v1/exams/{OLD}/replacement", json={"replaced_by": NEW}, headers=staff)).status_code == 405

        # SP-14: the holder retakes: the new exam qualifies again and earns its library points
        await _pass(system, TEAM["FE"], NEW, "2027-01-15")

        async def requalified() -> bool:
            return TEAM["FE"] in await _candidates(system, "FE")

        await eventually(requalified, timeout=30)
        await _ok(await spec.put(f"/v1/partners/{P}/specializations/{SPEC}/roles/FE", json={"cco_id": TEAM["FE"]}, headers=staff))
        assert (await _status(system))["compliant"] is True

        async def earned() -> list[dict[str, Any]]:
            r = await learn.get(f"/v1/individuals/{TEAM['FE']}/points", headers=staff)
            return [i for i in r.json()["items"] if i["activity_id"] == "EX-NEW"] if r.status_code == 200 else []

        (entry,) = await eventually(earned, timeout=30)
        assert (entry["source"], entry["points"], entry["credited_partners"]) == ("exam", 12, [P])

        async def counted() -> bool:
            return (await _status(system))["points_earned"] == 12

        await eventually(counted, timeout=30)

        # exactly one announcement crossed the bus
        box = system.runtimes["certification"].db.outbox
        async with system.runtimes["certification"].db.engine.connect() as conn:
            sent = (await conn.execute(select(box.c.envelope).where(box.c.type == c.ExamReplaced.TYPE))).scalars().all()
        assert [e["payload"]["new_number"] for e in sent] == [NEW]
