"""The applications pages in a real browser, both modes (SQLite + in-process bus, PostgreSQL + RabbitMQ):
certification and specialization running together, the specialization app served by uvicorn on a free port,
Debian's Chromium driven by Playwright. The journey crosses services: the missing exam is recorded in
certification, and the pass reaches specialization on the bus before the second application.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from playwright.async_api import Browser, Page, async_playwright, expect

from certification.app import SERVICE as CERTIFICATION
from partnerhub.bus import contracts as c
from partnerhub.testing import deliver, eventually, free_port, start_system
from specialization.app import SERVICE as SPECIALIZATION

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
REPO = Path(__file__).resolve().parents[4]
SHOTS = REPO / "test-output" / "pages"
UNLABELLED = "Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea')).filter(e => !e.labels || !e.labels.length).map(e => e.name)"
SPEC = {
    "name": "Express Networking",
    "level": "express",
    "roles": {"AM": [{"exams": ["700-001"]}], "SE": [{"exams": ["700-002"]}]},
}


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


async def record_pass(system: Any, cert: httpx.AsyncClient, external_id: str, cco_id: str, exam: str, on: str) -> None:
    body = {"external_id": external_id, "cco_id": cco_id, "exam_number": exam, "taken_on": on, "passed": True}
    r = await cert.post("/v1/exam-results", json=body, headers=system.token("vue", "system"))
    assert r.status_code == 201, r.text


@pytest.mark.timeout(900)
async def test_sp6_sp3_admin_is_refused_with_the_missing_exam_fixes_it_and_is_approved(
    system_factory, browser: Browser, mode: str
) -> None:
    """SP-6 (qualifying members per role, the reason others are missing), SP-3 (every unmet requirement and the
    requirements version), SP-9 (the renewal window as dates, then submitted), 404 for another partner, 403 for an
    individual, CSRF on the forms."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with system_factory(CERTIFICATION, SPECIALIZATION, start_date="2026-03-01") as system:
        staff = system.staff()
        cert, spec = system.clients["certification"], system.clients["specialization"]
        for number in ("700-001", "700-002"):
            assert (await cert.put(f"/v1/exams/{number}", json={"title": f"Exam {number}"}, headers=staff)).status_code == 201
        assert (await spec.put("/v1/specializations/EXPRESS-NET", json=SPEC, headers=staff)).status_code == 201
        runtime = system.runtimes["specialization"]
        await deliver(
            runtime,
            *(c.MembershipStarted(cco_id=who, be_geo_id="P100", started_on=date(2026, 1, 5)) for who in ("ada.admin", "ivy.ind", "sam.se")),
            c.MembershipStarted(cco_id="gil.globex", be_geo_id="P200", started_on=date(2026, 1, 5)),
            producer="identity",
        )
        await record_pass(system, cert, "vue-1", "sam.se", "700-002", "2026-02-10")  # sam qualifies for SE

        async def sam_is_a_candidate() -> bool:
            r = await spec.get("/v1/partners/P100/specializations/EXPRESS-NET/roles/SE/candidates", headers=staff)
            return any(x["cco_id"] == "sam.se" for x in r.json()["candidates"])

        await eventually(sam_is_a_candidate, timeout=60)
        server, task, root = await served(runtime.app)
        ui = f"{root}/ui"
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await context.new_page()
            await sign_in(page, ui, "ada.admin", "P100")
            await expect(page).to_have_url(f"{ui}/partners/P100")
            await expect(page.get_by_role("heading", level=1)).to_have_text("Specializations")
            await expect(page.locator("main")).to_contain_text("holds no specialization yet")
            await page.get_by_role("link", name="Apply for EXPRESS-NET").click()

            # SP-6: SE offers sam; AM offers nobody, and says what each member misses
            se, am = page.get_by_label("Who fills SE"), page.get_by_label("Who fills AM")
            await expect(se.locator("option")).to_have_text(["— nobody yet —", "sam.se"])
            await expect(am.locator("option")).to_have_text(["— nobody yet —"])
            await expect(page.locator("#missing-AM")).to_contain_text("ivy.ind: needs exams 700-001")
            assert await page.evaluate(UNLABELLED) == []  # every control has its label
            await expect(page.locator("main")).to_contain_text("requirements version 1")
            await se.select_option("sam.se")
            await page.get_by_role("button", name="Apply").click()

            # refused: every unmet requirement, the missing exam named, the version
            refusal = page.get_by_role("alert")
            await expect(refusal.get_by_role("heading")).to_have_text("Not approved: 1 requirement not met")
            await expect(refusal).to_contain_text("Judged by requirements version 1")
            await expect(refusal).to_contain_text("Job role not filled (AM)")
            await expect(refusal).to_contain_text("The role needs exams 700-001")
            await expect(page.get_by_label("Who fills SE")).to_have_value("sam.se")  # the choice is kept
            await page.screenshot(path=str(SHOTS / f"apply-refused-{mode}.png"), full_page=True)

            # the fix: ivy's pass of 700-001 is recorded in certification and travels to specialization
            await record_pass(system, cert, "vue-2", "ivy.ind", "700-001", "2026-03-01")

            async def ivy_is_a_candidate() -> bool:
                r = await spec.get("/v1/partners/P100/specializations/EXPRESS-NET/roles/AM/candidates", headers=staff)
                return any(x["cco_id"] == "ivy.ind" for x in r.json()["candidates"])

            await eventually(ivy_is_a_candidate, timeout=60)
            await page.goto(f"{ui}/partners/P100/specializations/EXPRESS-NET/apply")
            # with the keyboard only: each drop-down in turn, then the button
            await page.get_by_label("Who fills AM").focus()
            await page.keyboard.press("ArrowDown")
            await expect(page.get_by_label("Who fills AM")).to_have_value("ivy.ind")
            await page.keyboard.press("Tab")
            await expect(page.get_by_label("Who fills SE")).to_be_focused()
            await page.keyboard.press("ArrowDown")
            await expect(page.get_by_label("Who fills SE")).to_have_value("sam.se")
            await page.keyboard.press("Tab")
            await expect(page.get_by_role("button", name="Apply")).to_be_focused()
            await page.keyboard.press("Enter")
            await expect(page).to_have_url(re.compile(rf"^{re.escape(ui)}/partners/P100\?message="))
            await expect(page.get_by_role("status")).to_contain_text(
                "Express Networking is approved on 2026-03-01 (judged by requirements version 1)"
            )
            card = page.get_by_role("region", name="Express Networking (EXPRESS-NET)")
            await expect(card).to_contain_text("Approved")
            await expect(card).to_contain_text("AM: ivy.ind since 2026-03-01")
            opens = date(2027, 3, 1) - timedelta(days=90)  # SP-9: 90 days before the anniversary
            await expect(card).to_contain_text(f"opens {opens}, until the anniversary 2027-03-01")
            await page.screenshot(path=str(SHOTS / f"applications-{mode}.png"), full_page=True)

            # a form without its token is refused and changes nothing
            forged = await page.request.post(f"{ui}/partners/P100/specializations/EXPRESS-NET/renewal", form={"x": "1"})
            assert forged.status == 403

            # SP-9: inside the window the renewal is submitted from the page
            r = await spec.put("/v1/admin/today", params={"wait": "true"}, json={"date": opens.isoformat()}, headers=staff, timeout=600)
            assert r.status_code == 200, r.text
            await page.reload()
            await expect(card).to_contain_text("open now, until the anniversary 2027-03-01")
            await card.get_by_role("button", name="Submit the renewal of EXPRESS-NET").click()
            await expect(page.get_by_role("status")).to_contain_text("The renewal of EXPRESS-NET is submitted")
            await expect(card).to_contain_text("submitted")

            # another partner answers 404, as the API does
            response = await page.goto(f"{ui}/partners/P200")
            api = await spec.get("/v1/partners/P200/specializations", headers=system.token("ada.admin", "partner_admin", admin_of=["P100"]))
            assert response is not None and response.status == api.status_code == 404
            response = await page.goto(f"{ui}/partners/P200/specializations/EXPRESS-NET/apply")
            assert response is not None and response.status == 404
            await context.close()

            # an individual without an admin role: 403, as the API does
            context = await browser.new_context()
            page = await context.new_page()
            await sign_in(page, ui, "ivy.ind")
            heading = page.get_by_role("heading", level=1)
            await expect(heading).to_contain_text("(403)")
            response = await page.goto(f"{ui}/partners/P100")
            api = await spec.get("/v1/partners/P100/specializations", headers=system.token("ivy.ind", "individual"))
            assert response is not None and response.status == api.status_code == 403
            await context.close()
        finally:
            server.should_exit = True
            await asyncio.wait_for(task, 60)


