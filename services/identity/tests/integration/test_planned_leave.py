"""Planned leaves (ID-3, NO-4): an end date after the business date is recorded and announced at once,
the membership stays active until then, and identity's daily job ends it on the day."""

from __future__ import annotations

from datetime import date

from partnerhub.bus.contracts import (
    GrantChanged,
    LeaveCancelled,
    LeavePlanned,
    MembershipEnded,
    MembershipStarted,
)

P1, P2 = "100001", "100002"
STARTED = date(2027, 1, 10)  # TODAY (the clock's first date) is 2027-03-01


async def _member(api, cco_id: str = "jdoe") -> None:
    await api.partner(P1, "Acme")
    await api.partner(P2, "Globex")
    await api.person(cco_id, "John Doe")
    await api.join(cco_id, P1, on=STARTED)


async def _leave(api, on: str, cco_id: str = "jdoe", headers=None) -> None:  # type: ignore[no-untyped-def]
    r = await api.http.delete(f"/v1/partners/{P1}/members/{cco_id}", params={"on": on}, headers=headers or api.staff())
    assert r.status_code == 204, r.text


async def _members(api, former: bool = False) -> list[dict]:
    r = await api.http.get(f"/v1/partners/{P1}/members", params={"include_former": former}, headers=api.staff())
    assert r.status_code == 200, r.text
    return r.json()["members"]


async def test_id3_no4_a_future_end_is_planned_shown_and_announced_at_once(identity) -> None:
    async with identity() as api:
        await _member(api)
        admin = api.as_("ada", "individual", "partner_admin", admin_of=(P1,))
        await _leave(api, "2027-04-01", headers=admin)
        [m] = await _members(api)
        assert (m["active"], m["ended_on"], m["leaves_on"]) == (True, None, "2027-04-01")
        assert await api.events(LeavePlanned) == [
            LeavePlanned(cco_id="jdoe", be_geo_id=P1, started_on=STARTED, leaves_on=date(2027, 4, 1), revision=1)
        ]
        assert await api.events(MembershipEnded) == []
        assert (await api.http.get("/v1/individuals/jdoe", headers=api.staff())).json()["partner"] == P1
        # the membership response of a repeated join shows the plan too, and keeps it
        r = await api.join("jdoe", P1)
        assert r.json()["leaves_on"] == "2027-04-01" and r.json()["active"] is True
        # the same date again changes nothing; a new date replaces the plan
        await _leave(api, "2027-04-01")
        await _leave(api, "2027-05-15")
        assert [(e.leaves_on, e.revision) for e in await api.events(LeavePlanned)] == [
            (date(2027, 4, 1), 1), (date(2027, 5, 15), 2)
        ]
        assert [m["leaves_on"] for m in await _members(api)] == ["2027-05-15"]
        await api.move_to(date(2027, 4, 1))  # the replaced date passes: nothing ends
        assert await api.events(MembershipEnded) == []


async def test_id3_no4_a_cancelled_leave_keeps_the_member(identity) -> None:
    async with identity() as api:
        await _member(api)
        await _leave(api, "2027-04-01")
        pam = api.as_("pat", "individual", "pam", pam_of=(P1,))
        other_admin = api.as_("oscar", "individual", "partner_admin", admin_of=(P2,))
        url = f"/v1/partners/{P1}/members/jdoe/planned-leave"
        assert (await api.http.delete(url, headers=pam)).status_code == 403
        assert (await api.http.delete(url, headers=other_admin)).status_code == 404
        assert [m["leaves_on"] for m in await _members(api)] == ["2027-04-01"]
        admin = api.as_("ada", "individual", "partner_admin", admin_of=(P1,))
        for _ in range(2):  # a repeat changes nothing
            assert (await api.http.delete(url, headers=admin)).status_code == 204
        assert await api.events(LeaveCancelled) == [
            LeaveCancelled(cco_id="jdoe", be_geo_id=P1, started_on=STARTED, leaves_on=date(2027, 4, 1), revision=2)
        ]
        [m] = await _members(api)
        assert (m["active"], m["leaves_on"]) == (True, None)
        await api.move_to(date(2027, 4, 2))
        assert await api.events(MembershipEnded) == []
        assert [m["cco_id"] for m in await _members(api)] == ["jdoe"]


