"""Issue 9: a partner's three years through all five services, in both run modes, with identical assertions.

Driven only through the public HTTP APIs and the manual clock; every step is checked through the APIs
and through the mail that reaches a real SMTP server. Each failure names the rule (DOMAIN.md ID) and the
service that should have made it true.

Timeline (the manual clock jumps to the interesting dates only):
- 2026-01-05  catalog, partners, five people (+ a duplicate CCO ID), exam results, application rejected then approved
- 2026-03-02  points: completions, xAPI, an accepted Cisco Live proof, a video downloaded (0) and one viewed
- 2026-06-01  the duplicate is merged: the activity done under both IDs counts once
- 2026-10-07  renewal window mail (90 days before 2027-01-05); renewal submitted
- 2027-01-06  renewed; points reset
- 2027-02-01 / 03-01  a points-earning member earns, then moves to another partner (Previous Employee, both credited)
- 2027-07-05 / 10-05  6- and 3-month reminders for the Specialist CQS, never for the Representative one
- 2028-01-06  short of points: grace mail;  2028-01-16 lost; a new application is refused (SP-12)
- 2028-02-01  points reached: reactivation, new anniversary
- 2028-10-07  the FE holder's CCNA ends within 90 days: at-risk mail;  2028-10-08 they leave: vacated mail, vacancy shown
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from email.header import decode_header, make_header
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness import STAFF, Topology, eventually_http, run_topology, smtp_sink, token

P1, P2 = "910001", "910002"  # BE GEO IDs: the partner of the story, the partner someone moves to
ADV, EXP = "E2E-ADV-ARCH", "E2E-EXPRESS"  # two specializations of different levels
CCNA, SPEC, REP = "E2E-CCNA", "E2E-CQS-SPEC", "E2E-CQS-REP"
EX_CCNA, EX_AM, EX_SPEC1, EX_SPEC2, EX_REP = "810-100", "810-001", "810-201", "810-202", "810-301"

PEOPLE = {  # cco_id: name (the five members of P1, the duplicate ID of sam, and P2's admin)
    "ada.e2e": "Ada Admin",
    "amy.e2e": "Amy Accountmanager",
    "sam.e2e": "Sam Systemsengineer",
    "fred.e2e": "Fred Fieldengineer",
    "lea.e2e": "Lea Learner",
    "sam2.e2e": "Sam Systemsengineer",
    "gil.e2e": "Gil Globex",
}
ADA_TOKEN = token("ada.e2e", "individual", "partner_admin", admin_of=(P1,))


def email_of(cco_id: str) -> str:
    # sam's duplicate ID was registered with the same address (ID-5: same e-mail)
    return f"{'sam.e2e' if cco_id == 'sam2.e2e' else cco_id}@partner.example"


def subject(message: Message) -> str:
    return re.sub(r"\s+", " ", str(make_header(decode_header(message["Subject"] or ""))))


def body(message: Message) -> str:
    part = next((p for p in message.walk() if p.get_content_type() == "text/plain"), message)
    payload = part.get_payload(decode=True)
    return (
        payload.decode(part.get_content_charset() or "utf-8")
        if isinstance(payload, bytes)
        else str(payload)
    )


@pytest.fixture(params=["standalone", "multi"])
def topology_mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def system(
    topology_mode: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[Topology, Any]]:
    extra: dict[str, Any] = {}
    if topology_mode == "multi":
        extra = {
            "databases": request.getfixturevalue("databases"),
            "broker": request.getfixturevalue("broker"),
            "namespace": request.getfixturevalue("namespace"),
        }
    with smtp_sink() as (sink, port):
        with run_topology(
            topology_mode, tmp_path, start_date="2026-01-05", smtp_port=port, **extra
        ) as topology:
            yield topology, sink


class Story:
    def __init__(self, topology: Topology, client: httpx.AsyncClient, sink: Any) -> None:
        self.t, self.client, self.sink = topology, client, sink

    async def call(
        self,
        method: str,
        service: str,
        path: str,
        *,
        what: str,
        expect: tuple[int, ...] = (200, 201),
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        r = await self.client.request(
            method, self.t.url(service, path), headers=headers or STAFF, **kwargs
        )
        assert r.status_code in expect, (
            f"{what} [{service}]: {method} {path} answered {r.status_code}: {r.text[:1500]}"
        )
        return r

    async def get(
        self, service: str, path: str, *, what: str, headers: dict[str, str] | None = None
    ) -> Any:
        return (
            await self.call("GET", service, path, what=what, expect=(200,), headers=headers)
        ).json()

    async def until(self, check: Any, what: str, timeout: float = 45.0) -> Any:
        return await eventually_http(check, what=what, topology=self.t, timeout=timeout)

    async def clock(self, day: str) -> None:
        await self.t.move_clock(self.client, day)

    def mails(self, address: str, contains: str) -> list[Message]:
        return [m for m in self.sink.to(address) if contains in subject(m)]

    async def mail(self, address: str, contains: str, what: str, count: int = 1) -> Message:
        async def arrived() -> list[Message]:
            found = self.mails(address, contains)
            assert len(found) <= count, (
                f"{len(found)} mails {contains!r} to {address}, expected {count} (NO-3: once per cause)"
            )
            return found if len(found) == count else []

        return (await self.until(arrived, what))[-1]

    async def spec_status(self, be_geo_id: str, code: str) -> dict[str, Any]:
        return await self.get(
            "specialization",
            f"/v1/partners/{be_geo_id}/specializations/{code}",
            what="SP-13 specialization: status",
        )

    async def spec_until(
        self, be_geo_id: str, code: str, what: str, **expected: Any
    ) -> dict[str, Any]:
        async def check() -> dict[str, Any] | None:
            s = await self.spec_status(be_geo_id, code)
            wrong = {k: s.get(k) for k, v in expected.items() if s.get(k) != v}
            assert not wrong, f"{code} at {be_geo_id}: {wrong} (expected {expected})"
            return s

        return await self.until(check, what)

    async def cl_view(
        self, be_geo_id: str, code: str, headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        view = await self.get(
            "learning",
            f"/v1/partners/{be_geo_id}/cl-view?specialization={code}",
            what="CL-10 learning: CL View",
            headers=headers,
        )
        return view

    async def points_until(self, code: str, earned: int, what: str) -> None:
        """The partner's points for ``code`` as learning's CL View and specialization's status both show them."""

        async def check() -> bool:
            view = await self.cl_view(P1, code)
            spec = next(s for s in view["specializations"] if s["specialization"] == code)
            assert spec["points_earned"] == earned, (
                f"learning CL View shows {spec['points_earned']} points, expected {earned}"
            )
            status = await self.spec_status(P1, code)
            assert status["points_earned"] == earned, (
                f"specialization shows {status['points_earned']} points, expected {earned} (learning.partner.credited)"
            )
            return True

        await self.until(check, what)

    async def complete(
        self, cco_id: str, activity: str, on: str, action: str = "completed", *, expect: str
    ) -> None:
        r = await self.call(
            "POST",
            "learning",
            "/v1/completions",
            what=f"CL-2 learning: {cco_id} {action} {activity}",
            json={
                "items": [
                    {
                        "external_id": f"lms:{cco_id}:{activity}:{action}",
                        "cco_id": cco_id,
                        "activity_id": activity,
                        "action": action,
                        "occurred_at": f"{on}T10:00:00Z",
                    }
                ]
            },
        )
        item = r.json()["items"][0]
        assert item["status"] == expect, (
            f"CL-2/CL-4 learning: {cco_id} {action} {activity} → {item}, expected {expect}"
        )


