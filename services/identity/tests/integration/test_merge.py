"""Merging CCO IDs (ID-2): resolution forever, chains, combination, idempotency, refusals."""

from __future__ import annotations

from datetime import date

from identity.tables import grants, individuals, memberships, partner_roles
from partnerhub.bus.contracts import IndividualMerged, MembershipEnded


async def _merge(api, survivor: str, *retire: str, status: int = 200):
    r = await api.http.post(f"/v1/individuals/{survivor}/merge", json={"retire": list(retire)}, headers=api.staff())
    assert r.status_code == status, r.text
    return r.json()


async def test_id2_retired_id_resolves_to_the_survivor(identity) -> None:
    async with identity() as api:
        await api.person("alice", "Alice Smith", "alice@example.com")
        await api.person("alice2", "Alice Smith", "alice@example.com")
        body = await _merge(api, "alice", "alice2")
        assert body["newly_retired"] == ["alice2"]
        assert body["survivor"]["cco_id"] == "alice" and body["survivor"]["retired_ids"] == ["alice2"]
        r = await api.http.get("/v1/individuals/alice2", headers=api.staff())
        assert r.status_code == 200
        assert r.json()["cco_id"] == "alice" and r.json()["retired_ids"] == ["alice2"]
        # the person, logged in under the retired ID, still sees their (merged) profile
        r = await api.http.get("/v1/individuals/alice2", headers=api.as_("alice2"))
        assert r.status_code == 200 and r.json()["cco_id"] == "alice"
        assert await api.events(IndividualMerged) == [
            IndividualMerged(survivor="alice", retired=["alice2"], merged_on=date(2027, 3, 1))
        ]


async def test_id2_chains_resolve_to_the_last_survivor(identity) -> None:
    async with identity() as api:
        for cco in ("aaa", "bbb", "ccc"):
            await api.person(cco)
        await _merge(api, "aaa", "bbb")  # B into A
        await api.move_to(date(2027, 3, 2))
        body = await _merge(api, "ccc", "aaa")  # then A into C
        assert body["newly_retired"] == ["aaa", "bbb"]
        for asked in ("aaa", "bbb", "ccc"):
            r = await api.http.get(f"/v1/individuals/{asked}", headers=api.staff())
            assert r.json()["cco_id"] == "ccc" and r.json()["retired_ids"] == ["aaa", "bbb"], asked
        assert await api.events(IndividualMerged) == [
            IndividualMerged(survivor="aaa", retired=["bbb"], merged_on=date(2027, 3, 1)),
            IndividualMerged(survivor="ccc", retired=["aaa", "bbb"], merged_on=date(2027, 3, 2)),
        ]
        # writes through a retired ID land on the survivor
        r = await api.http.patch("/v1/individuals/bbb", json={"name": "Cee"}, headers=api.staff())
        assert r.status_code == 200 and r.json()["cco_id"] == "ccc"


async def test_id2_merge_is_idempotent(identity) -> None:
    async with identity() as api:
        for cco in ("aaa", "bbb", "ccc"):
            await api.person(cco)
        await _merge(api, "aaa", "bbb")
        before = await api.events()
        again = await _merge(api, "aaa", "bbb")
        assert again["newly_retired"] == [] and again["survivor"]["retired_ids"] == ["bbb"]
        assert await api.events() == before
        # a later merge listing an already retired ID only adds the new one
        body = await _merge(api, "aaa", "bbb", "ccc")
        assert body["newly_retired"] == ["ccc"]
        assert [e.retired for e in await api.events(IndividualMerged)] == [["bbb"], ["ccc"]]


async def test_id2_bad_merges_are_4xx_and_change_nothing(identity) -> None:
    async with identity() as api:
        for cco in ("aaa", "bbb", "ccc", "ddd"):
            await api.person(cco)
        await _merge(api, "aaa", "bbb")
        before = await api.events()
        cases = [
            ("ccc", {"retire": ["ccc"]}, 422, "merge-into-itself"),
            ("bbb", {"retire": ["ccc"]}, 409, "survivor-retired"),  # into a retired ID
            ("nobody", {"retire": ["ccc"]}, 404, "not-found"),
            ("ccc", {"retire": ["nobody"]}, 422, "unknown-cco-id"),
            ("ccc", {"retire": ["ddd", "nobody"]}, 422, "unknown-cco-id"),
            ("ccc", {"retire": ["bbb"]}, 409, "already-merged-elsewhere"),
            ("ccc", {"retire": []}, 422, "invalid-request"),
            ("ccc", {"retire": "ddd"}, 422, "invalid-request"),
            ("ccc", {"retire": ["ddd"], "undo": True}, 422, "invalid-request"),
            ("ccc", {"retire": ["bad id"]}, 422, "invalid-request"),
        ]
        for survivor, body, status, slug in cases:
            r = await api.http.post(f"/v1/individuals/{survivor}/merge", json=body, headers=api.staff())
            assert r.status_code == status, (survivor, body, r.text)
            assert r.json()["type"].endswith(slug), r.json()
        assert await api.events() == before
        async with api.runtime.db.engine.connect() as conn:
            from sqlalchemy import select

            retired = (await conn.execute(select(individuals.c.cco_id).where(individuals.c.survivor_id.is_not(None)))).scalars().all()
        assert retired == ["bbb"]


