"""A planned leave is identity's fact (memberships incl. future end dates, ARCHITECTURE.md); specialization
projects it and notify mails the partner's admins (NO-4, SP-14, ID-3). Identity, specialization and notify
through the real bus, in both modes, on the manual clock."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select

from partnerhub.bus.contracts import ExamPassed
from partnerhub.bus.envelope import Envelope
from partnerhub.registry import discover
from partnerhub.testing import eventually

P = "100001"
SPEC = "ADV-COLLAB"
CATALOG = {
    "name": "Advanced Collaboration Architecture",
    "level": "advanced_architecture",
    "roles": {"AM": [{"exams": ["700-001"]}], "SE": [{"exams": ["700-002"]}], "FE": [{"exams": ["700-003"]}]},
}
TEAM = {"AM": "amy", "SE": "sam", "FE": "fay"}


async def test_no4_sp14_id3_a_planned_leave_warns_the_admins_at_once_and_vacates_the_role_on_the_day(
    system_factory, tmp_path
) -> None:
    services = discover()
    async with system_factory(
        services["identity"], services["specialization"], services["notify"],
        start_date="2027-01-15", outbox_dir=str(tmp_path / "mail"),
    ) as system:
        identity, spec, notify = system.clients["identity"], system.clients["specialization"], system.clients["notify"]
        staff = system.staff()
        admin = system.token("ada", "individual", "partner_admin", admin_of=[P])

        # identity: the partner, its admin, three members since 2026; the exams arrive as certification's events
        assert (await identity.post("/v1/partners", json={"be_geo_id": P, "name": "Acme", "country": "DE"}, headers=staff)).status_code == 201
        for cco in ("ada", *TEAM.values()):
            body = {"cco_id": cco, "name": cco.title(), "email": f"{cco}@acme.example"}
            assert (await identity.post("/v1/individuals", json=body, headers=staff)).status_code == 201
            assert (await identity.put(f"/v1/partners/{P}/members/{cco}?on=2026-01-01", headers=staff)).status_code == 200
        assert (await identity.put(f"/v1/partners/{P}/admins/ada", headers=staff)).status_code == 200
        passes = [
            ExamPassed(cco_id=cco, exam_number=f"700-00{i}", passed_on=date(2025, 6, 1), result_id=uuid.uuid4().hex)
            for i, cco in enumerate(TEAM.values(), start=1)
        ]
        await system.runtimes["specialization"].transport.publish([Envelope.wrap(e, producer="certification") for e in passes])
        assert (await spec.put(f"/v1/specializations/{SPEC}", json=CATALOG, headers=staff)).status_code in (200, 201)

        async def approved() -> bool:
            r = await spec.post(f"/v1/partners/{P}/specializations/{SPEC}/applications", json={"roles": TEAM}, headers=staff)
            return r.status_code == 201

        await eventually(approved, timeout=30, interval=0.3)

        async def status() -> dict:
            r = await spec.get(f"/v1/partners/{P}/specializations/{SPEC}", headers=staff)
            assert r.status_code == 200, r.text
            return r.json()

        def holder(body: dict, role: str) -> dict:
            return next(r for r in body["roles"] if r["role"] == role)

        async def mails(kind: str) -> list[dict]:
            r = await notify.get("/v1/notifications", params={"cause": f"{kind}|"}, headers=staff)
            assert r.status_code == 200, r.text
            return r.json()

        # the partner's admin announces that the SE leaves on 2027-09-01 (the old code answered 422 date-in-future)
        r = await identity.delete(f"/v1/partners/{P}/members/sam", params={"on": "2027-09-01"}, headers=admin)
        assert r.status_code == 204, r.text
        members = (await identity.get(f"/v1/partners/{P}/members", headers=admin)).json()["members"]
        assert {m["cco_id"]: m["leaves_on"] for m in members}["sam"] == "2027-09-01"

        async def se_at_risk() -> bool:
            return holder(await status(), "SE")["vacates_on"] == "2027-09-01"

        await eventually(se_at_risk, timeout=30, interval=0.2)

        async def admin_mailed() -> list[dict]:
            return [m for m in await mails("role_at_risk") if m["status"] == "sent"]

        [risk] = await eventually(admin_mailed, timeout=30, interval=0.2)
        assert (risk["recipient"], risk["to_address"]) == ("ada", "ada@acme.example")
        assert risk["subject"] == f"{SPEC} at risk: Systems Engineer role falls vacant on 1 September 2027"
        assert risk["context"]["reason"] == "left"

        # the AM announces leaving too, then is asked to stay: the planned vacancy is cleared
        assert (await identity.delete(f"/v1/partners/{P}/members/amy?on=2027-08-01", headers=admin)).status_code == 204
        assert (await identity.delete(f"/v1/partners/{P}/members/amy/planned-leave", headers=admin)).status_code == 204

        async def am_cleared() -> bool:
            body = await status()
            planned = [m for m in await mails("role_at_risk") if m["context"]["role"] == "AM"]
            return planned != [] and holder(body, "AM")["vacates_on"] is None

        await eventually(am_cleared, timeout=30, interval=0.2)

        async def move(day: str) -> None:
            for name in ("identity", "specialization", "notify"):
                r = await system.clients[name].put("/v1/admin/today", params={"wait": "true"}, json={"date": day}, headers=staff)
                assert r.status_code == 200, (name, r.text)

        await move("2027-08-31")
        body = await status()
        assert body["compliant"] is True and body["vacancies"] == []
        await move("2027-09-01")

        async def se_vacant() -> dict:
            body = await status()
            return body if body["vacancies"] == ["SE"] else {}

        body = await eventually(se_vacant, timeout=30, interval=0.2)
        assert body["compliant"] is False and holder(body, "SE")["vacant_since"] == "2027-09-01"
        [vacated] = await eventually(lambda: mails("role_vacated"), timeout=30, interval=0.2)
        assert vacated["recipient"] == "ada" and vacated["context"]["vacated_on"] == "2027-09-01"
        # identity ended the membership on the day, once; the AM stays
        former = (await identity.get(f"/v1/partners/{P}/members?include_former=true", headers=admin)).json()["members"]
        assert [(m["cco_id"], m["ended_on"]) for m in former if not m["active"]] == [("sam", "2027-09-01")]
        assert sorted(m["cco_id"] for m in former if m["active"]) == ["ada", "amy", "fay"]
        await move("2027-09-05")
        assert (await status())["vacancies"] == ["SE"]
        assert len(await mails("role_vacated")) == 1
        assert await outbox_types(system.runtimes["identity"], "identity.membership.ended.v1") == 1
        assert await outbox_types(system.runtimes["specialization"], "specialization.role.vacated.v1") == 1


async def outbox_types(runtime, type_: str) -> int:  # type: ignore[no-untyped-def]
    box = runtime.db.outbox
    async with runtime.db.engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(box).where(box.c.type == type_)))