async def test_three_years(system: tuple[Topology, Any]) -> None:
    topology, sink = system
    async with httpx.AsyncClient(timeout=60) as client:
        s = Story(topology, client, sink)
        await step1_catalog(s)
        await step2_partner_and_people(s)
        await step3_exams(s)
        anniversary = await step4_application(s)
        await step5_points_and_merge(s)
        await step6_renewal(s, anniversary)
        await step7_year_two(s)
        await step8_role_holder_leaves(s)
        await step9_catalog_change_and_exam_replacement(s)


# 1 --------------------------------------------------------------------------------------------------------
async def step1_catalog(s: Story) -> None:
    exams = {
        EX_CCNA: ("E2E CCNA exam", False),
        EX_AM: ("E2E sales for account managers", False),
        EX_SPEC1: ("E2E design (technical)", True),
        EX_SPEC2: ("E2E deploy (technical)", True),
        EX_REP: ("E2E representative", False),
    }
    for number, (title, technical) in exams.items():
        await s.call(
            "PUT",
            "certification",
            f"/v1/exams/{number}",
            what="CE-1 certification: exam catalog",
            json={"title": title, "technical": technical},
        )
    certs = {
        CCNA: {"name": "E2E CCNA", "kind": "associate", "required_exams": [[EX_CCNA]]},
        SPEC: {
            "name": "E2E CQS Specialist",
            "kind": "cqs_specialist",
            "required_exams": [[EX_SPEC1, EX_SPEC2]],
            "prerequisites": [CCNA],
        },
        REP: {
            "name": "E2E CQS Representative",
            "kind": "cqs_representative",
            "required_exams": [[EX_REP]],
        },
    }
    for code, body_ in certs.items():
        await s.call(
            "PUT",
            "certification",
            f"/v1/certifications/{code}",
            what="CE-2 certification: catalog",
            json=body_,
        )
    await s.call(
        "PUT",
        "specialization",
        "/v1/levels/advanced_architecture",
        what="SP-8 specialization: levels",
        json={"points_required": 100},
    )
    await s.call(
        "PUT",
        "specialization",
        "/v1/levels/express",
        what="SP-8 specialization: levels",
        json={"points_required": 40},
    )
    await s.call(
        "PUT",
        "specialization",
        f"/v1/specializations/{ADV}",
        what="SP-3 specialization: catalog",
        json={
            "name": "E2E Advanced Architecture",
            "level": "advanced_architecture",
            "roles": {
                "AM": [{"exams": [EX_AM]}],
                "SE": [
                    {"certification": SPEC, "exams": [EX_SPEC1, EX_SPEC2]}
                ],  # SP-4: the badge OR its exams
                "FE": [{"certification": CCNA}],
            },
        },
    )
    await s.call(
        "PUT",
        "specialization",
        f"/v1/specializations/{EXP}",
        what="SP-1 specialization: catalog",
        json={
            "name": "E2E Express",
            "level": "express",
            "roles": {"AM": [{"exams": [EX_AM]}], "SE": [{"certification": CCNA}]},
        },
    )
    levels = {
        s_["code"]: s_["level"]
        for s_ in await s.get("specialization", "/v1/specializations", what="SP-1 specialization")
    }
    assert levels[ADV] == "advanced_architecture" and levels[EXP] == "express", (
        f"SP-1 specialization: levels {levels}"
    )

    library = {
        "e2e-course-a": {"kind": "online_course", "duration_minutes": 600},  # CL-2: capped at 20
        "e2e-course-b": {"kind": "online_course", "duration_minutes": 600},
        "e2e-course-c": {"kind": "online_course", "duration_minutes": 600},
        "e2e-course-d": {"kind": "online_course", "duration_minutes": 600},
        "e2e-course-e": {"kind": "online_course", "duration_minutes": 600},
        "e2e-mandatory": {
            "kind": "live_course",
            "duration_minutes": 300,  # CL-2: 10 points
            "mandatory_for": [{"specialization": ADV, "cycle": "2027"}],
        },
        "e2e-video": {"kind": "video", "duration_minutes": 90},  # 3 points when viewed (CL-4)
    }
    for activity, fields in library.items():
        await s.call(
            "PUT",
            "learning",
            f"/v1/activities/{activity}",
            what="CL-1 learning: draft",
            json={"title": activity.replace("-", " "), "specializations": [ADV], **fields},
        )
        published = await s.get("learning", "/v1/activities", what="CL-1 learning: library")
        assert activity not in {
            a["id"] if "id" in a else a.get("activity_id") for a in _items(published)
        }, f"CL-1 learning: {activity} visible before review"
        await s.call(
            "POST", "learning", f"/v1/activities/{activity}/publish", what="CL-1 learning: publish"
        )
    published = {
        (a.get("id") or a.get("activity_id")): a
        for a in _items(await s.get("learning", "/v1/activities", what="CL-1"))
    }
    assert published["e2e-course-a"]["points"] == 20, f"CL-2 learning: {published['e2e-course-a']}"
    assert published["e2e-video"]["points"] == 3, f"CL-2 learning: {published['e2e-video']}"