async def test_id2_memberships_combine_and_the_most_recent_active_one_stays(identity) -> None:
    async with identity() as api:
        for be in ("100001", "100002", "100003"):
            await api.partner(be)
        await api.person("old")
        await api.person("new")
        await api.join("old", "100003", on=date(2026, 6, 1))
        await api.join("old", "100001", on=date(2027, 1, 1))  # ends 100003 on 2027-01-01
        await api.join("new", "100002", on=date(2027, 2, 1))
        await _merge(api, "old", "new")
        r = await api.http.get("/v1/individuals/new", headers=api.staff())
        assert r.json()["cco_id"] == "old" and r.json()["partner"] == "100002"
        history = {}
        for be in ("100001", "100002", "100003"):
            r = await api.http.get(f"/v1/partners/{be}/members?include_former=true", headers=api.staff())
            history[be] = [(m["cco_id"], m["started_on"], m["ended_on"]) for m in r.json()["members"]]
        assert history == {
            "100001": [("old", "2027-01-01", "2027-02-01")],
            "100002": [("old", "2027-02-01", None)],
            "100003": [("old", "2026-06-01", "2027-01-01")],
        }
        assert (await api.events(MembershipEnded))[-1] == MembershipEnded(
            cco_id="old", be_geo_id="100001", started_on=date(2027, 1, 1), ended_on=date(2027, 2, 1)
        )
        assert await api.count(memberships) == 3


async def test_id2_the_same_membership_under_two_ids_is_one_and_nobody_leaves(identity) -> None:
    """Both IDs joined the same partner on the same day: after the merge it is one active membership, and no
    membership.ended says the survivor left that partner (consumers key memberships by partner and start)."""
    async with identity() as api:
        await api.partner("100001")
        await api.person("sam")
        await api.person("sam2")
        await api.join("sam", "100001", on=date(2027, 1, 1))
        await api.join("sam2", "100001", on=date(2027, 1, 1))
        await _merge(api, "sam", "sam2")
        r = await api.http.get("/v1/partners/100001/members?include_former=true", headers=api.staff())
        assert [(m["cco_id"], m["started_on"], m["ended_on"]) for m in r.json()["members"]] == [
            ("sam", "2027-01-01", None)
        ]
        assert await api.events(MembershipEnded) == []
        assert await api.count(memberships) == 1
        r = await api.http.get("/v1/individuals/sam2", headers=api.staff())
        assert r.json()["cco_id"] == "sam" and r.json()["partner"] == "100001"


async def test_id2_admin_roles_and_grants_combine(identity) -> None:
    async with identity() as api:
        await api.partner("100001")
        await api.partner("100002")
        await api.person("keep")
        await api.person("gone")
        await api.join("keep", "100001", on=date(2027, 1, 1))
        await api.join("gone", "100001", on=date(2027, 1, 5))
        await api.http.put("/v1/partners/100001/admins/keep", headers=api.staff())
        await api.http.put("/v1/partners/100001/admins/gone", headers=api.staff())
        await api.http.put("/v1/pams/gone/partners/100002", headers=api.staff())
        await api.http.put("/v1/individuals/gone/grants/100001", headers=api.staff())
        await _merge(api, "keep", "gone")
        r = await api.http.get("/v1/partners/100001/admins", headers=api.staff())
        assert [(x["cco_id"], x["role"]) for x in r.json()["roles"]] == [("keep", "partner_admin")]
        r = await api.http.get("/v1/partners/100002/admins", headers=api.staff())
        assert [(x["cco_id"], x["role"]) for x in r.json()["roles"]] == [("keep", "pam")]
        r = await api.http.get("/v1/individuals/keep", headers=api.staff())
        assert r.json()["grants"] == ["100001"] and r.json()["partner"] == "100001"
        r = await api.http.get("/v1/partners/100001/members", headers=api.staff())
        assert [(m["cco_id"], m["started_on"]) for m in r.json()["members"]] == [("keep", "2027-01-05")]
        assert await api.count(partner_roles) == 2 and await api.count(grants) == 1
        r = await api.http.post("/v1/dev/tokens", json={"sub": "gone"})
        assert (r.json()["sub"], r.json()["roles"], r.json()["admin_of"], r.json()["pam_of"]) == (
            "keep", ["individual", "pam", "partner_admin"], ["100001"], ["100002"]
        )
