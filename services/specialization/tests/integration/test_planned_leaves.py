"""A role holder's planned leave, as identity announces it (NO-4, SP-14), in both modes: at risk at once with
the leaving date, vacant on the day; a cancellation clears the planned vacancy; plans apply by revision."""

from __future__ import annotations

from datetime import date

from partnerhub.bus import contracts as c

PARTNER = "BG-1001"  # the Driver's partner (conftest)
APPROVED = date(2027, 1, 15)
SINCE = date(2026, 1, 1)
SPEC = "ADV-COLLAB"


async def _approved(sp) -> dict[str, str]:  # type: ignore[no-untyped-def]
    await sp.catalog()
    team = await sp.qualified_team(SINCE)
    assert (await sp.apply(team)).status_code == 201
    return team


def _plan(cco_id: str, leaves_on: date, revision: int) -> c.LeavePlanned:
    return c.LeavePlanned(cco_id=cco_id, be_geo_id=PARTNER, started_on=SINCE, leaves_on=leaves_on, revision=revision)


def _role(status: dict, role: str) -> dict:
    return next(r for r in status["roles"] if r["role"] == role)


async def test_no4_sp14_a_planned_leave_is_at_risk_at_once_and_vacant_on_the_day(start) -> None:
    async with start(start_date=APPROVED) as sp:
        team = await _approved(sp)
        leaves_on = date(2027, 9, 1)  # far beyond the 90-day window: the warning is due when it is announced
        await sp.feed(_plan(team["SE"], leaves_on, 1))
        assert await sp.outbox(c.RoleAtRisk.TYPE) == [
            {"be_geo_id": PARTNER, "specialization": SPEC, "role": "SE", "cco_id": team["SE"], "certification": "",
             "vacant_on": "2027-09-01", "reason": "left"}
        ]
        status = await sp.status()
        assert status["compliant"] is True and status["vacancies"] == []
        assert _role(status, "SE")["vacates_on"] == "2027-09-01"
        await sp.today(date(2027, 8, 31))  # the 90-day mark passed: warned once, not again
        assert len(await sp.outbox(c.RoleAtRisk.TYPE)) == 1
        assert await sp.outbox(c.RoleVacated.TYPE) == []
        await sp.today(leaves_on)
        status = await sp.status()
        assert status["compliant"] is False and status["vacancies"] == ["SE"]
        assert await sp.outbox(c.RoleVacated.TYPE) == [
            {"be_geo_id": PARTNER, "specialization": SPEC, "role": "SE", "cco_id": team["SE"], "vacated_on": "2027-09-01", "reason": "left"}
        ]
        assert (await sp.outbox(c.StatusChanged.TYPE))[-1]["compliant"] is False
        # identity's job ends the membership that day: the role is vacant already, nothing more
        await sp.feed(c.MembershipEnded(cco_id=team["SE"], be_geo_id=PARTNER, started_on=SINCE, ended_on=leaves_on))
        assert len(await sp.outbox(c.RoleVacated.TYPE)) == 1


async def test_no4_sp14_a_cancelled_leave_clears_the_planned_vacancy(start) -> None:
    async with start(start_date=APPROVED) as sp:
        team = await _approved(sp)
        await sp.feed(_plan(team["AM"], date(2027, 6, 1), 1))
        assert [(e["role"], e["vacant_on"]) for e in await sp.outbox(c.RoleAtRisk.TYPE)] == [("AM", "2027-06-01")]
        await sp.feed(c.LeaveCancelled(cco_id=team["AM"], be_geo_id=PARTNER, started_on=SINCE, leaves_on=date(2027, 6, 1), revision=2))
        assert _role(await sp.status(), "AM")["vacates_on"] is None
        # the first plan delivered again, late, under a new event id: an older revision changes nothing
        await sp.feed(_plan(team["AM"], date(2027, 6, 1), 1))
        await sp.today(date(2027, 6, 2))
        status = await sp.status()
        assert status["compliant"] is True and status["vacancies"] == []
        assert await sp.outbox(c.RoleVacated.TYPE) == []
        assert len(await sp.outbox(c.RoleAtRisk.TYPE)) == 1
        # planned again for another date: a new warning with the new date
        await sp.feed(_plan(team["AM"], date(2027, 7, 1), 3))
        assert [e["vacant_on"] for e in await sp.outbox(c.RoleAtRisk.TYPE)] == ["2027-06-01", "2027-07-01"]
        assert _role(await sp.status(), "AM")["vacates_on"] == "2027-07-01"


async def test_id2_a_merge_keeps_the_planned_vacancy_without_a_second_warning(start) -> None:
    async with start(start_date=APPROVED) as sp:
        team = await _approved(sp)
        await sp.feed(_plan(team["FE"], date(2027, 5, 1), 1))
        await sp.feed(c.IndividualMerged(survivor="fe.main", retired=[team["FE"]], merged_on=APPROVED))
        # identity announces the plan again under the survivor
        await sp.feed(c.LeavePlanned(cco_id="fe.main", be_geo_id=PARTNER, started_on=SINCE, leaves_on=date(2027, 5, 1), revision=2))
        fe = _role(await sp.status(), "FE")
        assert (fe["holder"], fe["vacates_on"]) == ("fe.main", "2027-05-01")
        assert len(await sp.outbox(c.RoleAtRisk.TYPE)) == 1
        await sp.today(date(2027, 5, 1))
        assert [(e["role"], e["cco_id"]) for e in await sp.outbox(c.RoleVacated.TYPE)] == [("FE", "fe.main")]