def _items(payload: Any) -> list[dict[str, Any]]:
    return (
        payload
        if isinstance(payload, list)
        else payload.get("items") or payload.get("activities") or []
    )


# 2 --------------------------------------------------------------------------------------------------------
async def step2_partner_and_people(s: Story) -> None:
    for be, name in ((P1, "Acme E2E Networks"), (P2, "Globex E2E")):
        await s.call(
            "POST",
            "identity",
            "/v1/partners",
            what="ID-1 identity: partner registers",
            json={"be_geo_id": be, "name": name, "country": "DE"},
        )
    for cco_id, name in PEOPLE.items():
        await s.call(
            "POST",
            "identity",
            "/v1/individuals",
            what="ID-1 identity: register",
            json={"cco_id": cco_id, "name": name, "email": email_of(cco_id)},
        )
    for cco_id in PEOPLE:
        be = P2 if cco_id == "gil.e2e" else P1
        await s.call(
            "PUT", "identity", f"/v1/partners/{be}/members/{cco_id}", what="ID-1 identity: join"
        )
    await s.call(
        "PUT", "identity", f"/v1/partners/{P1}/admins/ada.e2e", what="ID-1 identity: partner admin"
    )
    await s.call(
        "PUT", "identity", f"/v1/partners/{P2}/admins/gil.e2e", what="ID-1 identity: partner admin"
    )
    members = await s.get(
        "identity", f"/v1/partners/{P1}/members", what="ID-1 identity: members", headers=ADA_TOKEN
    )
    listed = (
        {m["cco_id"] for m in _items(members) or members.get("members", [])}
        if isinstance(members, dict)
        else {m["cco_id"] for m in members}
    )
    assert listed == set(PEOPLE) - {"gil.e2e"}, f"ID-1 identity: members of {P1}: {listed}"
    dups = await s.get("identity", "/v1/duplicates", what="ID-5 identity: duplicates")
    groups = [
        set(
            g.get("cco_ids")
            or [m["cco_id"] if isinstance(m, dict) else m for m in g.get("members", [])]
        )
        for g in _items(dups) or dups.get("groups", [])
    ]
    assert any({"sam.e2e", "sam2.e2e"} <= g for g in groups), f"ID-5 identity: duplicates {dups}"

    async def addresses_known() -> bool:  # notify learns every address from identity's events
        for cco_id in PEOPLE:
            r = await s.client.get(s.t.url("notify", f"/v1/recipients/{cco_id}"), headers=STAFF)
            assert r.status_code == 200, f"{cco_id}: {r.status_code}"
        return True

    await s.until(addresses_known, "ID-1 notify: addresses from identity.individual.registered")


