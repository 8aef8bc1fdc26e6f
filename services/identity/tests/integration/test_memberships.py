"""Memberships with history (ID-1, ID-3) and their events."""

from __future__ import annotations

from datetime import date

from identity.tables import memberships
from partnerhub.bus.contracts import GrantChanged, MembershipEnded, MembershipStarted


async def _two_partners(api) -> None:
    await api.partner("100001", "Acme")
    await api.partner("100002", "Globex")
    await api.person("jdoe", "John Doe")


async def test_id1_join_defaults_to_the_business_date(identity) -> None:
    async with identity() as api:
        await _two_partners(api)
        await api.move_to(date(2027, 3, 5))
        r = await api.join("jdoe", "100001")
        assert r.json() == {
            "cco_id": "jdoe", "be_geo_id": "100001", "started_on": "2027-03-05", "ended_on": None,
            "active": True, "name": None, "email": None, "leaves_on": None,
        }
        assert await api.events(MembershipStarted) == [
            MembershipStarted(cco_id="jdoe", be_geo_id="100001", started_on=date(2027, 3, 5))
        ]
        r = await api.http.get("/v1/individuals/jdoe", headers=api.staff())
        assert r.json()["partner"] == "100001"


async def test_id3_joining_another_partner_ends_the_active_membership_that_day(identity) -> None:
    async with identity() as api:
        await _two_partners(api)
        await api.join("jdoe", "100001", on=date(2027, 1, 10))
        r = await api.http.put(
            "/v1/partners/100002/members/jdoe", json={"on": "2027-02-01"}, headers=api.staff()
        )
        assert r.status_code == 200 and r.json()["started_on"] == "2027-02-01"
        assert await api.events(MembershipEnded) == [
            MembershipEnded(cco_id="jdoe", be_geo_id="100001", started_on=date(2027, 1, 10), ended_on=date(2027, 2, 1))
        ]
        assert [e.be_geo_id for e in await api.events(MembershipStarted)] == ["100001", "100002"]
        current = await api.http.get("/v1/partners/100001/members", headers=api.staff())
        assert current.json()["members"] == []
        former = await api.http.get("/v1/partners/100001/members?include_former=true", headers=api.staff())
        [row] = former.json()["members"]
        assert (row["cco_id"], row["started_on"], row["ended_on"], row["active"]) == (
            "jdoe", "2027-01-10", "2027-02-01", False
        )
        assert row["name"] == "John Doe"


async def test_id3_leave_then_rejoin_keeps_history(identity) -> None:
    async with identity() as api:
        await _two_partners(api)
        await api.join("jdoe", "100001", on=date(2027, 1, 1))
        r = await api.http.delete("/v1/partners/100001/members/jdoe?on=2027-01-20", headers=api.staff())
        assert r.status_code == 204
        await api.join("jdoe", "100001", on=date(2027, 2, 1))
        r = await api.http.get("/v1/partners/100001/members?include_former=true", headers=api.staff())
        assert [(m["started_on"], m["ended_on"]) for m in r.json()["members"]] == [
            ("2027-01-01", "2027-01-20"), ("2027-02-01", None)
        ]
        ended = await api.events(MembershipEnded)
        assert [(e.started_on, e.ended_on) for e in ended] == [(date(2027, 1, 1), date(2027, 1, 20))]


async def test_repeated_join_and_leave_change_nothing(identity) -> None:
    async with identity() as api:
        await _two_partners(api)
        await api.join("jdoe", "100001", on=date(2027, 1, 1))
        await api.join("jdoe", "100001", on=date(2027, 2, 1))  # already a member
        assert len(await api.events(MembershipStarted)) == 1
        for _ in range(2):
            r = await api.http.delete("/v1/partners/100001/members/jdoe", headers=api.staff())
            assert r.status_code == 204
        assert len(await api.events(MembershipEnded)) == 1


async def test_bad_membership_dates_are_422_and_change_nothing(identity) -> None:
    async with identity() as api:
        await _two_partners(api)
        await api.join("jdoe", "100001", on=date(2027, 2, 1))
        before = await api.events()
        staff = api.staff()
        cases = [
            ("PUT", "/v1/partners/100002/members/jdoe", {"on": "2027-01-15"}, None, "overlapping-membership"),
            ("PUT", "/v1/partners/100002/members/jdoe", {"on": "2027-12-01"}, None, "date-in-future"),
            ("PUT", "/v1/partners/100002/members/jdoe", {"on": "yesterday"}, None, "invalid-request"),
            ("PUT", "/v1/partners/100002/members/jdoe", {"on": "2027-02-10"}, {"on": "2027-02-11"}, "invalid-request"),
            ("PUT", "/v1/partners/100002/members/jdoe", None, {"on": "2027-02-10", "x": 1}, "invalid-request"),
            ("DELETE", "/v1/partners/100001/members/jdoe", {"on": "2027-01-31"}, None, "end-before-start"),
            ("DELETE", "/v1/partners/100001/members/jdoe", {"on": "soon"}, None, "invalid-request"),
            ("PUT", "/v1/partners/bad%20id/members/jdoe", None, None, "invalid-request"),
            ("PUT", "/v1/partners/100001/members/x", None, None, "invalid-request"),
        ]
        for method, path, params, body, slug in cases:
            r = await api.http.request(method, path, params=params, json=body, headers=staff)
            assert r.status_code == 422, (method, path, params, body, r.text)
            assert r.json()["type"].endswith(slug), r.json()
        assert await api.events() == before
        assert await api.count(memberships) == 1
        r = await api.http.get("/v1/partners/100001/members", headers=staff)
        assert [m["cco_id"] for m in r.json()["members"]] == ["jdoe"]


async def test_id4_leaving_withdraws_the_grant_to_that_partner(identity) -> None:
    async with identity() as api:
        await _two_partners(api)
        await api.join("jdoe", "100001", on=date(2027, 1, 1))
        r = await api.http.put("/v1/individuals/jdoe/grants/100001", headers=api.as_("jdoe"))
        assert r.status_code == 200
        await api.join("jdoe", "100002", on=date(2027, 2, 1))
        assert [(e.be_geo_id, e.granted, e.changed_on) for e in await api.events(GrantChanged)] == [
            ("100001", True, date(2027, 3, 1)),
            ("100001", False, date(2027, 2, 1)),
        ]
        r = await api.http.get("/v1/individuals/jdoe", headers=api.staff())
        assert r.json()["grants"] == []
