"""Failed mail to retry (NO-3, NO-2) in a real browser, both modes: notify with a real SMTP server (aiosmtpd),
served by uvicorn, Debian's Chromium driven by Playwright. A partner's mail that found no admin is failed; staff
see why; a retry before an admin exists answers 409 as the API; after one is assigned it is sent exactly once."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.async_api import Browser, async_playwright, expect
from sqlalchemy import select

from notify.app import SERVICE
from notify.tables import deliveries
from partnerhub.bus.contracts import AdminAssigned, IndividualRegistered, Lost
from partnerhub.testing import deliver, eventually, free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
SHOTS = Path(__file__).resolve().parents[4] / "test-output" / "pages"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    assert os.path.exists(CHROMIUM), "Debian's chromium is needed (apt-get install chromium); no browser is downloaded"
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            await b.close()


async def served(app: Any) -> tuple[uvicorn.Server, asyncio.Task[None], str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        if task.done():
            task.result()
        return bool(server.started)

    await eventually(started, timeout=60)
    return server, task, f"http://127.0.0.1:{port}"


@pytest.mark.timeout(900)
async def test_no3_staff_retry_failed_mail_from_the_page(system_factory, smtp, browser: Browser, mode: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with system_factory(SERVICE, **smtp.settings()) as system:
        runtime, client = system.runtimes["notify"], system.clients["notify"]
        await deliver(
            runtime, Lost(be_geo_id="BE7", specialization="COLLAB", lost_on=date(2027, 3, 1), blocked_until=date(2028, 9, 1)),
            producer="specialization",
        )

        async def failed_row() -> Any:
            async with runtime.db.engine.connect() as conn:
                return (await conn.execute(select(deliveries).where(deliveries.c.status == "failed"))).first()

        row = await eventually(failed_row, timeout=30)
        server, task, root = await served(runtime.app)
        ui = f"{root}/ui"
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await context.new_page()
            await page.goto(f"{ui}/sign-in")
            await page.get_by_label("CCO ID").fill("ana.staff")
            await page.get_by_label("Program staff").check()
            await page.get_by_role("button", name="Sign in").first.click()
            await expect(page).to_have_url(f"{ui}/failed")
            table = page.locator("#failed")
            await expect(table).to_contain_text("no partner admin")
            await page.screenshot(path=str(SHOTS / f"failed-mail-{mode}.png"), full_page=True)

            # no admin yet: 409, as the API, and nothing changes
            await table.get_by_role("button", name="Send again (BE7)").click()
            await expect(page.get_by_role("heading", level=1)).to_contain_text("(409)")
            await expect(page.locator("main")).to_contain_text("still has no partner admin")
            api = await client.post(f"/v1/notifications/{row.id}/retry", headers=system.staff())
            assert api.status_code == 409

            # an admin is assigned: the retry fans out and the mail is sent exactly once
            await deliver(
                runtime,
                IndividualRegistered(cco_id="N1", name="Nia", email="nia@example.com"),
                AdminAssigned(cco_id="N1", be_geo_id="BE7", role="partner_admin"),
                producer="identity",
            )
            await page.goto(f"{ui}/failed")
            await table.get_by_role("button", name="Send again (BE7)").click()
            await expect(page.get_by_role("status")).to_contain_text("Sent again: 1 mail to N1")
            await expect(page.locator("main")).to_contain_text("No failed mail")
            await eventually(lambda: _sent(smtp), timeout=30)
            assert [m.message["Subject"] for m in smtp.to("nia@example.com")] == ["COLLAB lost on 1 March 2027"]
            # a forged retry (no token) is refused
            forged = await page.request.post(f"{ui}/failed/{row.id}/retry", form={"x": "1"})
            assert forged.status == 403
            await context.close()

            # a partner admin: 403, as the API's retry
            context = await browser.new_context()
            page = await context.new_page()
            await page.goto(f"{ui}/sign-in")
            await page.get_by_label("CCO ID").fill("N1")
            await page.get_by_label("Admin of partners").fill("BE7")
            await page.get_by_role("button", name="Sign in").first.click()
            await expect(page.get_by_role("heading", level=1)).to_contain_text("(403)")
            admin = system.token("N1", "partner_admin", admin_of=["BE7"])
            assert (await client.post(f"/v1/notifications/{row.id}/retry", headers=admin)).status_code == 403
            await context.close()
        finally:
            server.should_exit = True
            await asyncio.wait_for(task, 60)


async def _sent(smtp: Any) -> bool:
    return bool(smtp.to("nia@example.com"))