async def test_id3_the_daily_job_ends_a_planned_leave_on_its_day_once(identity) -> None:
    async with identity() as api:
        await _member(api)
        await api.person("kim")
        await api.join("kim", P1, on=STARTED)
        r = await api.http.put(f"/v1/individuals/jdoe/grants/{P1}", headers=api.as_("jdoe"))
        assert r.status_code == 200
        await _leave(api, "2027-03-10")
        await _leave(api, "2027-03-15", cco_id="kim")
        await api.move_to(date(2027, 3, 9))
        assert await api.events(MembershipEnded) == []
        await api.move_to(date(2027, 3, 10))
        assert await api.events(MembershipEnded) == [
            MembershipEnded(cco_id="jdoe", be_geo_id=P1, started_on=STARTED, ended_on=date(2027, 3, 10))
        ]
        assert [(e.granted, e.changed_on) for e in await api.events(GrantChanged)][-1] == (False, date(2027, 3, 10))
        # a jump over kim's day ends hers on her date, not on the day the clock reached
        await api.move_to(date(2027, 4, 30))
        assert [(e.cco_id, e.ended_on) for e in await api.events(MembershipEnded)] == [
            ("jdoe", date(2027, 3, 10)), ("kim", date(2027, 3, 15))
        ]
        assert await _members(api) == []
        former = {m["cco_id"]: m for m in await _members(api, former=True)}
        assert (former["jdoe"]["ended_on"], former["jdoe"]["leaves_on"], former["jdoe"]["active"]) == ("2027-03-10", None, False)
        assert (await api.http.get("/v1/individuals/jdoe", headers=api.staff())).json()["partner"] is None
        await api.move_to(date(2027, 5, 1))
        assert len(await api.events(MembershipEnded)) == 2


async def test_id3_a_past_or_todays_date_still_ends_at_once_and_supersedes_a_plan(identity) -> None:
    async with identity() as api:
        await _member(api)
        await _leave(api, "2027-06-01")
        await _leave(api, "2027-02-20")  # before the business date: ends now, on that date
        assert await api.events(MembershipEnded) == [
            MembershipEnded(cco_id="jdoe", be_geo_id=P1, started_on=STARTED, ended_on=date(2027, 2, 20))
        ]
        [m] = await _members(api, former=True)
        assert (m["ended_on"], m["leaves_on"]) == ("2027-02-20", None)
        await api.move_to(date(2027, 6, 2))
        assert len(await api.events(MembershipEnded)) == 1


async def test_id3_joining_another_partner_before_the_planned_date_ends_on_the_join_date(identity) -> None:
    async with identity() as api:
        await _member(api)
        await _leave(api, "2027-04-01")
        r = await api.http.put(f"/v1/partners/{P2}/members/jdoe", headers=api.staff())
        assert r.status_code == 200 and r.json()["leaves_on"] is None
        assert await api.events(MembershipEnded) == [
            MembershipEnded(cco_id="jdoe", be_geo_id=P1, started_on=STARTED, ended_on=date(2027, 3, 1))
        ]
        assert [e.be_geo_id for e in await api.events(MembershipStarted)] == [P1, P2]
        await api.move_to(date(2027, 4, 2))  # the old plan is gone with the membership
        assert len(await api.events(MembershipEnded)) == 1
        assert (await api.http.get("/v1/individuals/jdoe", headers=api.staff())).json()["partner"] == P2


async def _merge(api, survivor: str, *retire: str) -> None:
    r = await api.http.post(f"/v1/individuals/{survivor}/merge", json={"retire": list(retire)}, headers=api.staff())
    assert r.status_code == 200, r.text


async def test_id2_a_merge_keeps_the_planned_leave_of_the_membership_kept(identity) -> None:
    async with identity() as api:
        await _member(api, "bob2")  # the retired ID holds the more recent membership, with a plan
        await api.person("bob")
        await api.join("bob", P2, on=date(2026, 6, 1))
        await _leave(api, "2027-04-01", cco_id="bob2")
        await _merge(api, "bob", "bob2")
        [m] = await _members(api)
        assert (m["cco_id"], m["leaves_on"]) == ("bob", "2027-04-01")
        assert [(e.cco_id, e.leaves_on, e.revision) for e in await api.events(LeavePlanned)] == [
            ("bob2", date(2027, 4, 1), 1), ("bob", date(2027, 4, 1), 2)  # announced again under the survivor
        ]
        await api.move_to(date(2027, 4, 1))
        ended = [(e.cco_id, e.be_geo_id, e.ended_on) for e in await api.events(MembershipEnded)]
        assert ended == [("bob", P2, STARTED), ("bob", P1, date(2027, 4, 1))]


async def test_id2_the_same_membership_under_two_ids_keeps_the_retired_ids_plan(identity) -> None:
    async with identity() as api:
        await _member(api, "ann")
        await api.person("ann2")
        await api.join("ann2", P1, on=STARTED)
        await _leave(api, "2027-04-01", cco_id="ann2")
        await _merge(api, "ann", "ann2")
        [m] = await _members(api)
        assert (m["cco_id"], m["leaves_on"]) == ("ann", "2027-04-01")
        assert [(e.cco_id, e.revision) for e in await api.events(LeavePlanned)] == [("ann2", 1), ("ann", 2)]
        assert await api.events(MembershipEnded) == []
        await api.move_to(date(2027, 4, 1))
        assert [(e.cco_id, e.ended_on) for e in await api.events(MembershipEnded)] == [("ann", date(2027, 4, 1))]
