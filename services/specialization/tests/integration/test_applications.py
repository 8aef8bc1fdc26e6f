"""Applications, candidates, refills and the allocation limit, in both modes (SP-2, SP-3, SP-5, SP-6, SP-7, SP-14)."""

from __future__ import annotations

import uuid
from datetime import date

from partnerhub.bus import contracts as c

PARTNER = "BG-1001"


async def test_sp2_sp7_approval_sets_anniversary_and_emits_status(start) -> None:
    async with start(start_date=date(2027, 1, 15)) as sp:
        await sp.catalog()
        team = await sp.qualified_team(date(2026, 1, 1))
        r = await sp.apply(team, headers=sp.admin)
        assert r.status_code == 201, r.text
        body = r.json()
        assert (body["status"], body["anniversary"], body["period_start"], body["period_end"]) == (
            "approved", "2028-01-15", "2027-01-15", "2028-01-15"
        )
        assert body["points_required"] == 100 and body["compliant"] is True and body["vacancies"] == []
        assert {x["role"]: x["holder"] for x in body["roles"]} == team
        changed = await sp.outbox(c.StatusChanged.TYPE)
        assert changed[-1]["status"] == "approved" and changed[-1]["period_end"] == "2028-01-15"
        again = await sp.apply(team)
        assert again.status_code == 409


async def test_sp2_sp3_refused_application_lists_every_unmet_requirement(start) -> None:
    async with start(start_date=date(2027, 1, 15)) as sp:
        await sp.catalog()
        await sp.member("am.x", date(2026, 1, 1))
        await sp.feed(
            c.BadgeAchieved(cco_id="se.x", certification="CCNP", kind="professional", achieved_on=date(2020, 1, 1), expires_on=date(2023, 1, 1)),
            c.MembershipStarted(cco_id="se.x", be_geo_id=PARTNER, started_on=date(2026, 1, 1)),
        )
        r = await sp.apply({"AM": "am.x", "SE": "se.x"})
        assert r.status_code == 422, r.text
        unmet = r.json()["unmet"]
        reasons = " / ".join(u["reason"] for u in unmet)
        assert "no holder proposed for FE" in reasons
        assert "am.x does not qualify" in reasons
        assert "se.x does not qualify" in reasons, "an expired career certification does not count (SP-3)"
        assert len(unmet) == 3
        outsider = await sp.apply({"AM": "nobody", "SE": "se.x", "FE": "se.x"})
        assert "nobody is not a current member" in str(outsider.json()["unmet"])
        status = await sp.client.get(f"/v1/partners/{PARTNER}/specializations/ADV-COLLAB", headers=sp.staff)
        assert status.status_code == 404, "a refused application changes nothing"


async def test_sp5_allocation_limit_on_applications_and_refills(start) -> None:
    async with start(start_date=date(2027, 1, 15)) as sp:
        for code in ("S1", "S2", "S3"):
            await sp.catalog(code, {"name": code, "level": "express", "roles": {"AM": [{"exams": ["700-001"]}], "SE": [{"exams": ["700-001"]}]}})
        people = ["p1", "p2", "p3"]
        for p in people:
            await sp.feed(
                c.MembershipStarted(cco_id=p, be_geo_id=PARTNER, started_on=date(2026, 1, 1)),
                c.ExamPassed(cco_id=p, exam_number="700-001", passed_on=date(2015, 1, 1), result_id=uuid.uuid4().hex),
            )
        assert (await sp.apply({"AM": "p1", "SE": "p1"}, code="S1")).status_code == 201, "two roles in one specialization"
        r = await sp.apply({"AM": "p1", "SE": "p2"}, code="S2")
        assert r.status_code == 422 and "SP-5" in str(r.json()["unmet"]) and "3 job roles" in str(r.json()["unmet"])
        assert (await sp.apply({"AM": "p2", "SE": "p3"}, code="S2")).status_code == 201
        r = await sp.apply({"AM": "p2", "SE": "p2"}, code="S3")
        assert r.status_code == 422, "p2 would hold three roles"
        refill = await sp.client.put(f"/v1/partners/{PARTNER}/specializations/S2/roles/SE", json={"cco_id": "p1"}, headers=sp.staff)
        assert refill.status_code == 422 and "SP-5" in refill.text
        cands = (await sp.client.get(f"/v1/partners/{PARTNER}/specializations/S3/roles/AM/candidates", headers=sp.staff)).json()
        assert {x["cco_id"]: x["within_allocation_limit"] for x in cands["candidates"]} == {"p1": False, "p2": True, "p3": True}