async def test_sp12_sp11_a_lost_specialization_shows_its_dates_and_offers_reactivation(tmp_path: Path) -> None:
    """SP-10/SP-12 as dates, not errors: after a loss the page shows the lost date and the first day of a new
    application (the API's ``lost_on`` and ``new_application_from``), and offers reactivation (SP-11) with the
    previous holders pre-selected. Standalone (over HTTP, no browser): the year's clock jump is the cycle's,
    proven in both modes by tests/integration/test_cycle.py; the page only renders the status it is given."""
    async with start_system([SPECIALIZATION], "standalone", tmp_path=tmp_path, start_date="2026-03-01") as system:
        staff = system.staff()
        spec = system.clients["specialization"]
        runtime = system.runtimes["specialization"]
        assert (await spec.put("/v1/specializations/EXPRESS-NET", json=SPEC, headers=staff)).status_code == 201
        await deliver(
            runtime,
            c.MembershipStarted(cco_id="am.1", be_geo_id="P100", started_on=date(2026, 1, 5)),
            c.MembershipStarted(cco_id="se.1", be_geo_id="P100", started_on=date(2026, 1, 5)),
            c.ExamPassed(cco_id="am.1", exam_number="700-001", passed_on=date(2025, 5, 1), result_id="r-1"),
            c.ExamPassed(cco_id="se.1", exam_number="700-002", passed_on=date(2025, 5, 1), result_id="r-2"),
            producer="test",
        )
        r = await spec.post("/v1/partners/P100/specializations/EXPRESS-NET/applications", json={"roles": {"AM": "am.1", "SE": "se.1"}}, headers=staff)
        assert r.status_code == 201, r.text
        r = await spec.put("/v1/admin/today", params={"wait": "true"}, json={"date": "2027-03-20"}, headers=staff, timeout=600)
        assert r.status_code == 200, r.text
        status = (await spec.get("/v1/partners/P100/specializations/EXPRESS-NET", headers=staff)).json()
        assert status["status"] == "lost"  # no points: grace, then lost (SP-10)

        admin = system.token("ada.admin", "partner_admin", admin_of=["P100"])
        page = await spec.get("/ui/partners/P100", headers=admin)
        assert page.status_code == 200
        text = " ".join(page.text.split())
        assert f"Lost on</dt><dd class=\"nowrap\">{status['lost_on']}" in text
        assert f"possible from <span class=\"nowrap\">{status['new_application_from']}</span>" in text
        assert "Reactivate EXPRESS-NET" in text and "Submit the renewal" not in text
        form = await spec.get("/ui/partners/P100/specializations/EXPRESS-NET/apply", headers=admin)
        assert form.status_code == 200 and "Reactivate Express Networking" in form.text
        assert 'value="am.1" selected' in form.text and 'value="se.1" selected' in form.text  # the previous holders (SP-6)


