"""Privacy from identity projections (CE-11, ID-4, CE-12) and merges (ID-2) — both modes."""

from __future__ import annotations

from datetime import date

from certification.app import SERVICE
from partnerhub.bus.contracts import (
    GrantChanged,
    IndividualMerged,
    MembershipEnded,
    MembershipStarted,
)
from partnerhub.testing import eventually

P1, P2 = "BE-100", "BE-200"


async def _setup(system, h) -> None:
    runtime = system.runtimes["certification"]
    await h.catalog(system)
    await h.result(system, "a-1", "ann", "A1", "2020-01-10")
    await h.result(system, "a-2", "ann", "R1", "2020-02-10")
    await h.result(system, "a-3", "ann", "D1", "2016-01-10")  # expired CCDA
    await h.result(system, "a-4", "ann", "P1", "2020-03-01", passed=False)
    await h.result(system, "b-1", "bob", "A1", "2020-01-10")
    await h.publish(
        runtime,
        MembershipStarted(cco_id="ann", be_geo_id=P1, started_on=date(2019, 1, 1)),
        MembershipStarted(cco_id="bob", be_geo_id=P2, started_on=date(2019, 1, 1)),
    )
    client = system.clients["certification"]

    async def projected() -> bool:
        r = await client.get(f"/v1/partners/{P1}/certifications", headers=system.staff())
        return [m["cco_id"] for m in r.json()["members"]] == ["ann"]

    await eventually(projected)


async def test_ce11_privacy_matrix(system_factory, h) -> None:
    async with system_factory(SERVICE, start_date="2020-06-01") as system:
        await _setup(system, h)
        client = system.clients["certification"]
        runtime = system.runtimes["certification"]
        ann = system.token("ann", "individual")
        bob = system.token("bob", "individual")
        admin1 = system.token("adm1", "partner_admin", admin_of=[P1])
        admin2 = system.token("adm2", "partner_admin", admin_of=[P2])
        pam1 = system.token("pam1", "pam", pam_of=[P1])
        pam2 = system.token("pam2", "pam", pam_of=[P2])
        staff = system.staff()
        sys_ = system.token("svc", "system")

        async def status(path: str, headers: dict[str, str]) -> int:
            return (await client.get(path, headers=headers)).status_code

        history = "/v1/individuals/ann/exam-history"
        certs = "/v1/individuals/ann/certifications"
        partner = f"/v1/partners/{P1}/certifications"
        assert await status(history, ann) == 200
        assert await status(history, staff) == 200
        assert await status(history, admin1) == 403  # ann's partner's admin, but no grant (ID-4)
        assert await status(history, sys_) == 403  # a system sees profiles, never exam history (CE-11)
        for who in (bob, admin2, pam1):
            assert await status(history, who) == 404
        assert (await client.get(history)).status_code == 401
        for who in (ann, staff, admin1):
            assert await status(certs, who) == 200
        for who in (bob, admin2, pam1, sys_):
            assert await status(certs, who) == 404
        for who in (admin1, pam1, staff):
            assert await status(partner, who) == 200
        for who in (admin2, pam2):
            assert await status(partner, who) == 404  # another partner's
        for who in (ann, bob):
            assert await status(partner, who) == 403  # no role that sees partners

        # the individual sees the full history (a failed attempt too) and every badge
        attempts = (await client.get(history, headers=ann)).json()["results"]
        assert [(a["exam_number"], a["passed"]) for a in attempts] == [("D1", True), ("A1", True), ("R1", True), ("P1", False)]
        full = (await client.get(certs, headers=ann)).json()
        assert {c["certification"]: c["status"] for c in full["certifications"]} == {
            "CCNA": "active", "CQS-R": "active", "CCDA": "expired"
        }
        # the partner admin sees current certifications only, until a grant (ID-4)
        current = (await client.get(certs, headers=admin1)).json()
        assert current["view"] == "current"
        assert sorted(c["certification"] for c in current["certifications"]) == ["CCNA", "CQS-R"]
        await h.publish(runtime, GrantChanged(cco_id="ann", be_geo_id=P1, granted=True, changed_on=date(2020, 5, 1)))
        await eventually(lambda: _status_is(client, history, admin1, 200))
        assert (await client.get(certs, headers=admin1)).json()["view"] == "full"
        assert await status(history, admin2) == 404
        # an older revoke arriving late changes nothing; a newer one ends the access
        await h.publish(runtime, GrantChanged(cco_id="ann", be_geo_id=P1, granted=False, changed_on=date(2020, 4, 1)))
        await h.publish(runtime, GrantChanged(cco_id="bob", be_geo_id=P2, granted=True, changed_on=date(2020, 5, 1)))
        await eventually(lambda: _status_is(client, "/v1/individuals/bob/exam-history", admin2, 200))
        assert await status(history, admin1) == 200
        await h.publish(runtime, GrantChanged(cco_id="ann", be_geo_id=P1, granted=False, changed_on=date(2020, 5, 20)))
        await eventually(lambda: _status_is(client, history, admin1, 403))

        # CE-12: the partner view counts certified individuals per program requirement; CQS counts for none
        view = (await client.get(partner, headers=admin1)).json()
        assert view["certified_individuals"] == {"sales_expert": 0, "associate": 1, "professional": 0, "expert": 0}
        assert sorted(c["certification"] for c in view["members"][0]["certifications"]) == ["CCNA", "CQS-R"]
        # the PAM sees the counts (the partner's standing), not the members (the actor table)
        pam_view = (await client.get(partner, headers=pam1)).json()
        assert pam_view["certified_individuals"] == view["certified_individuals"] and "members" not in pam_view

        # ann leaves P1 for P2 with a grant in force at P1: P1's admin loses sight, P2's gains current view
        await h.publish(
            runtime,
            GrantChanged(cco_id="ann", be_geo_id=P1, granted=True, changed_on=date(2020, 5, 25)),
            MembershipEnded(cco_id="ann", be_geo_id=P1, started_on=date(2019, 1, 1), ended_on=date(2020, 5, 31)),
            MembershipStarted(cco_id="ann", be_geo_id=P2, started_on=date(2020, 6, 1)),
        )
        await eventually(lambda: _status_is(client, certs, admin2, 200))
        assert await status(certs, admin1) == 404
        assert await status(history, admin1) == 404
        assert await status(history, admin2) == 403  # her partner now, but no grant for P2 (ID-4)
        assert (await client.get(partner, headers=admin1)).json()["members"] == []