# 3 --------------------------------------------------------------------------------------------------------
async def step3_exams(s: Story) -> None:
    results = [
        ("amy.e2e", EX_AM, "2026-01-05", True),
        (
            "sam.e2e",
            EX_CCNA,
            "2025-06-01",
            True,
        ),  # CCNA held since mid-2025: expires 2028-06-01 ...
        ("sam.e2e", EX_SPEC1, "2026-01-05", True),  # ... a technical CQS exam extends it (CE-7)
        ("sam.e2e", EX_SPEC2, "2026-01-05", True),
        ("sam2.e2e", EX_SPEC2, "2025-12-01", False),  # an attempt under the duplicate ID (ID-2)
        ("fred.e2e", EX_CCNA, "2026-01-05", True),
        ("fred.e2e", EX_REP, "2026-01-05", True),
    ]
    for i, (cco_id, exam, on, passed) in enumerate(results):
        await s.call(
            "POST",
            "certification",
            "/v1/exam-results",
            what="CE-3 certification: exam result",
            json={
                "external_id": f"vue:e2e:{i}",
                "cco_id": cco_id,
                "exam_number": exam,
                "taken_on": on,
                "passed": passed,
            },
        )

    async def badges(cco_id: str) -> dict[str, dict[str, Any]]:
        payload = await s.get(
            "certification", f"/v1/individuals/{cco_id}/certifications", what="CE-3 certification"
        )
        return {b["certification"]: b for b in _items(payload) or payload.get("certifications", [])}

    async def sam_badges() -> dict[str, Any]:
        b = await badges("sam.e2e")
        assert SPEC in b, f"CE-3: sam has {sorted(b)}"
        assert b[SPEC]["achieved_on"] == "2026-01-05" and b[SPEC]["expires_on"] == "2028-01-05", (
            f"CE-4: {b[SPEC]}"
        )
        assert b[CCNA]["expires_on"] == "2029-01-05", (
            f"CE-7: CCNA not extended to pass + 3 years: {b[CCNA]}"
        )
        return b

    await s.until(sam_badges, "CE-3/CE-4/CE-7 certification: sam's badges")

    async def fred_badges() -> dict[str, Any]:
        b = await badges("fred.e2e")
        assert {CCNA, REP} <= set(b), f"CE-3: fred has {sorted(b)}"
        assert b[CCNA]["expires_on"] == "2029-01-05", f"CE-4: associate 3 years: {b[CCNA]}"
        return b

    await s.until(fred_badges, "CE-3/CE-4 certification: fred's badges")
    # the reminders come later (step 7), never now
    assert not s.mails(email_of("sam.e2e"), "reminder"), "CE-6 notify: a reminder too early"


# 4 --------------------------------------------------------------------------------------------------------
async def step4_application(s: Story) -> date:
    apply_path = f"/v1/partners/{P1}/specializations/{ADV}/applications"

    async def specialization_knows_facts() -> bool:
        # specialization learns memberships and badges from events; an application judges on what it knows
        cand = await s.get(
            "specialization",
            f"/v1/partners/{P1}/specializations/{ADV}/roles/FE/candidates",
            what="SP-6 specialization: candidates",
            headers=ADA_TOKEN,
        )
        people = {c["cco_id"] for c in _items(cand) or cand.get("candidates", [])}
        assert "fred.e2e" in people, f"SP-6: FE candidates {cand}"
        return True

    await s.until(
        specialization_knows_facts,
        "SP-6 specialization: candidates from membership and badge events",
    )

    rejected = await s.call(
        "POST",
        "specialization",
        apply_path,
        what="SP-2 specialization: application",
        expect=(422,),
        headers=ADA_TOKEN,
        json={"roles": {"AM": "ada.e2e", "SE": "sam.e2e", "FE": "lea.e2e"}},
    )
    unmet_roles = {u.get("role") for u in rejected.json().get("unmet", [])}
    assert unmet_roles == {"AM", "FE"}, f"SP-2/SP-3 specialization: unmet roles {rejected.json()}"
    approved = await s.call(
        "POST",
        "specialization",
        apply_path,
        what="SP-2 specialization: application",
        expect=(201,),
        headers=ADA_TOKEN,
        json={"roles": {"AM": "amy.e2e", "SE": "sam.e2e", "FE": "fred.e2e"}},
    )
    assert approved.status_code == 201
    status = await s.spec_until(
        P1, ADV, "SP-7 specialization: approved", status="approved", approved_on="2026-01-05"
    )
    assert status["anniversary"] == "2027-01-05", (
        f"SP-7 specialization: anniversary {status['anniversary']}"
    )
    assert status["icon"] == "inactive", (
        f"SP-13 specialization: grey first six months, {status['icon']}"
    )

    async def learning_knows_period() -> bool:
        view = await s.cl_view(P1, ADV, headers=ADA_TOKEN)
        spec = next((x for x in view["specializations"] if x["specialization"] == ADV), None)
        assert spec is not None, f"no {ADV} in {view}"
        assert spec["anniversary"] == "2027-01-05", f"CL View anniversary {spec.get('anniversary')}"
        return True

    await s.until(
        learning_knows_period, "SP-7/CL-10 learning: period from specialization.status.changed"
    )
    return date.fromisoformat(status["anniversary"])


