"""Exam replacements projected from certification's `certification.exam.replaced` (CE-1, SP-4, SP-14, NO-4), both modes.

Certification owns replacements; this service only projects them, re-judges holders at once, and answers what it
projected (`GET /v1/exam-replacements`, `GET /v1/exams/{number}/replacement`); it accepts no write of them.
"""

from __future__ import annotations

from datetime import date, timedelta

from partnerhub.bus import contracts as c
from partnerhub.bus.envelope import Envelope
from partnerhub.testing import in_inbox

PARTNER = "BG-1001"
SPEC = "ADV-COLLAB"
TODAY = date(2027, 1, 15)
FE_CANDIDATES = f"/v1/partners/{PARTNER}/specializations/{SPEC}/roles/FE/candidates"


def replaced(required: bool, effective_on: date, announced_on: date = TODAY, new: str = "642-438") -> c.ExamReplaced:
    return c.ExamReplaced(old_number="642-437", new_number=new, required=required, effective_on=effective_on, announced_on=announced_on)


async def approve(sp) -> dict[str, str]:  # type: ignore[no-untyped-def]
    await sp.catalog()
    team = await sp.qualified_team(date(2026, 1, 1))
    r = await sp.apply(team)
    assert r.status_code == 201, r.text
    return team


async def fe_candidates(sp) -> list[str]:  # type: ignore[no-untyped-def]
    r = await sp.client.get(FE_CANDIDATES, headers=sp.staff)
    assert r.status_code == 200, r.text
    return [x["cco_id"] for x in r.json()["candidates"]]


async def test_ce1_sp4_sp14_required_replacement_disqualifies_old_exam_holders_and_vacates(start) -> None:
    async with start(start_date=TODAY) as sp:
        team = await approve(sp)
        assert team["FE"] in await fe_candidates(sp), "SP-4: the 2012 pass of 642-437 counts"
        await sp.feed(replaced(False, TODAY))
        assert team["FE"] in await fe_candidates(sp), "a replacement that is not required keeps No Retest"
        assert (await sp.status())["compliant"] is True

        await sp.feed(replaced(True, TODAY))
        assert team["FE"] not in await fe_candidates(sp), "SP-4 stops applying once the replacement is required"
        s = await sp.status()
        assert s["compliant"] is False and s["vacancies"] == ["FE"]
        assert [(e["role"], e["cco_id"], e["vacated_on"], e["reason"]) for e in await sp.outbox(c.RoleVacated.TYPE)] == [
            ("FE", team["FE"], "2027-01-15", "qualification_lapsed")
        ]
        assert (await sp.outbox(c.StatusChanged.TYPE, PARTNER))[-1]["compliant"] is False

        # read back what was projected; the write endpoint is gone (certification owns the fact)
        one = await sp.client.get("/v1/exams/642-437/replacement", headers=sp.admin)
        assert one.status_code == 200 and one.json() == {
            "exam": "642-437", "replaced_by": "642-438", "required": True, "effective_on": "2027-01-15", "announced_on": "2027-01-15"
        }
        assert [r["exam"] for r in (await sp.client.get("/v1/exam-replacements", headers=sp.admin)).json()] == ["642-437"]
        assert (await sp.client.get("/v1/exams/642-438/replacement", headers=sp.staff)).status_code == 404
        put = await sp.client.put("/v1/exams/642-437/replacement", json={"replaced_by": "642-438"}, headers=sp.staff)
        assert put.status_code == 405

        # SP-14: passing the new exam qualifies again (a newer exam counts for the older listing)
        await sp.feed(c.ExamPassed(cco_id=team["FE"], exam_number="642-438", passed_on=TODAY, result_id="new-1"))
        assert team["FE"] in await fe_candidates(sp)


async def test_no4_required_replacement_within_90_days_warns_at_once(start) -> None:
    async with start(start_date=TODAY) as sp:
        team = await approve(sp)
        ends = TODAY + timedelta(days=30)
        await sp.feed(replaced(True, ends))
        assert await sp.outbox(c.RoleAtRisk.TYPE) == [
            {"be_geo_id": PARTNER, "specialization": SPEC, "role": "FE", "cco_id": team["FE"], "certification": "exams", "vacant_on": ends.isoformat(),
             "reason": "qualification_lapsed"}
        ], "warned on the announcement, not on the next day's job"
        assert (await sp.status())["vacancies"] == []
        await sp.today(ends)
        assert (await sp.status())["vacancies"] == ["FE"]
        assert len(await sp.outbox(c.RoleAtRisk.TYPE)) == 1


async def test_ce1_announcements_out_of_order_and_redelivered_apply_once(start) -> None:
    async with start(start_date=TODAY) as sp:
        team = await approve(sp)
        # announced later (business date), delivered first: the earlier one arriving late changes nothing
        await sp.feed(replaced(True, TODAY, announced_on=TODAY))
        await sp.feed(replaced(False, date(2027, 1, 1), announced_on=date(2027, 1, 1)))
        one = (await sp.client.get("/v1/exams/642-437/replacement", headers=sp.staff)).json()
        assert (one["required"], one["announced_on"]) == (True, "2027-01-15")
        assert (await sp.status())["vacancies"] == ["FE"]
        # same business date: the order of the events decides (the envelope's occurred_at)
        first = Envelope.wrap(replaced(False, TODAY, new="642-439"), producer="certification")
        second = Envelope.wrap(replaced(True, TODAY, new="642-440"), producer="certification")
        await sp.runtime.transport.publish([second, first, second])  # and a redelivery
        await sp.settle(lambda: in_inbox(sp.runtime, [first, second]))
        one = (await sp.client.get("/v1/exams/642-437/replacement", headers=sp.staff)).json()
        assert (one["replaced_by"], one["required"]) == ("642-440", True)
        assert [e["cco_id"] for e in await sp.outbox(c.RoleVacated.TYPE)] == [team["FE"]], "vacated once"
