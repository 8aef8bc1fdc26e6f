"""Dev tokens with claims from identity's records; duplicate candidates (ID-5) over the API."""

from __future__ import annotations

import jwt

from identity.app import SERVICE


async def _acme(api) -> None:
    await api.partner("100001")
    await api.partner("100002")
    await api.person("ada")
    await api.person("pat")
    await api.person("boss", program_staff=True)
    await api.join("ada", "100001")
    await api.http.put("/v1/partners/100001/admins/ada", headers=api.staff())
    for be in ("100001", "100002"):
        await api.http.put(f"/v1/pams/pat/partners/{be}", headers=api.staff())


async def test_dev_tokens_carry_roles_admin_of_and_pam_of_from_the_records(identity) -> None:
    async with identity() as api:
        await _acme(api)
        expected = {
            "ada": (["individual", "partner_admin"], ["100001"], []),
            "pat": (["individual", "pam"], [], ["100001", "100002"]),
            "boss": (["individual", "program_staff"], [], []),
        }
        for sub, (roles, admin_of, pam_of) in expected.items():
            r = await api.http.post("/v1/dev/tokens", json={"sub": sub})
            assert r.status_code == 200, r.text
            body = r.json()
            assert (body["roles"], body["admin_of"], body["pam_of"]) == (roles, admin_of, pam_of)
            claims = jwt.decode(body["access_token"], options={"verify_signature": False})
            assert (claims["sub"], claims["roles"], claims["admin_of"], claims["pam_of"]) == (sub, roles, admin_of, pam_of)
            assert "partners" not in claims
        # the minted token works: ada (admin of 100001) sees her partner's members, not 100002
        token = (await api.http.post("/v1/dev/tokens", json={"sub": "ada"})).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert (await api.http.get("/v1/partners/100001/members", headers=headers)).status_code == 200
        assert (await api.http.get("/v1/partners/100002/members", headers=headers)).status_code == 404
        # a named system client
        r = await api.http.post("/v1/dev/tokens", json={"sub": "crm-sync", "system": True})
        assert (r.json()["sub"], r.json()["roles"]) == ("crm-sync", ["system"])
        # the same code, as the CLI uses it
        hook = SERVICE.extras["mint_token"]
        claims = jwt.decode(await hook(api.runtime, "pat"), options={"verify_signature": False})
        assert (claims["roles"], claims["pam_of"]) == (["individual", "pam"], ["100001", "100002"])


async def test_dev_tokens_with_explicit_roles_give_a_first_staff_token_on_an_empty_system(identity) -> None:
    async with identity() as api:
        r = await api.http.post("/v1/dev/tokens", json={"sub": "first.staff", "roles": ["program_staff"]})
        assert r.status_code == 200, r.text
        staff = {"Authorization": f"Bearer {r.json()['access_token']}"}
        assert (await api.http.get("/v1/duplicates", headers=staff)).status_code == 200
        body = {"sub": "mix", "roles": ["partner_admin", "pam"], "admin_of": ["100001"], "pam_of": ["100002"]}
        claims = jwt.decode((await api.http.post("/v1/dev/tokens", json=body)).json()["access_token"], options={"verify_signature": False})
        assert (claims["admin_of"], claims["pam_of"]) == (["100001"], ["100002"])


async def test_dev_tokens_refuse_unknown_people_and_bad_input(identity) -> None:
    async with identity() as api:
        assert (await api.http.post("/v1/dev/tokens", json={"sub": "nobody"})).status_code == 404
        for body in (
            {},
            {"sub": "bad id"},
            {"sub": "jdoe", "ttl_seconds": 10**9},
            {"sub": "jdoe", "roles": ["superuser"]},
            {"sub": "jdoe", "admin_of": ["100001"]},  # scopes without explicit roles
            {"sub": "jdoe", "roles": ["pam"], "admin_of": ["100001"]},  # admin_of without partner_admin
            {"sub": "jdoe", "system": True, "roles": ["program_staff"]},
            {"sub": "jdoe", "partners": ["100001"]},  # the old claim
        ):
            assert (await api.http.post("/v1/dev/tokens", json=body)).status_code == 422, body


async def test_dev_tokens_are_404_when_switched_off(identity) -> None:
    async with identity(dev_tokens=False) as api:
        await api.person("ada")
        r = await api.http.post("/v1/dev/tokens", json={"sub": "ada"})
        assert r.status_code == 404


async def test_id5_duplicates_by_email_and_by_similar_name_within_a_partner(identity) -> None:
    async with identity() as api:
        await api.partner("100001")
        await api.partner("100002")
        await api.person("jsmith", "John Smith", "john.smith@acme.example")
        await api.person("jsmith2", "Jon Smith", "JOHN.SMITH+old@Acme.example")  # same e-mail, normalised
        await api.person("mmiller", "Maria Miller", "maria@acme.example")
        await api.person("mmiller2", "Maria Millar", "m.millar@other.example")
        await api.person("mmiller3", "Maria Millar", "mm@globex.example")  # same name, other partner
        await api.person("alone", "Zed Zulu", "zed@acme.example")
        for cco in ("mmiller", "mmiller2"):
            await api.join(cco, "100001")
        await api.join("mmiller3", "100002")
        r = await api.http.get("/v1/duplicates", headers=api.staff())
        assert r.status_code == 200
        groups = {tuple(g["cco_ids"]): g for g in r.json()["groups"]}
        assert set(groups) == {("jsmith", "jsmith2"), ("mmiller", "mmiller2")}
        assert groups[("jsmith", "jsmith2")]["reason"] == "same-email" and groups[("jsmith", "jsmith2")]["score"] == 1.0
        named = groups[("mmiller", "mmiller2")]
        assert named["reason"] == "similar-name" and named["be_geo_id"] == "100001" and 0.9 <= named["score"] < 1
        # merged people are no longer candidates
        await api.http.post("/v1/individuals/jsmith/merge", json={"retire": ["jsmith2"]}, headers=api.staff())
        r = await api.http.get("/v1/duplicates", headers=api.staff())
        assert [g["cco_ids"] for g in r.json()["groups"]] == [["mmiller", "mmiller2"]]
        assert (await api.http.get("/v1/duplicates?min_score=2", headers=api.staff())).status_code == 422