# 5 --------------------------------------------------------------------------------------------------------
async def step5_points_and_merge(s: Story) -> None:
    await s.clock("2026-03-02")
    on = "2026-03-02"
    await s.complete("lea.e2e", "e2e-course-a", on, expect="earned")  # 20
    await s.complete(
        "amy.e2e", "e2e-mandatory", on, expect="earned"
    )  # 10, the mandatory item (CL-3)
    await s.complete("sam.e2e", "e2e-video", on, "downloaded", expect="recorded")  # CL-4: nothing
    await s.complete("lea.e2e", "e2e-video", on, "viewed", expect="earned")  # 3
    await s.complete("sam.e2e", "e2e-course-c", on, expect="earned")  # 20
    await s.complete(
        "sam2.e2e", "e2e-course-c", on, expect="earned"
    )  # 20, the same course under the duplicate ID
    statement = {
        "id": "6f1c8a52-3c2e-4d7e-9a35-0d6a1f1c2e01",
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": "https://id.cisco.example", "name": "sam.e2e"},
        },
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/completed",
            "display": {"en-US": "completed"},
        },
        "object": {"objectType": "Activity", "id": "https://lms.example/activities/e2e-course-b"},
        "timestamp": f"{on}T11:00:00Z",
    }
    await s.call(
        "POST",
        "learning",
        "/v1/xapi/statements",
        what="CL-2 learning: xAPI statement",
        json=statement,
        headers={**STAFF, "X-Experience-API-Version": "1.0.3"},
    )  # 20
    proof = await s.call(
        "POST",
        "learning",
        "/v1/proofs",
        what="CL-5 learning: Cisco Live proof",
        expect=(201,),
        headers=ADA_TOKEN,
        data={
            "cco_id": "fred.e2e",
            "event": "Cisco Live 2026 Amsterdam",
            "specialization": ADV,
            "attended_on": "2026-02-10",
        },
        files={
            "file": (
                "certificate.pdf",
                b"%PDF-1.4\n% attendance certificate\n%%EOF\n",
                "application/pdf",
            )
        },
    )
    await s.points_until(
        ADV, 93, "CL-2/CL-4/CL-7 learning→specialization: points before the proof is accepted"
    )
    await s.call(
        "POST",
        "learning",
        f"/v1/proofs/{proof.json()['proof_id']}/accept",
        what="CL-5 learning: accept proof",
    )
    await s.points_until(
        ADV, 113, "CL-5 learning→specialization: Cisco Live earns 20 once accepted"
    )

    # mid-year: the duplicate CCO ID is merged; the course done under both counts once (ID-2)
    await s.clock("2026-06-01")
    await s.call(
        "POST",
        "identity",
        "/v1/individuals/sam.e2e/merge",
        what="ID-2 identity: merge",
        json={"retire": ["sam2.e2e"]},
    )
    profile = await s.get(
        "identity", "/v1/individuals/sam2.e2e", what="ID-2 identity: retired resolves"
    )
    assert profile["cco_id"] == "sam.e2e" and profile["retired_ids"] == ["sam2.e2e"], (
        f"ID-2 identity: {profile}"
    )
    await s.points_until(
        ADV, 93, "ID-2 learning→specialization: the course done under two IDs counts once"
    )

    async def one_history() -> bool:
        history = await s.get(
            "certification", "/v1/individuals/sam.e2e/exam-history", what="ID-2 certification"
        )
        attempts = [
            h for h in _items(history) or history.get("results", []) if h["exam_number"] == EX_SPEC2
        ]
        assert sorted(h["recorded_as"] for h in attempts) == ["sam.e2e", "sam2.e2e"], (
            f"ID-2: {history}"
        )
        return True

    await s.until(one_history, "ID-2 certification: both attempts in the survivor's history")
    await s.complete("fred.e2e", "e2e-course-d", "2026-06-01", expect="earned")
    await s.points_until(ADV, 113, "CL-7 learning→specialization: a role holder earns too")
    status = await s.spec_status(P1, ADV)
    assert status["mandatory_outstanding"] == [], (
        f"CL-3 specialization: mandatory item done {status}"
    )