async def test_sp5_allocation_limit_is_configurable(start) -> None:
    async with start(start_date=date(2027, 1, 15), max_roles_per_person=1) as sp:
        await sp.catalog("S1", {"name": "S1", "level": "express", "roles": {"AM": [{"exams": ["1"]}], "SE": [{"exams": ["1"]}]}})
        await sp.feed(
            c.MembershipStarted(cco_id="p1", be_geo_id=PARTNER, started_on=date(2026, 1, 1)),
            c.ExamPassed(cco_id="p1", exam_number="1", passed_on=date(2015, 1, 1), result_id="r1"),
        )
        r = await sp.apply({"AM": "p1", "SE": "p1"}, code="S1")
        assert r.status_code == 422 and "the limit is 1" in r.text


async def test_sp6_candidates_preselect_the_previous_holder_and_sp14_refill(start) -> None:
    async with start(start_date=date(2027, 1, 15)) as sp:
        await sp.catalog()
        team = await sp.qualified_team(date(2026, 1, 1))
        await sp.feed(
            c.MembershipStarted(cco_id="se.two", be_geo_id=PARTNER, started_on=date(2026, 1, 1)),
            c.BadgeAchieved(cco_id="se.two", certification="CCNP", kind="professional", achieved_on=date(2026, 1, 1), expires_on=date(2030, 1, 1)),
            c.MembershipStarted(cco_id="not.qualified", be_geo_id=PARTNER, started_on=date(2026, 1, 1)),
        )
        assert (await sp.apply(team)).status_code == 201
        url = f"/v1/partners/{PARTNER}/specializations/ADV-COLLAB/roles/SE/candidates"
        body = (await sp.client.get(url, headers=sp.admin)).json()
        assert [x["cco_id"] for x in body["candidates"]] == [team["SE"], "se.two"]
        assert body["candidates"][0]["preselected"] and not body["candidates"][1]["preselected"]
        assert body["candidates"][1]["qualified_until"] == "2030-01-01"
        # the SE holder leaves: the role falls vacant (SP-14), the specialization is non-compliant
        await sp.feed(c.MembershipEnded(cco_id=team["SE"], be_geo_id=PARTNER, started_on=date(2026, 1, 1), ended_on=date(2027, 2, 1)))
        await sp.today(date(2027, 2, 1))
        status = await sp.status()
        assert status["compliant"] is False and status["vacancies"] == ["SE"]
        se = next(x for x in status["roles"] if x["role"] == "SE")
        assert se["vacant_since"] == "2027-02-01" and se["previous_holder"] == team["SE"]
        vacated = await sp.outbox(c.RoleVacated.TYPE)
        assert vacated == [
            {"be_geo_id": PARTNER, "specialization": "ADV-COLLAB", "role": "SE", "cco_id": team["SE"], "vacated_on": "2027-02-01", "reason": "left"}
        ]
        assert (await sp.outbox(c.StatusChanged.TYPE))[-1]["compliant"] is False
        refused = await sp.client.put(f"{url[:-11]}", json={"cco_id": "not.qualified"}, headers=sp.admin)
        assert refused.status_code == 422
        refilled = await sp.client.put(f"{url[:-11]}", json={"cco_id": "se.two"}, headers=sp.admin)
        assert refilled.status_code == 200, refilled.text
        assert refilled.json()["compliant"] is True and refilled.json()["vacancies"] == []
        assert (await sp.outbox(c.StatusChanged.TYPE))[-1]["compliant"] is True


