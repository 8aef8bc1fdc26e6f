"""The CL View pages over HTTP, in both modes: sign-in without dev tokens (a bearer token only), the
cookie, HTML errors, the same access rules as the API (CL-10), and the projections the pages read
(admin roles, staff flag, grace, loss, vacant roles and roles at risk: SP-10, SP-12, SP-14, NO-4)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import jwt

from learning.app import SERVICE
from partnerhub.bus.contracts import (
    AdminAssigned,
    AdminRemoved,
    GraceStarted,
    IndividualRegistered,
    Lost,
    MembershipStarted,
    RoleAtRisk,
    RoleVacated,
    StatusChanged,
)
from partnerhub.bus.envelope import Event
from partnerhub.testing import deliver


def status(partner: str, spec: str, state: str = "approved", compliant: bool | None = None) -> StatusChanged:
    return StatusChanged(
        be_geo_id=partner, specialization=spec, status=state, level="express",  # type: ignore[arg-type]
        anniversary=date(2026, 12, 31), period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
        points_required=40, compliant=compliant,
    )


async def applied(runtime, event: Event, *, producer: str = "identity", at: datetime | None = None) -> None:  # type: ignore[no-untyped-def]
    await deliver(runtime, event, producer=producer, occurred_at=at)


async def with_csrf(client, **fields: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The fields plus the form token of a freshly rendered sign-in page (its CSRF cookie stays in the client)."""
    page = html(await client.get("/ui/sign-in"))
    return {**fields, "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)}  # type: ignore[union-attr]


def html(r) -> str:  # type: ignore[no-untyped-def]
    assert r.headers["content-type"].startswith("text/html"), (r.status_code, r.headers["content-type"], r.text[:300])
    return r.text


async def test_cl10_pages_in_production_mode_take_a_bearer_token_and_answer_html(system_factory, tmp_path) -> None:
    async with system_factory(SERVICE, dev_tokens=False, start_date="2026-06-01", data_dir=tmp_path / "d") as system:
        runtime, client = system.runtimes["learning"], system.clients["learning"]
        await applied(runtime, status("P1", "EXPRESS-FOUNDATION"), producer="specialization")
        await applied(runtime, status("P2", "EXPRESS-FOUNDATION"), producer="specialization")
        # no picker without dev tokens, and picking is refused
        page = html(await client.get("/ui/sign-in"))
        assert "Demo sign-in" not in page and 'name="token"' in page and '<label for="token">' in page
        r = await client.post("/ui/sign-in", data=await with_csrf(client, cco_id="ada"))
        assert r.status_code == 403 and "dev and demo mode only" in html(r)
        # a bad token is refused on the page; a good one goes into an HttpOnly, SameSite=Strict cookie
        r = await client.post("/ui/sign-in/token", data=await with_csrf(client, token="not-a-token"))
        assert r.status_code == 401 and "not accepted" in html(r)
        token = system.token("ada", "individual", "partner_admin", admin_of=["P1"])["Authorization"].split()[1]
        r = await client.post("/ui/sign-in/token", data=await with_csrf(client, token=f"Bearer {token}"))
        assert r.status_code == 303 and r.headers["location"] == "/ui/"
        cookie = r.headers["set-cookie"]
        assert cookie.startswith(f"partnerhub_ui={token};") and "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert "Path=/ui" in cookie
        client.cookies.clear()  # each request below says which credentials it carries
        r = await client.get("/ui/", headers={"Cookie": f"partnerhub_ui={token}"})
        assert r.status_code == 303 and r.headers["location"] == "/ui/partners/P1"
        assert "EXPRESS-FOUNDATION" in html(await client.get("/ui/partners/P1", headers={"Cookie": f"partnerhub_ui={token}"}))
        # the Authorization header works as well; another partner is 404, an individual 403, all as HTML
        admin = system.token("ada", "individual", "partner_admin", admin_of=["P1"])
        assert (await client.get("/ui/partners/P1", headers=admin)).status_code == 200
        r = await client.get("/ui/partners/P2", headers=admin)
        assert r.status_code == 404 and "Not found" in html(r) and "EXPRESS-FOUNDATION" not in r.text
        r = await client.get("/ui/partners/P1/cl-view.csv", headers=system.token("ivy", "individual"))
        assert r.status_code == 403 and "point totals" in html(r)
        r = await client.get("/ui/partners/P1/specializations/NOPE", headers=admin)
        assert r.status_code == 404 and "no specialization NOPE" in html(r)
        r = await client.get("/ui/partners/bad%20id", headers=admin)
        assert r.status_code == 422 and "Invalid request" in html(r)
        assert (await client.get("/ui/no/such/page", headers=admin)).status_code == 404
        # no token, or an expired/garbled one: back to the sign-in page (the bad cookie is dropped)
        r = await client.get("/ui/partners/P1")
        assert r.status_code == 303 and r.headers["location"] == "/ui/sign-in"
        r = await client.get("/ui/partners/P1", headers={"Cookie": "partnerhub_ui=garbled"})
        assert r.status_code == 303 and r.headers["location"].startswith("/ui/sign-in?message=")
        assert 'partnerhub_ui=""' in r.headers["set-cookie"]
        # sign out clears the cookie
        client.cookies.set("partnerhub_ui", token, domain="learning.test", path="/ui")
        r = await client.post("/ui/sign-out", data=await with_csrf(client))
        assert r.status_code == 303 and 'partnerhub_ui=""' in r.headers["set-cookie"]
        client.cookies.clear()
        # the API keeps answering problem+json
        r = await client.get("/v1/partners/P2/cl-view", headers=admin)
        assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
        # the static stylesheet is served; nothing else is
        assert (await client.get("/ui/static/ui.css")).headers["content-type"].startswith("text/css")
        assert (await client.get("/ui/static/..%2Fapp.py")).status_code == 404


async def test_cl10_dev_sign_in_takes_roles_from_the_projections(system_factory, tmp_path) -> None:
    async with system_factory(SERVICE, start_date="2026-06-01", data_dir=tmp_path / "d") as system:
        runtime, client = system.runtimes["learning"], system.clients["learning"]
        settings = runtime.settings
        for cco, name, staff in [("ada", "Ada Admin", False), ("pat", "Pat Manager", False), ("ana", "Ana Staff", True),
                                 ("ivy", "Ivy", False)]:
            await applied(runtime, IndividualRegistered(cco_id=cco, name=name, email=f"{cco}@x.example", program_staff=staff))
        await applied(runtime, MembershipStarted(cco_id="ivy", be_geo_id="P1", started_on=date(2026, 1, 1)))
        now = datetime.now(UTC)
        await applied(runtime, AdminAssigned(cco_id="ada", be_geo_id="P1", role="partner_admin"), at=now)
        await applied(runtime, AdminAssigned(cco_id="pat", be_geo_id="P1", role="pam"), at=now)
        await applied(runtime, AdminAssigned(cco_id="pat", be_geo_id="P2", role="pam"), at=now)
        # out of order: pat's removal from P2 is newer than an assignment that arrives after it
        await applied(runtime, AdminRemoved(cco_id="pat", be_geo_id="P2", role="pam"), at=now + timedelta(seconds=5))
        await applied(runtime, AdminAssigned(cco_id="pat", be_geo_id="P2", role="pam"), at=now + timedelta(seconds=1))

        page = html(await client.get("/ui/sign-in"))
        for group in ("Partner admins", "Partner account managers (PAM)", "Program staff", "Individuals"):
            assert group in page

        async def claims(cco_id: str) -> dict:
            r = await client.post("/ui/sign-in", data=await with_csrf(client, cco_id=cco_id))
            assert r.status_code == 303, r.text
            client.cookies.clear()
            token = re.match(r"partnerhub_ui=([^;]+);", r.headers["set-cookie"]).group(1)  # type: ignore[union-attr]
            return jwt.decode(token, settings.jwt_secret.get_secret_value(), algorithms=["HS256"], audience=settings.jwt_audience)

        ada = await claims("ada")
        assert (ada["sub"], ada["roles"], ada["admin_of"], ada["pam_of"]) == ("ada", ["individual", "partner_admin"], ["P1"], [])
        pat = await claims("pat")
        assert (pat["roles"], pat["admin_of"], pat["pam_of"]) == (["individual", "pam"], [], ["P1"])
        ana = await claims("ana")
        assert ana["roles"] == ["individual", "program_staff"]
        ivy = await claims("ivy")
        assert (ivy["roles"], ivy["admin_of"], ivy["pam_of"]) == (["individual"], [], [])
        r = await client.post("/ui/sign-in", data=await with_csrf(client, cco_id="nobody"))
        assert r.status_code == 422 and "No person with CCO ID" in html(r)
        # removing the admin role takes it away at the next sign-in
        await applied(runtime, AdminRemoved(cco_id="ada", be_geo_id="P1", role="partner_admin"), at=now + timedelta(seconds=9))
        assert (await claims("ada"))["roles"] == ["individual"]


async def test_sp10_sp14_no4_summary_shows_grace_loss_and_role_alerts(system_factory, tmp_path) -> None:
    async with system_factory(SERVICE, start_date="2026-06-01", data_dir=tmp_path / "d") as system:
        runtime, client = system.runtimes["learning"], system.clients["learning"]
        admin = system.token("ada", "individual", "partner_admin", admin_of=["P1"])
        spec = "EXPRESS-FOUNDATION"
        now = datetime.now(UTC)
        await applied(runtime, status("P1", spec, compliant=True), producer="specialization", at=now)
        await applied(
            runtime,
            RoleVacated(be_geo_id="P1", specialization=spec, role="SE", cco_id="sam", vacated_on=date(2026, 5, 20), reason="left_partner"),
            producer="specialization", at=now + timedelta(seconds=1),
        )
        # an at-risk warning older than the vacancy of the same holder is not shown
        await applied(
            runtime,
            RoleAtRisk(be_geo_id="P1", specialization=spec, role="SE", cco_id="sam", certification="CCNA", vacant_on=date(2026, 9, 1)),
            producer="specialization", at=now,
        )
        await applied(
            runtime,
            RoleAtRisk(be_geo_id="P1", specialization=spec, role="AM", cco_id="amy", certification="CCNA", vacant_on=date(2026, 8, 1)),
            producer="specialization", at=now + timedelta(seconds=1),
        )
        page = html(await client.get("/ui/partners/P1", headers=admin))
        assert "SE vacant</strong> since 2026-05-20" in page and "SE at risk" not in page
        assert "AM at risk</strong>: falls vacant on 2026-08-01" in page
        # the JSON CL View has the same roles section as the page (SP-14, NO-4)
        view = (await client.get("/v1/partners/P1/cl-view", headers=admin)).json()
        (section,) = [s for s in view["specializations"] if s["specialization"] == spec]
        assert [(r["role"], r["holder"], r["status"], r["vacant_on"]) for r in section["roles"]] == [
            ("AM", "amy", "at_risk", "2026-08-01"), ("SE", "sam", "vacant", "2026-05-20"),
        ]
        # compliant again (the role refilled): the vacancy goes; the at-risk line goes on its vacancy date
        await applied(runtime, status("P1", spec, compliant=True), producer="specialization", at=now + timedelta(seconds=2))
        page = html(await client.get("/ui/partners/P1", headers=admin))
        assert "SE vacant" not in page and "AM at risk" in page
        view = (await client.get("/v1/partners/P1/cl-view", headers=admin)).json()
        assert [r["role"] for s in view["specializations"] for r in s["roles"]] == ["AM"]
        r = await client.put("/v1/admin/today", params={"wait": "true"}, json={"date": "2026-08-01"}, headers=system.staff())
        assert r.status_code == 200
        assert "AM at risk" not in html(await client.get("/ui/partners/P1", headers=admin))
        # grace with the days left, then lost with the block on new applications (SP-10, SP-12)
        r = await client.put("/v1/admin/today", params={"wait": "true"}, json={"date": "2027-01-03"}, headers=system.staff())
        await applied(runtime, status("P1", spec, "grace"), producer="specialization", at=now + timedelta(seconds=3))
        await applied(
            runtime, GraceStarted(be_geo_id="P1", specialization=spec, started_on=date(2027, 1, 1), grace_ends_on=date(2027, 1, 10)),
            producer="specialization",
        )
        page = html(await client.get("/ui/partners/P1", headers=admin))
        assert "Grace period: 8 days left" in page
        overview = html(await client.get("/ui/pam", headers=system.token("pat", "individual", "pam", pam_of=["P1"])))
        assert "In grace" in overview and "8 days left" in overview
        await applied(runtime, status("P1", spec, "lost"), producer="specialization", at=now + timedelta(seconds=4))
        await applied(
            runtime, Lost(be_geo_id="P1", specialization=spec, lost_on=date(2027, 1, 11), blocked_until=date(2028, 7, 10)),
            producer="specialization",
        )
        page = html(await client.get("/ui/partners/P1", headers=admin))
        assert "Lost on <span class=\"nowrap\">2027-01-11</span>" in page and "new application after 2028-07-10" in page
        assert "days left" not in page
