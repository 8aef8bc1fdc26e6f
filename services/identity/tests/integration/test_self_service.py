"""Partner Self-Service for individuals, through the API, both modes: my associations and their history
(ID-1, ID-3), my duplicate IDs (ID-5), a merge I ask for that only the mailed link performs (ID-2)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select, update

from identity.domain.merge_links import token_hash
from identity.tables import individuals, merge_requests
from partnerhub.bus.contracts import IndividualMerged, MergeRequested


async def _twins(api) -> None:
    """sam (Acme) and sam.old, the same person under a second CCO ID with the same address (ID-5)."""
    await api.partner("100001")
    await api.person("sam", "Sam Engineer", "sam@acme.example")
    await api.person("sam.old", "Sam Enginer", "Sam+old@acme.example")
    await api.person("zoe", "Zoe Other", "zoe@acme.example")
    await api.join("sam", "100001")
    await api.join("zoe", "100001")


async def _ask(api, who: str = "sam", retire: str = "sam.old", status: int = 202, headers=None) -> dict:
    r = await api.http.post(
        f"/v1/individuals/{who}/merge-requests", json={"retire": retire}, headers=headers or api.as_(who)
    )
    assert r.status_code == status, r.text
    return r.json()


async def _token(api) -> str:
    """The token of the newest link, as notify would mail it (from identity's outbox)."""
    (event, *_) = reversed(await api.events(MergeRequested))
    return parse_qs(urlsplit(event.confirm_url).query)["token"][0]


async def test_id1_id3_my_association_and_its_history(identity) -> None:
    async with identity() as api:
        await api.partner("100001")
        await api.partner("100002", "Globex")
        await api.person("ann")
        await api.join("ann", "100001", on=date(2026, 1, 5))
        await api.join("ann", "100002", on=date(2027, 2, 1))  # moving ends the first association (ID-3)
        r = await api.http.get("/v1/individuals/ann/associations", headers=api.as_("ann"))
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["current"]["be_geo_id"] == "100002" and body["current"]["partner_name"] == "Globex"
        assert [(a["be_geo_id"], a["started_on"], a["ended_on"]) for a in body["associations"]] == [
            ("100002", "2027-02-01", None),
            ("100001", "2026-01-05", "2027-02-01"),
        ]
        # the admin of her current partner sees her profile, so her associations too; another person does not
        admin = api.as_("ada", "partner_admin", admin_of=("100002",))
        assert (await api.http.get("/v1/individuals/ann/associations", headers=admin)).status_code == 200
        assert (await api.http.get("/v1/individuals/ann/associations", headers=api.as_("bob"))).status_code == 404


async def test_id5_my_duplicates_only_to_me_and_staff(identity) -> None:
    async with identity() as api:
        await _twins(api)
        r = await api.http.get("/v1/individuals/sam/duplicates", headers=api.as_("sam"))
        assert r.status_code == 200, r.text
        # the same address (+tag dropped); sam.old has no partner, so no name comparison: nothing else of him
        assert r.json() == {"cco_id": "sam", "duplicates": [{"cco_id": "sam.old", "score": 1.0, "reasons": ["same-email"]}]}
        assert (await api.http.get("/v1/individuals/sam/duplicates", headers=api.staff())).status_code == 200
        admin = api.as_("ada", "partner_admin", admin_of=("100001",))
        assert (await api.http.get("/v1/individuals/sam/duplicates", headers=admin)).status_code == 403
        assert (await api.http.get("/v1/individuals/sam/duplicates", headers=api.as_("zoe"))).status_code == 404
        r = await api.http.get("/v1/individuals/zoe/duplicates", headers=api.as_("zoe"))
        assert r.json()["duplicates"] == []


async def test_id2_a_merge_request_merges_nothing_until_the_link_is_confirmed_once(identity) -> None:
    async with identity() as api:
        await _twins(api)
        asked = await _ask(api)
        assert asked["state"] == "pending" and asked["survivor"] == "sam" and asked["retire"] == "sam.old"
        assert "token" not in str(asked)
        (event,) = await api.events(MergeRequested)
        assert (event.survivor, event.retire, event.requested_by) == ("sam", "sam.old", "sam")
        assert event.confirm_url.startswith("http://identity.test/ui/merge-confirmation?token=")
        assert event.expires_at - datetime.now(UTC) > timedelta(hours=23)
        token = await _token(api)
        async with api.runtime.db.engine.connect() as conn:  # only the token's hash is kept
            assert await conn.scalar(select(merge_requests.c.token_hash)) == token_hash(token)
        assert await api.events(IndividualMerged) == []
        assert (await api.http.get("/v1/individuals/sam.old", headers=api.staff())).json()["cco_id"] == "sam.old"

        r = await api.http.post("/v1/merge-confirmations", json={"token": token})  # no sign-in: the link is the factor
        assert r.status_code == 200, r.text
        assert r.json()["newly_retired"] == ["sam.old"] and r.json()["request"]["state"] == "confirmed"
        assert "email" not in r.text  # nothing of the profile to the link's holder
        (merged,) = await api.events(IndividualMerged)
        assert merged.survivor == "sam" and merged.retired == ["sam.old"]
        assert (await api.http.get("/v1/individuals/sam.old", headers=api.staff())).json()["cco_id"] == "sam"

        again = await api.http.post("/v1/merge-confirmations", json={"token": token})
        assert again.status_code == 409 and again.json()["type"].endswith("merge-link-used")
        listed = (await api.http.get("/v1/individuals/sam/merge-requests", headers=api.as_("sam"))).json()
        assert [r["state"] for r in listed["requests"]] == ["confirmed"]


async def test_id2_an_expired_or_replaced_link_merges_nothing(identity) -> None:
    async with identity() as api:
        await _twins(api)
        await _ask(api)
        first = await _token(api)
        await _ask(api)  # asked again: only the newest link works
        second = await _token(api)
        r = await api.http.post("/v1/merge-confirmations", json={"token": first})
        assert r.status_code == 409 and r.json()["type"].endswith("merge-link-replaced")
        async with api.runtime.db.engine.begin() as conn:
            await conn.execute(
                update(merge_requests)
                .where(merge_requests.c.token_hash == token_hash(second))
                .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
            )
        r = await api.http.post("/v1/merge-confirmations", json={"token": second})
        assert r.status_code == 409 and r.json()["type"].endswith("merge-link-expired")
        r = await api.http.post("/v1/merge-confirmations", json={"token": "x" * 43})
        assert r.status_code == 404 and r.json()["type"].endswith("merge-link-unknown")
        assert (await api.http.post("/v1/merge-confirmations", json={"token": "short"})).status_code == 422
        assert await api.events(IndividualMerged) == []
        async with api.runtime.db.engine.connect() as conn:
            assert await conn.scalar(select(individuals.c.survivor_id).where(individuals.c.cco_id == "sam.old")) is None
        states = [r["state"] for r in (await api.http.get("/v1/individuals/sam/merge-requests", headers=api.as_("sam"))).json()["requests"]]
        assert states == ["expired", "replaced"]


async def test_id2_merge_requests_refused_change_nothing(identity) -> None:
    async with identity() as api:
        await _twins(api)
        for retire, status, slug in (
            ("zoe", 422, "not-a-duplicate"),  # not linked to sam by the ID-5 rule
            ("sam", 422, "merge-into-itself"),
            ("nobody", 422, "unknown-cco-id"),
        ):
            body = await _ask(api, retire=retire, status=status)
            assert body["type"].endswith(slug), body
        # someone else may not ask for sam; his partner's admin sees him but may not either
        await _ask(api, headers=api.as_("zoe"), status=404)
        await _ask(api, headers=api.as_("ada", "partner_admin", admin_of=("100001",)), status=403)
        assert await api.events(MergeRequested) == []
        # staff may ask on the person's behalf (ID-5: "so that people can be asked to merge")
        staffed = await _ask(api, headers=api.staff())
        assert staffed["requested_by"] == "staff.test"
        await api.http.post("/v1/individuals/sam/merge", json={"retire": ["sam.old"]}, headers=api.staff())
        body = await _ask(api, status=409)
        assert body["type"].endswith("already-merged")


async def test_id2_at_most_five_links_a_day_for_one_id(identity) -> None:
    async with identity() as api:
        await _twins(api)
        for _ in range(5):
            await _ask(api)
        body = await _ask(api, status=429)
        assert body["type"].endswith("too-many-merge-requests")
        assert len(await api.events(MergeRequested)) == 5


async def test_id2_link_of_a_mounted_identity_keeps_its_prefix(identity) -> None:
    """Standalone mounts identity under /identity: the link must lead there, not to the outer app's root."""
    import httpx  # noqa: PLC0415
    from starlette.applications import Starlette  # noqa: PLC0415
    from starlette.routing import Mount  # noqa: PLC0415

    async with identity() as api:
        await _twins(api)
        outer = Starlette(routes=[Mount("/identity", app=api.runtime.app)])
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=outer), base_url="http://ph.test") as client:
            r = await client.post("/identity/v1/individuals/sam/merge-requests", json={"retire": "sam.old"}, headers=api.as_("sam"))
            assert r.status_code == 202, r.text
        (event,) = await api.events(MergeRequested)
        assert event.confirm_url.startswith("http://ph.test/identity/ui/merge-confirmation?token=")


async def test_id2_public_url_setting_starts_the_link(identity) -> None:
    async with identity(public_url="https://identity.partners.example") as api:
        await _twins(api)
        await _ask(api)
        (event,) = await api.events(MergeRequested)
        assert event.confirm_url.startswith("https://identity.partners.example/ui/merge-confirmation?token=")
