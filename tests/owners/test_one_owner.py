"""One fact, one owner (ARCHITECTURE.md): facts owned by one service and projected by another
agree, through the real bus, in both modes."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from partnerhub.bus.contracts import ExamPassed, MembershipStarted
from partnerhub.bus.envelope import Envelope
from partnerhub.registry import discover
from partnerhub.testing import System, eventually

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


# learning and specialization -------------------------------------------------------------------
ROLE = {"AM": [{"exams": ["700-001"]}]}


async def _holding(system: System, *codes: str) -> None:
    """``P`` holds each of ``codes`` from 2026-01-01 (anniversary 2027-01-01, cycle 2027), with amy as its AM;
    the membership and the exam arrive on the bus as identity's and certification's events would."""
    spec, staff = system.clients["specialization"], system.staff()
    facts = [
        MembershipStarted(cco_id="amy", be_geo_id=P, started_on=date(2025, 6, 1)),
        ExamPassed(cco_id="amy", exam_number="700-001", passed_on=date(2025, 5, 1), result_id=uuid.uuid4().hex),
    ]
    await system.runtimes["specialization"].transport.publish([Envelope.wrap(e, producer="identity") for e in facts])
    for code in codes:
        body = {"name": code, "level": "advanced_architecture", "roles": ROLE}
        assert (await spec.put(f"/v1/specializations/{code}", json=body, headers=staff)).status_code in (200, 201)

    async def applied() -> bool:
        for code in codes:
            r = await spec.post(f"/v1/partners/{P}/specializations/{code}/applications", json={"roles": {"AM": "amy"}}, headers=staff)
            if r.status_code not in (201, 409):
                return False
        return True

    assert await eventually(applied, timeout=30)  # once amy's membership and exam have arrived


async def _activity(system: System, activity_id: str, **fields: Any) -> None:
    learning, staff = system.clients["learning"], system.staff()
    body = {"title": activity_id, "kind": "online_course", "duration_minutes": 60, **fields}
    r = await learning.put(f"/v1/activities/{activity_id}", json=body, headers=staff)
    assert r.status_code == 200, r.text
    assert (await learning.post(f"/v1/activities/{activity_id}/publish", headers=staff)).status_code == 200


async def _complete(system: System, activity_id: str, on: str) -> None:
    body = {"external_id": uuid.uuid4().hex, "cco_id": "amy", "activity_id": activity_id, "action": "completed", "occurred_at": f"{on}T10:00:00Z"}
    r = await system.clients["learning"].post("/v1/completions", json=body, headers=system.token("lms.client", "system"))
    assert r.status_code in (200, 201), r.text


async def _today(system: System, day: str) -> None:
    for name in ("specialization", "learning"):
        r = await system.clients[name].put("/v1/admin/today", params={"wait": "true"}, json={"date": day}, headers=system.staff())
        assert r.status_code == 200, r.text


async def _both(system: System, code: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(specialization's status, learning's CL View) of ``code`` for ``P``."""
    staff = system.staff()
    status = (await system.clients["specialization"].get(f"/v1/partners/{P}/specializations/{code}", headers=staff)).json()
    view = (await system.clients["learning"].get(f"/v1/partners/{P}/cl-view", headers=staff)).json()
    found = [s for s in view["specializations"] if s["specialization"] == code]
    return status, (found[0] if found else {})


async def test_sp13_cl_view_shows_the_icon_specialization_judges_with_its_own_settings(system_factory, monkeypatch) -> None:
    """SPECIALIZATION_ICON_INACTIVE_MONTHS=5: the grey period ends after five months, for the status and the CL
    View alike (learning used to judge the icon again with six months of its own: "behind" against "inactive")."""
    monkeypatch.setenv("SPECIALIZATION_ICON_INACTIVE_MONTHS", "5")
    services = discover()
    async with system_factory(services["specialization"], services["learning"], start_date="2026-01-01") as system:
        code = "ADV-COLLAB"
        await _holding(system, code)
        await _activity(system, "A20", specializations=[code], explicit_points=20)
        await _activity(system, "B30", specializations=[code], explicit_points=30)
        await _complete(system, "A20", "2026-01-01")

        async def agree(icon: str, points: int) -> bool:
            status, view = await _both(system, code)
            assert (status["icon"], status["points_earned"]) == (icon, points), status
            assert (view.get("icon"), view.get("points_earned")) == (icon, points), view
            return True

        assert await eventually(lambda: agree("inactive", 20), timeout=30)
        await _today(system, "2026-06-01")  # five months: grey ends; 20 < 100 × 151/365
        assert await eventually(lambda: agree("behind", 20), timeout=30)
        await _complete(system, "B30", "2026-06-01")  # a credit: 50 ≥ 41.4
        assert await eventually(lambda: agree("on_target", 50), timeout=30)
        csv = await system.clients["learning"].get(f"/v1/partners/{P}/cl-view", headers={**system.staff(), "Accept": "text/csv"})
        assert ",on_target," in csv.text.splitlines()[1]


async def test_cl3_the_cl_view_total_and_the_renewal_points_count_a_mandatory_item_alike(system_factory) -> None:
    """Which specializations a credit counts toward is learning's, computed once: a mandatory item outside the
    activity's specializations is refused (it would count toward renewal but not in the CL View), and once it is
    among them both services count the same credits, and both see it done."""
    services = discover()
    async with system_factory(services["specialization"], services["learning"], start_date="2026-01-01") as system:
        collab, sec = "ADV-COLLAB", "ADV-SEC"
        await _holding(system, collab, sec)
        mandatory = {"title": "Secure collaboration", "kind": "online_course", "duration_minutes": 60, "explicit_points": 15,
                     "specializations": [collab], "mandatory_for": [{"specialization": sec, "cycle": "2027"}]}
        r = await system.clients["learning"].put("/v1/activities/M15", json=mandatory, headers=system.staff())
        assert r.status_code == 422, r.text
        await _activity(system, "M15", **{**mandatory, "specializations": [collab, sec]})
        await _activity(system, "N10", specializations=[collab], explicit_points=10)

        async def agree(points: dict[str, int], outstanding: list[str]) -> bool:
            for code, expected in points.items():
                status, view = await _both(system, code)
                assert (status["points_earned"], view.get("points_earned")) == (expected, expected), (code, status, view)
                due = outstanding if code == sec else []
                assert status["mandatory_outstanding"] == due, status
                assert [m["activity_id"] for m in view["mandatory_outstanding"]] == due, view
            return True

        assert await eventually(lambda: agree({collab: 0, sec: 0}, ["M15"]), timeout=30)
        await _today(system, "2026-03-01")
        await _complete(system, "M15", "2026-02-01")
        await _complete(system, "N10", "2026-02-02")
        assert await eventually(lambda: agree({collab: 25, sec: 15}, []), timeout=30)