# 6 --------------------------------------------------------------------------------------------------------
async def step6_renewal(s: Story, anniversary: date) -> None:
    opens = anniversary - timedelta(days=90)
    ada = email_of("ada.e2e")
    await s.clock((opens - timedelta(days=1)).isoformat())
    r = await s.call(
        "POST",
        "specialization",
        f"/v1/partners/{P1}/specializations/{ADV}/renewals",
        what="SP-9 specialization: too early",
        expect=(409,),
        headers=ADA_TOKEN,
    )
    assert opens.isoformat() in r.text, (
        f"SP-9 specialization: the refusal names when the window opens {r.text}"
    )
    assert not s.mails(ada, "renewal window"), "SP-9 notify: window mail before the window opened"
    await s.clock(opens.isoformat())
    mail = await s.mail(
        ada, f"{ADV}: renewal window open", "SP-9/NO-2 specialization→notify: renewal window mail"
    )
    assert "5 January 2027" in subject(mail), (
        f"NO-2 notify: the anniversary in the subject: {subject(mail)}"
    )
    await s.call(
        "POST",
        "specialization",
        f"/v1/partners/{P1}/specializations/{ADV}/renewals",
        what="SP-9 specialization: renewal",
        expect=(202,),
        headers=ADA_TOKEN,
    )
    await s.clock((anniversary + timedelta(days=1)).isoformat())
    await s.mail(ada, f"{ADV} renewed", "SP-10/NO-2 specialization→notify: renewed mail")
    status = await s.spec_until(
        P1, ADV, "SP-10 specialization: renewed", status="approved", period_start="2027-01-06"
    )
    assert status["anniversary"] == "2028-01-05", f"SP-10 specialization: next anniversary {status}"
    await s.points_until(
        ADV, 0, "SP-10/CL-9 learning+specialization: points reset after renewal (no rollover)"
    )


