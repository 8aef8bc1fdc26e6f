"""The public verification page in a real browser (CE-3, CE-5), both modes: the certification service
(SQLite + in-process bus, or PostgreSQL + RabbitMQ) served by uvicorn on a free port, data set up
through its API, and Debian's Chromium driven by Playwright (never a downloaded browser).

The journey: the credential of a renewed badge verifies (with its new dates), an expired one says
expired; a certificate number typed with the keyboard verifies; nothing of the person is shown.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, expect

from certification.app import SERVICE
from partnerhub.testing import served

REPO = Path(__file__).resolve().parents[4]
SHOTS = REPO / "test-output" / "verify"


async def prepare(system: Any, api: httpx.AsyncClient) -> dict[str, str]:
    """ann renews her CCNA before it expires (CE-5), bob lets his lapse; both downloaded a credential first."""
    staff = system.staff()
    assert (await api.put("/v1/exams/A1", json={"title": "CCNA exam"}, headers=staff)).status_code == 201
    r = await api.put("/v1/certifications/CCNA", json={"name": "CCNA", "kind": "associate", "required_exams": [["A1"]]}, headers=staff)
    assert r.status_code == 201

    async def passed(external_id: str, cco_id: str, on: str) -> None:
        body = {"external_id": external_id, "cco_id": cco_id, "exam_number": "A1", "taken_on": on, "passed": True}
        assert (await api.post("/v1/exam-results", json=body, headers=system.token("vue", "system"))).status_code == 201

    async def today(day: str) -> None:
        r = await api.put("/v1/admin/today", params={"wait": "true"}, json={"date": day}, headers=staff)
        assert r.status_code == 200, r.text

    out: dict[str, str] = {}
    await passed("r-1", "ann", "2026-01-10")
    await passed("r-2", "bob", "2026-01-12")
    for who in ("ann", "bob"):
        me = system.token(who, "individual")
        assert (await api.post(f"/v1/individuals/{who}/agreements", json={}, headers=me)).status_code == 201
        body = (await api.get(f"/v1/individuals/{who}/certifications/CCNA/credential", headers=me)).json()
        out[f"{who}_jwt"], out[f"{who}_number"] = body["jwt"], body["certificate_number"]
    await today("2028-06-02")
    await passed("r-3", "ann", "2028-06-01")
    await today("2029-01-12")  # bob's CCNA expires on 2029-01-12
    return out


@pytest.mark.timeout(900)
async def test_ce5_renewed_credential_verifies_and_expired_one_says_expired(system_factory, browser: Browser, mode: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with system_factory(SERVICE, start_date="2026-02-01") as system:
        server, task, root = await served(system.runtimes["certification"].app)
        try:
            async with httpx.AsyncClient(base_url=root, timeout=600) as api:  # a clock jump of years runs its daily jobs first
                data = await prepare(system, api)
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await context.new_page()
            response = await page.goto(f"{root}/verify")
            assert response is not None and response.status == 200
            assert "style-src 'self'" in (await response.all_headers())["content-security-policy"]
            await expect(page.get_by_role("heading", level=1)).to_have_text("Verify a certificate")

            # the renewed badge's first credential: valid, with the renewal's dates
            await page.get_by_label("Open Badges credential (VC-JWT)").fill(data["ann_jwt"])
            await page.get_by_role("button", name="Verify").click()
            verdict = page.get_by_role("status")
            await expect(verdict.get_by_role("heading")).to_have_text("This certificate is Valid")
            await expect(verdict).to_contain_text("CCNA")
            await expect(verdict).to_contain_text("2028-06-01")
            await expect(verdict).to_contain_text("2031-06-01")
            await expect(verdict).to_contain_text("renewed")
            await expect(verdict).to_contain_text(data["ann_number"])
            await expect(page.locator("main")).not_to_contain_text("ann")  # nothing of the person
            colour = await verdict.locator(".badge").evaluate("e => getComputedStyle(e).backgroundColor")
            assert colour == "rgb(218, 251, 225)"  # the page's own stylesheet loaded under its CSP
            await page.screenshot(path=str(SHOTS / f"verify-valid-{mode}.png"), full_page=True)

            # the lapsed badge's credential: expired
            await page.get_by_label("Certificate number").fill("")
            await page.get_by_label("Open Badges credential (VC-JWT)").fill(data["bob_jwt"])
            await page.get_by_role("button", name="Verify").click()
            await expect(verdict.get_by_role("heading")).to_have_text("This certificate is Expired")
            await expect(verdict).to_contain_text("expired on 2029-01-12")
            await expect(page.locator("main")).not_to_contain_text("bob")
            await page.screenshot(path=str(SHOTS / f"verify-expired-{mode}.png"), full_page=True)

            # by number, with the keyboard only, typed loosely
            await page.goto(f"{root}/verify")
            await page.keyboard.press("Tab")  # the skip link first
            await page.keyboard.press("Tab")
            await expect(page.get_by_label("Certificate number")).to_be_focused()
            await page.keyboard.type(data["ann_number"].lower())
            await page.keyboard.press("Enter")
            await expect(page.get_by_role("status").get_by_role("heading")).to_have_text("This certificate is Valid")

            # an unknown number and a credential that does not verify answer as the API does
            response = await page.goto(f"{root}/verify?number=PH-0000-0000-0000")
            assert response is not None and response.status == 404
            await expect(page.get_by_role("alert")).to_contain_text("No certificate with certificate number PH-0000-0000-0000")
            head, payload, _sig = data["ann_jwt"].split(".")
            response = await page.goto(f"{root}/verify?credential={head}.{payload}.AAAA")
            assert response is not None and response.status == 422
            await expect(page.get_by_role("alert")).to_contain_text("does not verify")

            # a phone: no sideways scrolling
            phone = await browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
            small = await phone.new_page()
            await small.goto(f"{root}/verify?number={data['bob_number']}")
            await expect(small.get_by_role("status").get_by_role("heading")).to_have_text("This certificate is Expired")
            assert await small.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            await phone.close()
            await context.close()
        finally:
            server.should_exit = True
            await asyncio.wait_for(task, 60)
