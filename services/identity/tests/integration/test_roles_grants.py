"""Partner admins, PAMs (events for who may see what), grants (ID-4)."""

from __future__ import annotations

from datetime import date

from identity.tables import grants, partner_roles
from partnerhub.bus.contracts import AdminAssigned, AdminRemoved, GrantChanged


async def _acme(api) -> None:
    await api.partner("100001", "Acme")
    await api.partner("100002", "Globex")
    for cco in ("ada", "sam", "pat"):
        await api.person(cco)
    await api.join("ada", "100001")
    await api.join("sam", "100001")


async def test_admins_and_pams_are_assigned_removed_and_announced(identity) -> None:
    async with identity() as api:
        await _acme(api)
        staff = api.staff()
        assert (await api.http.put("/v1/partners/100001/admins/ada", headers=staff)).status_code == 200
        # an admin names a co-admin of their own partner
        r = await api.http.put("/v1/partners/100001/admins/sam", headers=api.as_("ada", "partner_admin", admin_of=("100001",)))
        assert r.status_code == 200 and r.json()["role"] == "partner_admin"
        for be in ("100001", "100002"):
            r = await api.http.put(f"/v1/pams/pat/partners/{be}", headers=staff)
            assert r.status_code == 200 and r.json()["role"] == "pam"
        await api.http.put("/v1/pams/pat/partners/100001", headers=staff)  # repeat: nothing new
        r = await api.http.get("/v1/partners/100001/admins", headers=api.as_("pat", "pam", pam_of=("100001",)))
        assert [(x["cco_id"], x["role"]) for x in r.json()["roles"]] == [
            ("pat", "pam"), ("ada", "partner_admin"), ("sam", "partner_admin")
        ]
        assert (await api.http.delete("/v1/partners/100001/admins/sam", headers=staff)).status_code == 204
        assert (await api.http.delete("/v1/pams/pat/partners/100002", headers=staff)).status_code == 204
        assert (await api.http.delete("/v1/pams/pat/partners/100002", headers=staff)).status_code == 204
        assert await api.events(AdminAssigned) == [
            AdminAssigned(cco_id="ada", be_geo_id="100001", role="partner_admin"),
            AdminAssigned(cco_id="sam", be_geo_id="100001", role="partner_admin"),
            AdminAssigned(cco_id="pat", be_geo_id="100001", role="pam"),
            AdminAssigned(cco_id="pat", be_geo_id="100002", role="pam"),
        ]
        assert await api.events(AdminRemoved) == [
            AdminRemoved(cco_id="sam", be_geo_id="100001", role="partner_admin"),
            AdminRemoved(cco_id="pat", be_geo_id="100002", role="pam"),
        ]
        assert await api.count(partner_roles) == 2


async def test_role_assignment_to_unknown_people_or_partners_is_404_and_changes_nothing(identity) -> None:
    async with identity() as api:
        await _acme(api)
        before = await api.events()
        for path in ("/v1/partners/100001/admins/nobody", "/v1/partners/999/admins/ada", "/v1/pams/nobody/partners/100001"):
            r = await api.http.put(path, headers=api.staff())
            assert r.status_code == 404, path
        for path in ("/v1/partners/100001/admins/x", "/v1/pams/pat/partners/bad%20id"):
            assert (await api.http.put(path, headers=api.staff())).status_code == 422
        assert await api.events() == before and await api.count(partner_roles) == 0


async def test_id4_individual_grants_and_revokes_access(identity) -> None:
    async with identity() as api:
        await _acme(api)
        me = api.as_("sam", "individual")
        r = await api.http.put("/v1/individuals/sam/grants/100001", headers=me)
        assert r.json() == {"cco_id": "sam", "be_geo_id": "100001", "granted": True}
        await api.http.put("/v1/individuals/sam/grants/100001", headers=me)  # repeat
        r = await api.http.get("/v1/individuals/sam", headers=me)
        assert r.json()["grants"] == ["100001"]
        await api.move_to(date(2027, 3, 4))
        assert (await api.http.delete("/v1/individuals/sam/grants/100001", headers=me)).status_code == 204
        assert (await api.http.delete("/v1/individuals/sam/grants/100001", headers=me)).status_code == 204
        assert await api.events(GrantChanged) == [
            GrantChanged(cco_id="sam", be_geo_id="100001", granted=True, changed_on=date(2027, 3, 1)),
            GrantChanged(cco_id="sam", be_geo_id="100001", granted=False, changed_on=date(2027, 3, 4)),
        ]


async def test_id4_grant_only_to_own_partner_and_admins_cannot_grant_themselves(identity) -> None:
    async with identity() as api:
        await _acme(api)
        before = await api.events()
        r = await api.http.put("/v1/individuals/sam/grants/100002", headers=api.as_("sam"))
        assert r.status_code == 422 and r.json()["type"].endswith("not-a-member")
        r = await api.http.put(
            "/v1/individuals/sam/grants/100001", headers=api.as_("ada", "partner_admin", admin_of=("100001",))
        )
        assert r.status_code == 403
        r = await api.http.put("/v1/individuals/sam/grants/999", headers=api.as_("sam"))
        assert r.status_code == 404
        assert await api.events() == before and await api.count(grants) == 0
