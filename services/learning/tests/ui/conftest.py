"""The CL View pages in a real browser: the learning service in standalone mode (SQLite, in-process
bus) served by uvicorn on a free port, data set up through the API and events on the runtime's
transport, and Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from playwright.async_api import Browser, BrowserContext, Page

from learning.app import SERVICE
from partnerhub.bus.contracts import (
    AdminAssigned,
    IndividualRegistered,
    MembershipEnded,
    MembershipStarted,
    PartnerRegistered,
    RoleAtRisk,
    RoleVacated,
    StatusChanged,
)
from partnerhub.bus.envelope import Event
from partnerhub.standalone import Standalone
from partnerhub.testing import bearer, deliver, eventually, free_port


class Site:
    """The running standalone app with only the learning service, and helpers to feed it."""

    def __init__(self, standalone: Standalone, root: str) -> None:
        self.standalone = standalone
        self.runtime = standalone.runtimes["learning"]
        self.root = root  # http://127.0.0.1:PORT
        self.ui = f"{root}/learning/ui"
        self.api = httpx.AsyncClient(base_url=f"{root}/learning", timeout=30)
        self.staff = bearer(self.runtime.settings, "staff.test", "program_staff")

    async def today(self, day: str) -> None:
        async with httpx.AsyncClient(base_url=self.root, timeout=60) as client:
            r = await client.put("/v1/admin/today", params={"wait": "true"}, json={"date": day}, headers=self.staff)
            assert r.status_code == 200, r.text

    async def applied(self, *events: Event, producer: str = "identity") -> None:
        """Publish on the service's transport and wait until the consumer has applied each one."""
        await deliver(self.runtime, *events, producer=producer)

    async def activity(self, activity_id: str, title: str, specs: list[str], minutes: int, **extra: Any) -> None:
        body = {"title": title, "kind": "online_course", "duration_minutes": minutes, "specializations": specs, **extra}
        r = await self.api.put(f"/v1/activities/{activity_id}", json=body, headers=self.staff)
        assert r.status_code == 200, r.text
        r = await self.api.post(f"/v1/activities/{activity_id}/publish", headers=self.staff)
        assert r.status_code == 200, r.text

    async def complete(self, cco_id: str, activity_id: str, on: str) -> None:
        body = {
            "external_id": uuid.uuid4().hex,
            "cco_id": cco_id,
            "activity_id": activity_id,
            "action": "completed",
            "occurred_at": f"{on}T10:00:00Z",
        }
        r = await self.api.post("/v1/completions", json=body, headers=bearer(self.runtime.settings, "lms", "system"))
        assert r.status_code in (200, 201), r.text

    async def api_csv(self, partner: str, specialization: str | None = None, **extra: str) -> str:
        params = ({"specialization": specialization} if specialization else {}) | extra
        r = await self.api.get(
            f"/v1/partners/{partner}/cl-view", params=params, headers={**self.staff, "Accept": "text/csv"}
        )
        assert r.status_code == 200, r.text
        return r.text


def period(partner: str, spec: str, level: str, start: str, end: str, required: int, status: str = "approved",
           compliant: bool | None = None, icon: str | None = None) -> StatusChanged:
    """What specialization announces; the icon is its judgement (SP-13), shown as given."""
    return StatusChanged(
        be_geo_id=partner,
        specialization=spec,
        status=status,  # type: ignore[arg-type]
        level=level,
        anniversary=date.fromisoformat(end),
        period_start=date.fromisoformat(start),
        period_end=date.fromisoformat(end),
        points_required=required,
        compliant=compliant,
        icon=icon,  # type: ignore[arg-type]
    )


