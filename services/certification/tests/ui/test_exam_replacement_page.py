"""Program staff announce an exam replacement from the page (CE-1), both modes: certification and specialization
running together; the announcement travels on the bus and specialization projects it (SP-14)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.async_api import Browser, Page, async_playwright, expect

from certification.app import SERVICE as CERTIFICATION
from partnerhub.testing import eventually, free_port
from specialization.app import SERVICE as SPECIALIZATION

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


async def sign_in(page: Page, ui: str, cco_id: str, *, staff: bool = False) -> None:
    await page.goto(f"{ui}/sign-in")
    await page.get_by_label("CCO ID").fill(cco_id)
    if staff:
        await page.get_by_label("Program staff").check()
    await page.get_by_role("button", name="Sign in").first.click()
    await page.wait_for_load_state()

@pytest.mark.timeout(900)
async def test_ce1_staff_announce_a_replacement_that_specialization_projects(system_factory, browser: Browser, mode: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with system_factory(CERTIFICATION, SPECIALIZATION, start_date="2026-02-01") as system:
        staff = system.staff()
        cert, spec = system.clients["certification"], system.clients["specialization"]
        assert (await cert.put("/v1/exams/642-437", json={"title": "IP Telephony"}, headers=staff)).status_code == 201
        server, task, root = await served(system.runtimes["certification"].app)
        ui = f"{root}/ui"
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await context.new_page()
            await sign_in(page, ui, "ana.staff", staff=True)
            await page.get_by_role("link", name="Exam replacements").click()
            await page.get_by_label("Old exam").select_option("642-437")
            await page.get_by_label("New exam number").fill("642-447")
            await page.get_by_label("New exam title").fill("IP Telephony v2")
            await page.get_by_label("Existing holders must take the new exam").check()
            await page.get_by_label("From (optional)").fill("2026-06-01")
            await page.get_by_role("button", name="Announce the replacement").click()
            await expect(page.get_by_role("status")).to_contain_text(
                "Announced: 642-447 replaces 642-437 (existing holders must take it; from 2026-06-01)"
            )
            await expect(page.locator("#exams")).to_contain_text("holders must retake, from 2026-06-01")
            await page.screenshot(path=str(SHOTS / f"exam-replacements-{mode}.png"), full_page=True)

            async def projected() -> Any:
                r = await spec.get("/v1/exams/642-437/replacement", headers=staff)
                return r.status_code == 200 and r.json()

            found = await eventually(projected, timeout=60)
            assert found["replaced_by"] == "642-447" and found["required"] is True and found["effective_on"] == "2026-06-01"

            # bad input: a 422 page, nothing announced
            await page.get_by_label("New exam number").fill("not a number!")
            await page.get_by_label("New exam title").fill("x")
            await page.get_by_role("button", name="Announce the replacement").click()
            await expect(page.get_by_role("heading", level=1)).to_contain_text("(422)")
            assert (await cert.get("/v1/exams", headers=staff)).json().__len__() == 2
            await context.close()

            # an individual: 403, as the API's write
            context = await browser.new_context()
            page = await context.new_page()
            await sign_in(page, ui, "ivy.ind")
            response = await page.goto(f"{ui}/staff/exams")
            api = await cert.put("/v1/exams/9-9", json={"title": "x"}, headers=system.token("ivy.ind", "individual"))
            assert response is not None and response.status == api.status_code == 403
            await context.close()
        finally:
            server.should_exit = True
            await asyncio.wait_for(task, 60)