async def _status_is(client, path: str, headers: dict[str, str], expected: int) -> bool:
    return (await client.get(path, headers=headers)).status_code == expected


async def test_membership_end_before_start_out_of_order(system_factory, h) -> None:
    async with system_factory(SERVICE, start_date="2020-06-01") as system:
        await h.catalog(system)
        runtime = system.runtimes["certification"]
        client = system.clients["certification"]
        await h.publish(runtime, MembershipEnded(cco_id="ann", be_geo_id=P1, started_on=date(2019, 1, 1), ended_on=date(2020, 1, 1)))
        await h.publish(runtime, MembershipStarted(cco_id="ann", be_geo_id=P1, started_on=date(2019, 1, 1)))
        await h.publish(runtime, MembershipStarted(cco_id="zed", be_geo_id=P1, started_on=date(2019, 1, 1)))

        async def only_zed() -> bool:
            r = await client.get(f"/v1/partners/{P1}/certifications", headers=system.staff())
            return [m["cco_id"] for m in r.json()["members"]] == ["zed"]

        await eventually(only_zed)


async def test_id2_merge_moves_results_and_recomputes_badges_once(system_factory, h) -> None:
    async with system_factory(SERVICE, start_date="2021-06-01") as system:
        await h.catalog(system)
        runtime = system.runtimes["certification"]
        client = system.clients["certification"]
        # the same exam passed under both IDs; CCNP's exams split across the two IDs
        await h.result(system, "m-1", "ann", "A1", "2020-01-10")
        await h.result(system, "m-2", "ann-old", "A1", "2019-05-05")
        await h.result(system, "m-3", "ann-old", "P1", "2020-03-01")
        await h.result(system, "m-4", "ann", "P2", "2020-04-01")
        await h.result(system, "m-5", "ann-old", "D1", "2020-02-01")
        assert "CCNP" not in await h.badges(system, "ann")
        await client.post("/v1/individuals/ann-old/agreements", json={}, headers=system.staff())
        await h.publish(runtime, MembershipStarted(cco_id="ann-old", be_geo_id=P1, started_on=date(2019, 1, 1)))
        merged = IndividualMerged(survivor="ann", retired=["ann-old"], merged_on=date(2021, 6, 1))
        await h.publish(runtime, merged)
        await h.publish(runtime, merged)  # a redelivery (new id): applying it again changes nothing

        async def moved() -> bool:
            badges = await h.badges(system, "ann")
            return "CCNP" in badges

        await eventually(moved)
        history = (await client.get("/v1/individuals/ann/exam-history", headers=system.token("ann", "individual"))).json()
        attempts = [(r["exam_number"], r["taken_on"], r["recorded_as"]) for r in history["results"]]
        assert attempts == [
            ("A1", "2019-05-05", "ann-old"), ("A1", "2020-01-10", "ann"), ("D1", "2020-02-01", "ann-old"),
            ("P1", "2020-03-01", "ann-old"), ("P2", "2020-04-01", "ann"),
        ]
        badges = await h.badges(system, "ann")
        assert badges["CCNA"]["achieved_on"] == "2019-05-05"  # the earlier attempt now counts
        assert badges["CCNP"]["achieved_on"] == "2020-04-01"
        assert badges["CCDA"]["status"] == "active"
        # the retired ID resolves to the survivor; its own records are gone
        via_old = (await client.get("/v1/individuals/ann-old/certifications", headers=system.staff())).json()
        assert via_old["cco_id"] == "ann"
        achieved = await h.events(system, "certification.badge.achieved.v1", "ann")
        assert sorted(e["certification"] for e in achieved) == ["CCDA", "CCNA", "CCNA", "CCNP"]  # CCNA again: earlier achieved_on
        # the agreement moved too: certificates for the survivor's badges
        assert badges["CCNP"]["certificate"] is not None
        # a result sent later under the retired ID lands on the survivor
        late = await h.result(system, "m-6", "ann-old", "R1", "2021-05-01")
        assert late.json()["cco_id"] == "ann" and late.json()["recorded_as"] == "ann-old"
        assert "CQS-R" in await h.badges(system, "ann")
        # the membership moved to the survivor
        view = (await client.get(f"/v1/partners/{P1}/certifications", headers=system.staff())).json()
        assert [m["cco_id"] for m in view["members"]] == ["ann"]