# 7 --------------------------------------------------------------------------------------------------------
async def step7_year_two(s: Story) -> None:
    ada, sam, fred = email_of("ada.e2e"), email_of("sam.e2e"), email_of("fred.e2e")
    await s.clock("2027-02-01")
    await s.complete("lea.e2e", "e2e-course-e", "2027-02-01", expect="earned")
    await s.points_until(ADV, 20, "CL-7 learning→specialization: year-two points")

    await s.clock("2027-03-01")
    await s.call(
        "PUT",
        "identity",
        f"/v1/partners/{P2}/members/lea.e2e",
        what="ID-3 identity: lea moves to P2",
    )

    async def points_follow_lea() -> bool:
        view = await s.cl_view(P1, ADV, headers=ADA_TOKEN)
        spec = next(x for x in view["specializations"] if x["specialization"] == ADV)
        assert spec["points_earned"] == 20, (
            f"CL-8: the old partner keeps the points, {spec['points_earned']}"
        )
        prev = spec["previous_employees"]
        assert prev["title"] == "Previous Employee" and [p["cco_id"] for p in prev["people"]] == [
            "lea.e2e"
        ], f"CL-8: lea shown as Previous Employee {prev}"
        new = await s.get(
            "learning",
            f"/v1/partners/{P2}/points",
            what="CL-8 learning: the new partner's points",
            headers=token("gil.e2e", "individual", "partner_admin", admin_of=(P2,)),
        )
        assert new["total_points"] == 43, (
            f"CL-8: the new partner is credited with lea's 20 + 3 + 20 points: {new}"
        )
        old = await s.get(
            "learning",
            f"/v1/partners/{P1}/points?from=2027-01-06",
            what="CL-8 learning",
            headers=ADA_TOKEN,
        )
        assert {i["group"] for i in old["items"] if i["cco_id"] == "lea.e2e"} == {
            "Previous Employee"
        }, f"CL-8: {old}"
        return True

    await s.until(points_follow_lea, "CL-8 learning: points follow people")
    await s.points_until(ADV, 20, "CL-8 specialization: the old partner keeps the points")

    # CE-6/NO-1: 6 and 3 months before the Specialist badge expires (2028-01-05); never for the Representative one
    await s.clock("2027-07-05")
    six = await s.mail(
        sam,
        f"Your {SPEC} certification expires",
        "CE-6/NO-1 certification→notify: 6-month reminder",
    )
    assert "6-month" in subject(six) and "5 January 2028" in subject(six), (
        f"CE-6 notify: {subject(six)}"
    )
    status = await s.spec_status(P1, ADV)
    assert status["icon"] == "behind", (
        f"SP-13 specialization: 20 of 100 points half-way is behind, {status['icon']}"
    )
    await s.clock("2027-10-05")
    await s.mail(
        sam,
        f"Your {SPEC} certification expires",
        "CE-6/NO-1 certification→notify: 3-month reminder",
        count=2,
    )
    assert any("3-month" in subject(m) for m in s.mails(sam, SPEC)), (
        "CE-6 notify: the 3-month reminder"
    )
    assert not s.mails(fred, REP), "CE-9/NO-1 notify: no reminder for a Representative CQS"

    # short of points at the anniversary: grace, then lost (SP-10)
    await s.clock("2028-01-06")
    grace = await s.mail(
        ada, f"{ADV}: grace period until", "SP-10/NO-2 specialization→notify: grace mail"
    )
    assert "15 January 2028" in subject(grace), f"NO-2 notify: grace end date: {subject(grace)}"
    await s.spec_until(
        P1, ADV, "SP-10 specialization: grace", status="grace", grace_ends_on="2028-01-15"
    )
    assert not s.mails(fred, REP), "CE-9 notify: no expiry notice for a Representative CQS"
    await s.clock("2028-01-15")
    await s.spec_until(
        P1, ADV, "SP-10 specialization: still in grace on its last day", status="grace"
    )
    await s.clock("2028-01-16")
    await s.mail(ada, f"{ADV} lost on", "SP-10/NO-2 specialization→notify: lost mail")
    lost = await s.spec_until(
        P1, ADV, "SP-10 specialization: lost after grace", status="lost", lost_on="2028-01-16"
    )
    assert lost["blocked_until"] == "2029-07-15", f"SP-12 specialization: blocked 18 months {lost}"

    apply_path = f"/v1/partners/{P1}/specializations/{ADV}/applications"
    roles = {"roles": {"AM": "amy.e2e", "SE": "sam.e2e", "FE": "fred.e2e"}}
    refused = await s.call(
        "POST",
        "specialization",
        apply_path,
        what="SP-12 specialization: new application refused",
        expect=(422,),
        headers=ADA_TOKEN,
        json=roles,
    )
    assert "SP-12" in {u.get("rule") for u in refused.json().get("unmet", [])}, (
        f"SP-12: {refused.json()}"
    )

    # reactivation (SP-11): reach the points, resubmit; the new anniversary is the re-approval date
    await s.clock("2028-02-01")
    for activity in ("e2e-course-a", "e2e-course-b", "e2e-course-c", "e2e-course-d"):
        await s.complete("amy.e2e", activity, "2028-02-01", expect="earned")

    async def reactivated() -> bool:
        r = await s.client.post(
            s.t.url("specialization", apply_path), headers=ADA_TOKEN, json=roles
        )
        assert r.status_code == 201, f"{r.status_code} {r.text[:800]}"
        return True

    await s.until(
        reactivated,
        "SP-11 specialization: reactivation once the points are reached (learning.partner.credited)",
    )
    status = await s.spec_until(
        P1, ADV, "SP-11 specialization: reactivated", status="approved", reactivated_on="2028-02-01"
    )
    assert status["anniversary"] == "2029-02-01", f"SP-11 specialization: new anniversary {status}"
    await s.mail(ada, f"{ADV} reactivated on", "SP-11/NO-2 specialization→notify: reactivated mail")


# 8 --------------------------------------------------------------------------------------------------------
async def step8_role_holder_leaves(s: Story) -> None:
    ada = email_of("ada.e2e")
    # fred's CCNA (his FE qualification) expires 2029-01-05: 90 days before, the admins are warned (NO-4)
    await s.clock("2028-10-07")
    risk = await s.mail(ada, f"{ADV} at risk", "NO-4 specialization→notify: at-risk mail")
    assert "5 January 2029" in subject(risk), (
        f"NO-4 notify: the date the role falls vacant: {subject(risk)}"
    )
    assert "Fred Fieldengineer" in body(risk) and CCNA in body(risk), (
        f"NO-4 notify: who and why: {body(risk)}"
    )
    await s.clock("2028-10-08")
    await s.call(
        "DELETE",
        "identity",
        f"/v1/partners/{P1}/members/fred.e2e",
        what="ID-3 identity: fred leaves",
        headers=ADA_TOKEN,
        expect=(200, 204),
    )
    vacated = await s.mail(
        ada, "role vacant since", "SP-14/NO-4 specialization→notify: vacated mail"
    )
    assert "8 October 2028" in subject(vacated), f"NO-4 notify: vacated date {subject(vacated)}"
    status = await s.spec_until(P1, ADV, "SP-14 specialization: non-compliant", compliant=False)
    fe = (
        status["roles"]["FE"]
        if isinstance(status["roles"], dict)
        else next(r for r in status["roles"] if r["role"] == "FE")
    )
    assert fe.get("vacant"), f"SP-14 specialization: FE vacant {fe}"

    async def view_shows_vacancy() -> bool:
        page = await s.call(
            "GET",
            "learning",
            f"/ui/partners/{P1}/specializations/{ADV}",
            what="CL-10 learning: CL View",
            expect=(200,),
            headers=ADA_TOKEN,
        )
        assert "FE vacant" in page.text, "the CL View page names no vacant FE role"
        return True

    await s.until(view_shows_vacancy, "SP-14/CL-10 learning: the CL View shows the vacancy")