async def seed(site: Site) -> None:
    """Three partners; an admin for two of them, a PAM for two, program staff, plain individuals;
    points, a previous employee, a mandatory item outstanding, a vacant role and one at risk."""
    await site.today("2026-09-01")
    await site.applied(
        PartnerRegistered(be_geo_id="P100", name="Acme Networks", country="DE"),
        PartnerRegistered(be_geo_id="P200", name="Globex Integration", country="FR"),
        PartnerRegistered(be_geo_id="P300", name="Initech Systems", country="US"),
    )
    people = [
        ("ana.staff", "Ana Staff", True), ("ada.admin", "Ada Admin", False), ("gil.globex", "Gil Globex", False),
        ("pat.pam", "Pat Manager", False), ("ivy.ind", "Ivy Individual", False), ("sam.se", "Sam Engineer", False),
        ("fay.fe", "Fay Field", False), ("leo.left", "Leo Leaver", False), ("bob.globex", "Bob Globex", False),
        ("ian.initech", "Ian Initech", False),
    ]
    await site.applied(
        *(IndividualRegistered(cco_id=c, name=n, email=f"{c}@example.com", program_staff=s) for c, n, s in people)
    )
    joins = [("ada.admin", "P100"), ("ivy.ind", "P100"), ("sam.se", "P100"), ("fay.fe", "P100"),
             ("leo.left", "P100"), ("gil.globex", "P200"), ("bob.globex", "P200"), ("ian.initech", "P300")]
    await site.applied(
        *(MembershipStarted(cco_id=c, be_geo_id=p, started_on=date(2025, 6, 1)) for c, p in joins)
    )
    await site.applied(
        AdminAssigned(cco_id="ada.admin", be_geo_id="P100", role="partner_admin"),
        AdminAssigned(cco_id="gil.globex", be_geo_id="P200", role="partner_admin"),
        AdminAssigned(cco_id="pat.pam", be_geo_id="P100", role="pam"),
        AdminAssigned(cco_id="pat.pam", be_geo_id="P300", role="pam"),
    )
    await site.applied(
        period("P100", "ADV-COLLAB-ARCH", "advanced_architecture", "2026-01-01", "2026-12-31", 100, compliant=True, icon="on_target"),
        period("P100", "EXPRESS-FOUNDATION", "express", "2026-05-01", "2027-04-30", 40, icon="inactive"),
        period("P200", "ADV-DC-ARCH", "advanced_architecture", "2026-01-01", "2026-12-31", 100, icon="behind"),
        period("P300", "ADV-SEC-ARCH", "advanced_architecture", "2026-01-01", "2026-12-31", 100, icon="behind"),
        producer="specialization",
    )
    collab, dc, sec = ["ADV-COLLAB-ARCH"], ["ADV-DC-ARCH"], ["ADV-SEC-ARCH"]
    await site.activity("collab-deep-dive", "Collaboration deep dive", collab, 600)  # 20 points
    await site.activity("collab-lab", "Collaboration lab", collab, 300)  # 10 points
    await site.activity("webex-update", "Webex product update", [*collab, "EXPRESS-FOUNDATION"], 90)  # 3 points
    await site.activity(
        "collab-security-2026", "Collaboration security essentials", collab, 120,
        mandatory_for=[{"specialization": "ADV-COLLAB-ARCH", "cycle": "2026"}],
    )
    await site.activity("dc-fabric", "Data center fabric", dc, 600)
    await site.activity("sec-basics", "Security basics", sec, 60)
    for cco, act, on in [
        ("sam.se", "collab-deep-dive", "2026-02-10"), ("sam.se", "collab-lab", "2026-03-05"),
        ("sam.se", "webex-update", "2026-06-01"), ("fay.fe", "collab-deep-dive", "2026-04-02"),
        ("ivy.ind", "collab-lab", "2026-05-20"), ("leo.left", "collab-deep-dive", "2026-03-15"),
        ("leo.left", "collab-lab", "2026-03-20"), ("bob.globex", "dc-fabric", "2026-02-01"),
        ("ian.initech", "sec-basics", "2026-02-01"),
    ]:
        await site.complete(cco, act, on)
    # Leo left P100: his 30 points stay there as "Previous Employee" (CL-8)
    await site.applied(MembershipEnded(cco_id="leo.left", be_geo_id="P100", started_on=date(2025, 6, 1), ended_on=date(2026, 7, 1)))
    await site.applied(
        RoleVacated(be_geo_id="P100", specialization="ADV-COLLAB-ARCH", role="FE", cco_id="leo.left",
                    vacated_on=date(2026, 7, 1), reason="left_partner"),
        RoleAtRisk(be_geo_id="P100", specialization="ADV-COLLAB-ARCH", role="SE", cco_id="sam.se",
                   certification="CCNP", vacant_on=date(2026, 11, 15)),
        producer="specialization",
    )


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    data = tmp_path / "data"
    standalone = Standalone(
        data, definitions=[SERVICE], clock="manual", start_date=date(2026, 1, 1),
        overrides={"data_dir": data / "learning", "log_level": "WARNING"},
    )
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(standalone.app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve())
    try:
        await eventually(lambda: _started(server, task), timeout=60)
        s = Site(standalone, f"http://127.0.0.1:{port}")
        yield s
        await s.api.aclose()
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 60)


async def _started(server: uvicorn.Server, task: asyncio.Task[None]) -> bool:
    if task.done():
        task.result()  # raise the server's error
    return bool(server.started)


@pytest.fixture
async def seeded(site: Site) -> Site:
    await seed(site)
    return site


REPO = Path(__file__).resolve().parents[4]


class Shots:
    """Screenshots: under the test's tmp folder and under the repo's test-output/cl-view/ (git-ignored)."""

    def __init__(self, tmp: Path) -> None:
        self.folders = [tmp / "screenshots", REPO / "test-output" / "cl-view"]
        for folder in self.folders:
            folder.mkdir(parents=True, exist_ok=True)

    async def take(self, page: Page, name: str) -> Path:
        first = self.folders[0] / name
        await page.screenshot(path=str(first), full_page=True)
        for folder in self.folders[1:]:
            (folder / name).write_bytes(first.read_bytes())
        assert first.stat().st_size > 10_000  # a real picture, not an empty page
        return first


@pytest.fixture
def shots(tmp_path: Path) -> Shots:
    return Shots(tmp_path)


async def new_page(browser: Browser, *, phone: bool = False) -> tuple[BrowserContext, Page]:
    options: dict[str, Any] = {"accept_downloads": True}
    if phone:
        options.update(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    else:
        options.update(viewport={"width": 1280, "height": 900})
    context = await browser.new_context(**options)
    return context, await context.new_page()


async def sign_in_as(page: Page, site: Site, cco_id: str) -> None:
    await page.goto(f"{site.ui}/sign-in")
    await page.locator(f'button[name="cco_id"][value="{cco_id}"]').click()
    await page.wait_for_load_state()


class Helpers:
    """The module's helpers as a fixture (tests do not import conftest)."""

    new_page = staticmethod(new_page)
    sign_in_as = staticmethod(sign_in_as)
    period = staticmethod(period)


@pytest.fixture
def ui() -> type[Helpers]:
    return Helpers
