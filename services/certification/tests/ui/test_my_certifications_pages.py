"""My certifications in a real browser, both modes: the certification service (SQLite + in-process bus, or
PostgreSQL + RabbitMQ) served by uvicorn, identity's facts (memberships, grants) arriving as events on its
transport, Debian's Chromium driven by Playwright.

Journeys: an individual sees their certifications with dates, exam history, what a CQS still needs (CE-3), signs
the agreement and downloads the certificate; a partner admin sees the members' current certifications and a
member's exam history only while that member's grant is in force (CE-11, ID-4).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from playwright.async_api import Browser, Page, async_playwright, expect

from certification.app import SERVICE
from partnerhub.bus import contracts as c
from partnerhub.testing import deliver, eventually, free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
REPO = Path(__file__).resolve().parents[4]
SHOTS = REPO / "test-output" / "pages"
UNLABELLED = "Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea')).filter(e => !e.labels || !e.labels.length).map(e => e.name)"


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


async def sign_in(page: Page, ui: str, cco_id: str, admin_of: str = "") -> None:
    await page.goto(f"{ui}/sign-in")
    await page.get_by_label("CCO ID").fill(cco_id)
    await page.get_by_label("Admin of partners").fill(admin_of)
    await page.get_by_role("button", name="Sign in").first.click()
    await page.wait_for_load_state()


async def prepare(system: Any, api: httpx.AsyncClient) -> None:
    staff = system.staff()
    for number, title in (("640-801", "CCNA exam"), ("642-437", "IP Telephony"), ("642-999", "IP Telephony design")):
        assert (await api.put(f"/v1/exams/{number}", json={"title": title}, headers=staff)).status_code == 201
    for code, body in {
        "CCNA": {"name": "CCNA", "kind": "associate", "required_exams": [["640-801"]]},
        "CQS-IPT": {"name": "IP Telephony Specialist", "kind": "cqs_specialist", "required_exams": [["642-437", "642-999"]],
                    "prerequisites": ["CCNA"]},
    }.items():
        r = await api.put(f"/v1/certifications/{code}", json=body, headers=staff)
        assert r.status_code == 201, r.text
    for i, (exam, on) in enumerate((("640-801", "2026-01-10"), ("642-437", "2026-01-20"))):
        body = {"external_id": f"vue-{i}", "cco_id": "ivy.ind", "exam_number": exam, "taken_on": on, "passed": True}
        assert (await api.post("/v1/exam-results", json=body, headers=system.token("vue", "system"))).status_code == 201


@pytest.mark.timeout(900)
async def test_ce3_ce11_individual_sees_everything_admin_sees_exam_history_only_while_granted(
    system_factory, browser: Browser, mode: str
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with system_factory(SERVICE, start_date="2026-02-01") as system:
        runtime = system.runtimes["certification"]
        api = system.clients["certification"]
        await deliver(
            runtime,
            c.MembershipStarted(cco_id="ivy.ind", be_geo_id="P100", started_on=date(2025, 6, 1)),
            c.MembershipStarted(cco_id="ada.admin", be_geo_id="P100", started_on=date(2025, 6, 1)),
            producer="identity",
        )
        await prepare(system, api)
        server, task, root = await served(runtime.app)
        ui = f"{root}/ui"
        try:
            # the individual: certifications with dates, exam history, what the CQS still needs
            context = await browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
            page = await context.new_page()
            await sign_in(page, ui, "ivy.ind")
            await expect(page).to_have_url(f"{ui}/me")
            certs = page.locator("#certs")
            await expect(certs).to_contain_text("CCNA")
            await expect(certs.locator("tbody tr").first).to_contain_text("2026-01-10")
            await expect(certs.locator("tbody tr").first).to_contain_text("2029-01-10")  # associate: 3 years (CE-4)
            await expect(page.locator("#history tbody tr")).to_have_count(2)
            await expect(page.locator("#needs")).to_contain_text("IP Telephony Specialist (CQS-IPT): pass 642-999 (IP Telephony design)")
            await expect(certs).to_contain_text("after the agreement")
            assert await page.evaluate(UNLABELLED) == []  # every control has its label
            await page.get_by_role("button", name="Sign the Career Certifications Agreement").click()
            await expect(page.get_by_role("status")).to_contain_text("1 certificate issued")
            async with page.expect_download() as got:
                await page.get_by_role("link", name="Open Badges credential").click()
            download = await got.value
            assert download.suggested_filename.startswith("credential-PH-")
            async with page.expect_download() as got:
                await certs.get_by_role("link", name="PDF").click()
            pdf = await got.value
            assert pdf.suggested_filename.endswith(".pdf")
            assert Path(await pdf.path()).read_bytes().startswith(b"%PDF")
            await page.screenshot(path=str(SHOTS / f"my-certifications-{mode}.png"), full_page=True)
            await page.set_viewport_size({"width": 390, "height": 844})  # a phone: the tables stack, nothing scrolls sideways
            await page.reload()
            assert await page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
            await context.close()

            # the partner admin: current certifications; no exam history without a grant (403 as the API)
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await context.new_page()
            await sign_in(page, ui, "ada.admin", "P100")
            await page.get_by_role("link", name="Members of P100").click()
            await expect(page.locator("#members")).to_contain_text("CCNA")
            await page.get_by_role("link", name="ivy.ind").click()
            await expect(page.locator("#certs")).to_contain_text("CCNA")
            await expect(page.locator("#no-history")).to_contain_text("has not granted your partner access")
            await expect(page.locator("#history")).to_have_count(0)
            admin = system.token("ada.admin", "partner_admin", admin_of=["P100"])
            response = await page.goto(f"{ui}/individuals/ivy.ind/exam-history")
            api_answer = await api.get("/v1/individuals/ivy.ind/exam-history", headers=admin)
            assert response is not None and response.status == api_answer.status_code == 403

            # granted: the history shows
            await deliver(runtime, c.GrantChanged(cco_id="ivy.ind", be_geo_id="P100", granted=True, changed_on=date(2026, 2, 1)), producer="identity")
            await page.goto(f"{ui}/individuals/ivy.ind")
            await expect(page.locator("#history tbody tr")).to_have_count(2)
            await expect(page.locator("#history")).to_contain_text("642-437")
            await page.screenshot(path=str(SHOTS / f"member-granted-{mode}.png"), full_page=True)
            response = await page.goto(f"{ui}/individuals/ivy.ind/exam-history")
            assert response is not None and response.status == 200

            # revoked: hidden again
            await deliver(runtime, c.GrantChanged(cco_id="ivy.ind", be_geo_id="P100", granted=False, changed_on=date(2026, 2, 1)), producer="identity")
            await page.goto(f"{ui}/individuals/ivy.ind")
            await expect(page.locator("#no-history")).to_be_visible()
            await expect(page.locator("#history")).to_have_count(0)

            # another partner answers 404, as the API does; the agreement form is CSRF-protected
            response = await page.goto(f"{ui}/partners/P200")
            api_answer = await api.get("/v1/partners/P200/certifications", headers=admin)
            assert response is not None and response.status == api_answer.status_code == 404
            forged = await page.request.post(f"{ui}/me/agreement", form={"x": "1"})
            assert forged.status == 403
            await context.close()
        finally:
            server.should_exit = True
            await asyncio.wait_for(task, 60)