async def test_authorization_other_partner_404_pam_reads_staff_catalog(start) -> None:
    async with start(start_date=date(2027, 1, 15)) as sp:
        other_admin = sp.system.token("admin.other", "partner_admin", admin_of=["BG-9999"])
        pam = sp.system.token("pam.1", "pam", pam_of=[PARTNER])
        await sp.catalog()
        team = await sp.qualified_team(date(2026, 1, 1))
        assert (await sp.apply(team, headers=other_admin)).status_code == 404
        assert (await sp.apply(team, headers=pam)).status_code == 403
        assert (await sp.apply(team, headers=sp.admin)).status_code == 201
        base = f"/v1/partners/{PARTNER}"
        assert (await sp.client.get(f"{base}/specializations", headers=other_admin)).status_code == 404
        assert (await sp.client.get(f"{base}/program-requirements", headers=other_admin)).status_code == 404
        assert (await sp.client.get(f"{base}/specializations", headers=pam)).status_code == 200
        assert (await sp.client.get(f"{base}/specializations/ADV-COLLAB", headers=sp.admin)).status_code == 200
        individual = sp.system.token(team["AM"], "individual")
        assert (await sp.client.get(f"{base}/specializations", headers=individual)).status_code == 403  # no partner role
        assert (await sp.client.get(f"{base}/specializations")).status_code == 401
        body = {"name": "x", "level": "express", "roles": {"AM": [{"exams": ["1"]}]}}
        assert (await sp.client.put("/v1/specializations/X", json=body, headers=sp.admin)).status_code == 403
        assert (await sp.client.put("/v1/levels/express", json={"points_required": 50}, headers=pam)).status_code == 403
        bad = await sp.client.put("/v1/specializations/X", json={"name": "x", "level": "gold", "roles": {}}, headers=sp.staff)
        assert bad.status_code == 422
        empty_alt = await sp.client.put("/v1/specializations/X", json={"name": "x", "level": "express", "roles": {"AM": [{}]}}, headers=sp.staff)
        assert empty_alt.status_code == 422
        assert (await sp.apply({"XX": "a"}, headers=sp.staff)).status_code == 422
        assert (await sp.apply(team, code="NOPE")).status_code == 404


async def test_sp8_levels_points_configurable_and_atp_none(start) -> None:
    async with start(start_date=date(2027, 1, 15)) as sp:
        r = await sp.client.put("/v1/levels/advanced_technology", json={"points_required": 90}, headers=sp.staff)
        assert r.status_code == 200
        r = await sp.client.put("/v1/levels/atp", json={"points_required": 30}, headers=sp.staff)
        assert r.status_code == 422 and "SP-1" in r.json()["detail"], "ATP has no Continuous Learning: refused, not ignored"
        assert (await sp.client.put("/v1/levels/atp", json={"points_required": None}, headers=sp.staff)).status_code == 200
        assert (await sp.client.put("/v1/levels/express", json={}, headers=sp.staff)).status_code == 422
        levels = {x["level"]: x["points_required"] for x in (await sp.client.get("/v1/levels", headers=sp.admin)).json()}
        assert levels == {"advanced_architecture": 100, "advanced_technology": 90, "express": 40, "atp": None}


async def test_sp1_demo_seed_catalog_with_levels_and_atp(start) -> None:
    from specialization.app import SERVICE

    async with start(start_date=date(2027, 1, 15)) as sp:
        await SERVICE.seed(sp.runtime)
        await SERVICE.seed(sp.runtime)  # idempotent
        specs = {s["code"]: s for s in (await sp.client.get("/v1/specializations", headers=sp.admin)).json()}
        assert {s["level"] for s in specs.values()} == {"advanced_architecture", "advanced_technology", "express", "atp"}
        assert specs["ADV-COLLAB-ARCH"]["roles"]["SE"][1] == {"certification": "CQS-IPT-DS", "exams": ["642-444", "642-432"]}


async def test_sp9_submission_required_when_configured(start) -> None:
    async with start(start_date=date(2027, 1, 15), renewal_requires_submission=True) as sp:
        await sp.catalog("S1", {"name": "S1", "level": "atp", "roles": {"SE": [{"exams": ["1"]}]}})
        await sp.feed(
            c.MembershipStarted(cco_id="p1", be_geo_id=PARTNER, started_on=date(2026, 1, 1)),
            c.ExamPassed(cco_id="p1", exam_number="1", passed_on=date(2015, 1, 1), result_id="r1"),
        )
        assert (await sp.apply({"SE": "p1"}, code="S1")).status_code == 201
        s = await sp.status(code="S1")
        assert s["points_required"] is None and s["icon"] == "not_applicable"  # SP-1: ATP has no Continuous Learning, as in GET /v1/levels
        assert s["unmet_for_renewal"] == ["renewal not submitted"]
        await sp.today(date(2027, 10, 17))
        r = await sp.client.post(f"/v1/partners/{PARTNER}/specializations/S1/renewals", headers=sp.admin)
        assert r.status_code == 202 and r.json()["unmet_for_renewal"] == []