async def test_sp14_sp6_a_vacant_role_is_refilled_from_the_page(tmp_path: Path) -> None:
    """SP-14/SP-6: a holder leaves, the role is vacant; the page offers the qualifying members and says what the
    others miss; a refill with someone who does not qualify is refused (422, every reason), one who does fills it.
    Over HTTP with the page's own cookies and form token; a post without the token is refused."""
    async with start_system([SPECIALIZATION], "standalone", tmp_path=tmp_path, start_date="2026-03-01") as system:
        staff = system.staff()
        spec = system.clients["specialization"]
        runtime = system.runtimes["specialization"]
        assert (await spec.put("/v1/specializations/EXPRESS-NET", json=SPEC, headers=staff)).status_code == 201
        await deliver(
            runtime,
            *(c.MembershipStarted(cco_id=who, be_geo_id="P100", started_on=date(2026, 1, 5)) for who in ("am.1", "se.1", "se.2", "ivy")),
            c.ExamPassed(cco_id="am.1", exam_number="700-001", passed_on=date(2025, 5, 1), result_id="r-1"),
            c.ExamPassed(cco_id="se.1", exam_number="700-002", passed_on=date(2025, 5, 1), result_id="r-2"),
            c.ExamPassed(cco_id="se.2", exam_number="700-002", passed_on=date(2025, 6, 1), result_id="r-3"),
            producer="test",
        )
        r = await spec.post("/v1/partners/P100/specializations/EXPRESS-NET/applications", json={"roles": {"AM": "am.1", "SE": "se.1"}}, headers=staff)
        assert r.status_code == 201, r.text
        await deliver(runtime, c.MembershipEnded(cco_id="se.1", be_geo_id="P100", started_on=date(2026, 1, 5), ended_on=date(2026, 3, 1)), producer="identity")

        admin = system.token("ada.admin", "partner_admin", admin_of=["P100"])
        page = await spec.get("/ui/partners/P100", headers=admin)
        assert page.status_code == 200, page.text
        select = re.search(r'<select id="refill-EXPRESS-NET-SE" name="cco_id" required>(.*?)</select>', page.text, re.S)
        assert select is not None and re.findall(r'<option value="([^"]+)"', select.group(1)) == ["se.2"]
        assert "ivy: needs exams 700-002" in page.text
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
        assert token is not None
        url = "/ui/partners/P100/specializations/EXPRESS-NET/roles/SE"
        assert (await spec.post(url, data={"cco_id": "se.2"}, headers=admin)).status_code == 403  # no form token
        refused = await spec.post(url, data={"cco_id": "ivy", "csrf_token": token.group(1)}, headers=admin)
        assert refused.status_code == 422 and "Does not qualify (SE)" in refused.text and "requirements version <strong>1</strong>" in refused.text
        done = await spec.post(url, data={"cco_id": "se.2", "csrf_token": token.group(1)}, headers=admin)
        assert done.status_code == 303, done.text
        status = (await spec.get("/v1/partners/P100/specializations/EXPRESS-NET", headers=staff)).json()
        assert next(r for r in status["roles"] if r["role"] == "SE")["holder"] == "se.2"