# 9 --------------------------------------------------------------------------------------------------------
def _role(status: dict[str, Any], role: str) -> dict[str, Any]:
    roles = status["roles"]
    return roles[role] if isinstance(roles, dict) else next(r for r in roles if r["role"] == role)


async def step9_catalog_change_and_exam_replacement(s: Story) -> None:
    ada = email_of("ada.e2e")
    # CE-4: the CCNA's requirements change; sam's CCNA, achieved under version 1, keeps its term, even when his
    # next exam result makes certification replay his whole history
    await s.call(
        "PUT",
        "certification",
        f"/v1/certifications/{CCNA}",
        what="CE-4 certification: a new version of the requirements",
        json={"name": "E2E CCNA", "kind": "associate", "required_exams": [[EX_CCNA, EX_REP]]},
    )
    versions = await s.get("certification", f"/v1/certifications/{CCNA}", what="CE-4 certification: versions")
    assert [v["version"] for v in versions["versions"]] == [1, 2], f"CE-4: {versions}"
    await s.call(
        "POST",
        "certification",
        "/v1/exam-results",
        what="CE-3 certification: a later exam result",
        json={"external_id": "vue:e2e:step9", "cco_id": "sam.e2e", "exam_number": EX_REP,
              "taken_on": "2028-10-08", "passed": True},
    )

    async def ccna_kept() -> dict[str, Any]:
        payload = await s.get("certification", "/v1/individuals/sam.e2e/certifications", what="CE-4 certification")
        badges = {b["certification"]: b for b in _items(payload) or payload.get("certifications", [])}
        assert REP in badges, f"CE-3: the new pass was replayed {sorted(badges)}"
        ccna = badges[CCNA]
        assert (ccna["status"], ccna["expires_on"], ccna["requirements_version"]) == ("active", "2029-01-05", 1), (
            f"CE-4: a badge keeps its term under the version it was achieved under: {ccna}"
        )
        return ccna

    await s.until(ccna_kept, "CE-4 certification: the catalog change spares a valid badge")

    # CE-1/SP-14: a new number for the AM exam, which holders must take: amy (AM by that exam alone) no longer
    # qualifies from the announcement; the role falls vacant and the admin is told (NO-4)
    await s.call(
        "PUT",
        "certification",
        "/v1/exams/810-002",
        what="CE-1 certification: a required exam replacement",
        json={"title": "E2E sales for account managers, v2", "replaces": EX_AM, "replacement_required": True},
    )

    async def projected() -> dict[str, Any]:
        replacement = await s.get(
            "specialization", f"/v1/exams/{EX_AM}/replacement", what="CE-1 certification→specialization: the projection"
        )
        assert replacement["replaced_by"] == "810-002" and replacement["required"], f"CE-1: {replacement}"
        return replacement

    await s.until(projected, "CE-1 certification→specialization: certification.exam.replaced projected")

    async def am_vacated() -> dict[str, Any]:
        status = await s.spec_status(P1, ADV)
        assert _role(status, "AM").get("vacant"), f"SP-14: AM still held after the replacement {status['roles']}"
        return status

    await s.until(am_vacated, "CE-1/SP-14 certification→specialization: the replaced exam ends the AM role")
    vacated = await s.mail(ada, "role vacant since", "SP-14/NO-4 specialization→notify: AM vacated mail", count=2)
    assert "Account Manager" in subject(vacated) or "AM" in subject(vacated), subject(vacated)

    # amy passes the new exam: she qualifies again and the admin names her for the role
    await s.call(
        "POST",
        "certification",
        "/v1/exam-results",
        what="CE-1 certification: the new exam",
        json={"external_id": "vue:e2e:step9-amy", "cco_id": "amy.e2e", "exam_number": "810-002",
              "taken_on": "2028-10-08", "passed": True},
    )

    async def amy_back() -> bool:
        r = await s.client.put(
            s.t.url("specialization", f"/v1/partners/{P1}/specializations/{ADV}/roles/AM"),
            headers=ADA_TOKEN, json={"cco_id": "amy.e2e"},
        )
        assert r.status_code == 200, f"{r.status_code} {r.text[:600]}"
        return True

    await s.until(amy_back, "SP-4/SP-6 specialization: the new exam qualifies amy again")
    status = await s.spec_status(P1, ADV)
    assert _role(status, "AM")["holder"] == "amy.e2e" and not _role(status, "AM")["vacant"], f"SP-6: {status['roles']}"
