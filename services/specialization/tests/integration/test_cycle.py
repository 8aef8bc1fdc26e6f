"""The yearly cycle with the manual clock, in both modes (SP-7 to SP-14, NO-4).

A year's jump runs the daily job for every day, so the anniversary edges share one system: each partner plays
one scenario on the same timeline (A = the anniversary, 2028-01-15).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from partnerhub.bus import contracts as c

APPROVED = date(2027, 1, 15)
A = date(2028, 1, 15)
D = timedelta
SPEC = "ADV-COLLAB"


async def approve(sp, partner: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    team = await sp.qualified_team(date(2026, 1, 1), partner=partner)
    r = await sp.apply(team, partner=partner)
    assert r.status_code == 201, r.text
    return team


async def test_sp9_sp10_sp14_anniversary_edges_renewal_grace_and_vacancy(start) -> None:
    async with start(start_date=APPROVED) as sp:
        await sp.catalog()
        ON_TIME, GRACE_POINTS, DAY_10, CORRECTED, LEAVER = "P-ONTIME", "P-GRACE", "P-DAY10", "P-CORR", "P-LEAVER"
        for partner in (ON_TIME, GRACE_POINTS, DAY_10, CORRECTED):
            await approve(sp, partner)
        leaver = await approve(sp, LEAVER)
        await sp.credit(60, date(2027, 5, 1), partner=ON_TIME)
        await sp.credit(90, date(2027, 6, 1), partner=GRACE_POINTS)
        await sp.credit(95, date(2027, 6, 1), partner=DAY_10)
        await sp.credit(100, date(2027, 3, 1), partner=CORRECTED)
        await sp.credit(-30, date(2027, 3, 2), partner=CORRECTED)  # SP-10 with CL corrections: 70 left
        await sp.credit(120, date(2027, 6, 1), partner=LEAVER)

        # SP-9: the day before the window, then its first day
        await sp.today(A - D(91))
        s = await sp.status(partner=ON_TIME)
        assert s["status"] == "approved" and not s["renewal_window"]["open"]
        early = await sp.client.post(f"/v1/partners/{ON_TIME}/specializations/{SPEC}/renewals", headers=sp.staff)
        assert early.status_code == 409 and early.json()["opens_on"] == "2027-10-17"
        await sp.today(A - D(90))
        s = await sp.status(partner=ON_TIME)
        assert s["status"] == "renewal_window" and s["renewal_window"]["open"]
        assert await sp.outbox(c.RenewalWindowOpened.TYPE, ON_TIME) == [
            {"be_geo_id": ON_TIME, "specialization": SPEC, "opened_on": "2027-10-17", "anniversary": "2028-01-15"}
        ]
        submitted = await sp.client.post(f"/v1/partners/{ON_TIME}/specializations/{SPEC}/renewals", headers=sp.staff)
        assert submitted.status_code == 202 and submitted.json()["renewal_window"]["submitted"] is True

        # SP-14: a holder leaving the day before the anniversary
        await sp.feed(c.MembershipEnded(cco_id=leaver["AM"], be_geo_id=LEAVER, started_on=date(2026, 1, 1), ended_on=A - D(1)))
        await sp.today(A - D(1))
        assert (await sp.status(partner=ON_TIME))["status"] == "renewal_window"
        s = await sp.status(partner=LEAVER)
        assert s["vacancies"] == ["AM"] and s["compliant"] is False

        # the anniversary itself: nothing decided yet; points earned today still count
        await sp.today(A)
        await sp.credit(40, A, partner=ON_TIME)
        s = await sp.status(partner=ON_TIME)
        assert (s["status"], s["points_earned"]) == ("renewal_window", 100)

        # the day after: renewed (points reset) or grace with its end date
        await sp.today(A + D(1))
        s = await sp.status(partner=ON_TIME)
        assert (s["status"], s["period_start"], s["anniversary"], s["points_earned"]) == ("approved", "2028-01-16", "2029-01-15", 0)
        assert await sp.outbox(c.Renewed.TYPE, ON_TIME) == [
            {"be_geo_id": ON_TIME, "specialization": SPEC, "renewed_on": "2028-01-15", "period_start": "2028-01-16", "period_end": "2029-01-15"}
        ]
        last = (await sp.outbox(c.StatusChanged.TYPE, ON_TIME))[-1]
        assert (last["status"], last["period_start"], last["period_end"]) == ("approved", "2028-01-16", "2029-01-15")
        for partner in (GRACE_POINTS, DAY_10, CORRECTED, LEAVER):
            s = await sp.status(partner=partner)
            assert (s["status"], s["grace_ends_on"]) == ("grace", "2028-01-25"), partner
            assert await sp.outbox(c.GraceStarted.TYPE, partner) == [
                {"be_geo_id": partner, "specialization": SPEC, "started_on": "2028-01-16", "grace_ends_on": "2028-01-25"}
            ]
        assert "points: 70 of 100 earned" in (await sp.status(partner=CORRECTED))["unmet_for_renewal"]
        assert "role AM is vacant" in (await sp.status(partner=LEAVER))["unmet_for_renewal"]

        # SP-10: points arriving during grace count for the period being renewed
        await sp.today(A + D(4))
        await sp.credit(10, A + D(4), partner=GRACE_POINTS)
        s = await sp.status(partner=GRACE_POINTS)
        assert (s["status"], s["period_start"], s["anniversary"]) == ("approved", "2028-01-20", "2029-01-15")
        assert (await sp.outbox(c.Renewed.TYPE, GRACE_POINTS))[0]["renewed_on"] == "2028-01-19"

        # SP-14: the vacant role refilled during grace renews at once
        await sp.feed(
            c.MembershipStarted(cco_id="am.new", be_geo_id=LEAVER, started_on=A),
            c.ExamPassed(cco_id="am.new", exam_number="700-001", passed_on=date(2011, 1, 1), result_id="x1"),
        )
        r = await sp.client.put(f"/v1/partners/{LEAVER}/specializations/{SPEC}/roles/AM", json={"cco_id": "am.new"}, headers=sp.staff)
        assert r.status_code == 200, r.text
        assert (r.json()["status"], r.json()["compliant"]) == ("approved", True)

        # grace day 10: still grace; points earned on it count
        await sp.today(A + D(10))
        assert (await sp.status(partner=CORRECTED))["status"] == "grace"
        await sp.credit(5, A + D(10), partner=DAY_10)
        assert (await sp.status(partner=DAY_10))["status"] == "approved"

        # grace day 11: still short → lost, with the 18-month block
        await sp.today(A + D(11))
        s = await sp.status(partner=CORRECTED)
        assert (s["status"], s["lost_on"], s["blocked_until"], s["new_application_from"]) == ("lost", "2028-01-26", "2029-07-25", "2029-07-26")
        assert await sp.outbox(c.Lost.TYPE) == [
            {"be_geo_id": CORRECTED, "specialization": SPEC, "lost_on": "2028-01-26", "blocked_until": "2029-07-25"}
        ]
        assert (await sp.outbox(c.StatusChanged.TYPE, CORRECTED))[-1]["status"] == "lost"


async def test_sp11_reactivation_and_sp12_block_last_and_first_day(start) -> None:
    async with start(start_date=APPROVED) as sp:
        await sp.catalog()
        REACT, BLOCKED = "P-REACT", "P-BLOCK"
        react = await approve(sp, REACT)
        blocked = await approve(sp, BLOCKED)
        await sp.credit(75, date(2027, 6, 1), partner=REACT)
        await sp.today(A + D(11))
        assert [(await sp.status(partner=p))["status"] for p in (REACT, BLOCKED)] == ["lost", "lost"]

        # SP-11: reactivation needs the points (the lost period's keep counting) and the core
        await sp.today(date(2028, 3, 1))
        refused = await sp.apply(react, partner=REACT)
        assert refused.status_code == 422 and "points: 75 of 100 earned" in refused.text
        assert {u["rule"] for u in refused.json()["unmet"]} == {"SP-11", "SP-12"}
        await sp.credit(25, date(2028, 3, 1), partner=REACT)
        r = await sp.apply(react, partner=REACT)
        assert r.status_code == 201 and r.json()["kind"] == "reactivation", r.text
        s = r.json()
        assert (s["status"], s["approved_on"], s["anniversary"], s["period_start"], s["points_earned"]) == (
            "approved", "2028-03-01", "2029-03-01", "2028-03-02", 0
        )
        assert await sp.outbox(c.Reactivated.TYPE) == [
            {"be_geo_id": REACT, "specialization": SPEC, "reactivated_on": "2028-03-01", "anniversary": "2029-03-01"}
        ]
        assert (await sp.outbox(c.StatusChanged.TYPE, REACT))[-1]["status"] == "reactivated"

        # SP-12: the block's last day refuses a new application; the first day after accepts one without points
        await sp.today(date(2029, 7, 25))
        r = await sp.apply(blocked, partner=BLOCKED)
        assert r.status_code == 422 and "no new application through 2029-07-25" in r.text
        await sp.today(date(2029, 7, 26))
        r = await sp.apply(blocked, partner=BLOCKED)
        assert r.status_code == 201 and r.json()["kind"] == "new", r.text
        s = r.json()
        assert (s["status"], s["anniversary"], s["period_start"]) == ("approved", "2030-07-26", "2029-07-26")
        # the reactivated partner went through its own anniversary on the way (2029-03-01: short → grace → lost)
        assert (await sp.status(partner=REACT))["lost_on"] == "2029-03-12"


async def test_sp4_no_retest_changed_exam_number_and_no4_at_risk(start) -> None:
    async with start(start_date=APPROVED) as sp:
        await sp.catalog()
        team = await approve(sp, "BG-1001")
        # the FE exam 642-437 gets a new number, announced by certification as not required: the 2012 pass still counts
        await sp.feed(c.ExamReplaced(old_number="642-437", new_number="642-438", required=False, effective_on=APPROVED, announced_on=APPROVED))
        await sp.catalog(body={"name": "Advanced Collaboration Architecture", "level": "advanced_architecture",
                               "roles": {"AM": [{"exams": ["700-001"]}], "SE": [{"certification": "CCNP"}],
                                         "FE": [{"certification": "CQS-IPT", "exams": ["642-438"]}]}})
        assert (await sp.status())["vacancies"] == []
        # announced as required from 2027-09-01: a warning 90 days ahead, vacant on the day (SP-14, NO-4)
        await sp.feed(
            c.ExamReplaced(old_number="642-437", new_number="642-438", required=True, effective_on=date(2027, 9, 1), announced_on=APPROVED)
        )
        await sp.today(date(2027, 6, 2))
        assert await sp.outbox(c.RoleAtRisk.TYPE) == []
        await sp.today(date(2027, 6, 3))
        assert await sp.outbox(c.RoleAtRisk.TYPE) == [
            {"be_geo_id": "BG-1001", "specialization": SPEC, "role": "FE", "cco_id": team["FE"], "certification": "exams", "vacant_on": "2027-09-01",
             "reason": "qualification_lapsed"}
        ]
        await sp.today(date(2027, 8, 31))
        assert (await sp.status())["vacancies"] == []
        await sp.today(date(2027, 9, 1))
        assert (await sp.status())["vacancies"] == ["FE"]
        assert (await sp.outbox(c.RoleVacated.TYPE))[0]["reason"] == "qualification_lapsed"
        # passing the new exam qualifies again
        await sp.feed(c.ExamPassed(cco_id=team["FE"], exam_number="642-438", passed_on=date(2027, 9, 1), result_id="n1"))
        r = await sp.client.put(f"/v1/partners/BG-1001/specializations/{SPEC}/roles/FE", json={"cco_id": team["FE"]}, headers=sp.staff)
        assert r.status_code == 200 and r.json()["vacancies"] == []


async def test_sp14_career_certification_expiry_vacates_and_no4_warns_90_days_ahead(start) -> None:
    async with start(start_date=APPROVED) as sp:
        await sp.catalog()
        team = await approve(sp, "BG-1001")
        await sp.feed(c.BadgeRenewed(cco_id=team["SE"], certification="CCNP", kind="professional", renewed_on=APPROVED, expires_on=date(2027, 5, 1)))
        await sp.today(date(2027, 1, 30))
        assert await sp.outbox(c.RoleAtRisk.TYPE) == []
        await sp.today(date(2027, 1, 31))  # 90 days before 2027-05-01
        assert [(e["role"], e["certification"], e["vacant_on"]) for e in await sp.outbox(c.RoleAtRisk.TYPE)] == [("SE", "CCNP", "2027-05-01")]
        await sp.feed(c.BadgeExpired(cco_id=team["SE"], certification="CCNP", kind="professional", expired_on=date(2027, 1, 31)))
        assert (await sp.status())["vacancies"] == ["SE"]
        assert (await sp.outbox(c.RoleVacated.TYPE))[0]["reason"] == "qualification_lapsed"


async def test_sp13_icon_at_six_months_and_cl3_mandatory_items(start) -> None:
    async with start(start_date=APPROVED) as sp:
        await sp.catalog()
        await approve(sp, "BG-1001")  # period 2027-01-15 .. 2028-01-15: cycle 2028
        must = c.MandatoryItem(specialization=SPEC, cycle="2028")
        await sp.feed(c.ActivityPublished(activity_id="must-1", title="Collab update", kind="course", points=5, specializations=[SPEC], mandatory=[must]))
        await sp.credit(40, date(2027, 3, 1))
        await sp.today(date(2027, 7, 14))
        s = await sp.status()
        assert s["icon"] == "inactive" and s["mandatory_outstanding"] == ["must-1"]
        await sp.today(date(2027, 7, 15))
        assert (await sp.status())["icon"] == "behind", "40 < 100 × 181/365"
        await sp.credit(10, date(2027, 7, 15), activity="must-1")
        s = await sp.status()
        assert s["icon"] == "on_target" and s["mandatory_outstanding"] == [] and s["points_earned"] == 50


async def test_cl3_mandatory_items_typed_by_specialization_and_cycle(start) -> None:
    """learning's events carry mandatory items as ``{specialization, cycle}`` (the cycle is the year of the
    anniversary that ends the period): due only in that cycle. A credit counts toward its ``specializations``
    only (learning keeps each mandatory item's specialization among them); an event of an older learning, with
    the deprecated ``"<spec>/<cycle>"`` strings only, is still read (the contract turns them into items)."""
    async with start(start_date=APPROVED) as sp:
        await sp.catalog()
        await approve(sp, "BG-1001")  # period 2027-01-15 .. 2028-01-15: cycle 2028
        await sp.feed(
            c.ActivityPublished(
                activity_id="must-now", title="This cycle", kind="course", points=5, specializations=[SPEC],
                mandatory=[c.MandatoryItem(specialization=SPEC, cycle="2028")],
            ),
            c.ActivityPublished(activity_id="must-later", title="Next cycle", kind="course", points=5, mandatory_for=[f"{SPEC}/2029"]),
        )
        assert (await sp.status())["mandatory_outstanding"] == ["must-now"]
        await sp.feed(  # a credit naming the item but not counting for the specialization counts nowhere
            c.PartnerCredited(
                credit_id=uuid.uuid4().hex, be_geo_id="BG-1001", cco_id="learner", entry_id=uuid.uuid4().hex,
                activity_id="must-now", points=5, earned_on=APPROVED, mandatory_for=[f"{SPEC}/2028"],
            )
        )
        s = await sp.status()
        assert s["mandatory_outstanding"] == ["must-now"] and s["points_earned"] == 0
        await sp.credit(5, APPROVED, activity="must-now")
        s = await sp.status()
        assert s["mandatory_outstanding"] == [] and s["points_earned"] == 5
