"""My identity in a real browser, both modes (SQLite + in-process bus; PostgreSQL + RabbitMQ): identity and
notify together, identity served by uvicorn on a free port, notify sending to a real SMTP server (aiosmtpd),
Debian's Chromium driven by Playwright.

The journey (issue 21): an individual sees their partner and its history (ID-1, ID-3), grants and then revokes
their partner's admins access (ID-4), asks to merge their duplicate CCO ID (ID-5) and confirms it through the
link mailed to that ID's address (ID-2); the link works once. Someone else's page answers 404 and their
partner's admin 403, as the API does; a form posted from another site is refused (CSRF).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.async_api import Browser, Page, async_playwright, expect

from identity.app import SERVICE as IDENTITY
from notify.app import SERVICE as NOTIFY
from partnerhub.testing import eventually, free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
REPO = Path(__file__).resolve().parents[4]
SHOTS = REPO / "test-output" / "identity"


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


async def seed(system: Any) -> None:
    """Acme (sam, zoe; ada its admin) and Globex; sam.old is sam under an old CCO ID with his address, who
    worked for Globex in 2026."""
    api, staff = system.clients["identity"], system.staff()

    async def ok(method: str, path: str, body: Any = None, **kw: Any) -> None:
        r = await api.request(method, path, json=body, headers=staff, **kw)
        assert r.status_code < 300, r.text

    await ok("POST", "/v1/partners", {"be_geo_id": "100001", "name": "Acme Networks", "country": "DE"})
    await ok("POST", "/v1/partners", {"be_geo_id": "100002", "name": "Globex Integration", "country": "NL"})
    for cco, name, mail in (
        ("sam", "Sam Engineer", "sam@acme.example"),
        ("sam.old", "Sam Enginer", "sam+old@acme.example"),
        ("zoe", "Zoe Field", "zoe@acme.example"),
        ("ada", "Ada Admin", "ada@acme.example"),
    ):
        await ok("POST", "/v1/individuals", {"cco_id": cco, "name": name, "email": mail})
    await ok("PUT", "/v1/partners/100002/members/sam.old", params={"on": "2026-01-05"})
    await ok("DELETE", "/v1/partners/100002/members/sam.old", params={"on": "2026-12-31"})
    for cco in ("sam", "zoe", "ada"):
        await ok("PUT", f"/v1/partners/100001/members/{cco}", params={"on": "2027-01-04"})
    await ok("PUT", "/v1/partners/100001/admins/ada")


async def sign_in(page: Page, ui: str, name: str) -> None:
    """The dev sign-in: pick a person from identity's own records."""
    await page.goto(f"{ui}/")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    await page.get_by_role("button", name=name).click()
    await page.wait_for_load_state()


async def grants_of(system: Any, cco_id: str) -> list[str]:
    r = await system.clients["identity"].get(f"/v1/individuals/{cco_id}", headers=system.staff())
    return list(r.json()["grants"])


@pytest.mark.timeout(900)
async def test_id2_id4_individual_merges_a_duplicate_by_the_mailed_link_and_grants_then_revokes_access(
    system_factory, browser: Browser, inbox, mode: str
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with system_factory(IDENTITY, NOTIFY, start_date="2027-03-01", **inbox.notify_settings()) as system:
        await seed(system)
        server, task, root = await served(system.runtimes["identity"].app)
        ui = f"{root}/ui"
        try:
            sam_context = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await sam_context.new_page()
            await sign_in(page, ui, "Sam Engineer")
            await expect(page).to_have_url(f"{ui}/people/sam")
            await expect(page.get_by_role("heading", level=1)).to_contain_text("Sam Engineer")

            # ID-1, ID-3: my partner now
            partner = page.get_by_role("region", name="My partner")
            await expect(partner).to_contain_text("You are associated with Acme Networks")
            await expect(partner).to_contain_text("since 2027-01-04")

            # ID-4: grant, then revoke, access to Acme's admins
            access = page.get_by_role("region", name="Who may see my records")
            await access.get_by_role("button", name="Grant access to Acme Networks's admins").click()
            await expect(page.get_by_role("status")).to_contain_text("may now see your profile")
            await expect(access).to_contain_text("The admins of Acme Networks may see your exam history.")
            assert await grants_of(system, "sam") == ["100001"]
            await access.get_by_role("button", name="Revoke access").click()
            await expect(page.get_by_role("status")).to_contain_text("no longer see your exam history")
            assert await grants_of(system, "sam") == []

            # ID-5 → ID-2: my other CCO ID, and a merge in one step
            ids = page.get_by_role("region", name="My other CCO IDs")
            await expect(ids).to_contain_text("sam.old")
            await expect(ids).to_contain_text("the same e-mail address")
            await expect(ids).not_to_contain_text("sam+old@acme.example")  # nothing else of that ID
            await ids.get_by_role("button", name="Merge sam.old into sam").click()
            await expect(page.get_by_role("status")).to_contain_text("We sent a link to the e-mail address of sam.old")
            await expect(ids).to_contain_text("Waiting for the link to be confirmed")
            await page.screenshot(path=str(SHOTS / f"my-identity-{mode}.png"), full_page=True)
            r = await system.clients["identity"].get("/v1/individuals/sam.old", headers=system.staff())
            assert r.json()["cco_id"] == "sam.old"  # nothing merged yet

            async def mailed() -> list:
                return inbox.to("sam+old@acme.example")

            (mail,) = await eventually(mailed, timeout=60)
            assert mail["Subject"] == "Confirm merging your CCO ID sam.old into sam"
            link = inbox.link_in(mail)
            assert link.startswith(f"{ui}/merge-confirmation?token=")

            # the link opened from the mail, in another browser (no session): it asks, and merges only on "Merge"
            mail_context = await browser.new_context(viewport={"width": 390, "height": 844})
            mailbox = await mail_context.new_page()
            response = await mailbox.goto(link)
            assert response is not None and response.status == 200
            await expect(mailbox.get_by_role("heading", level=1)).to_have_text("Merge sam.old into sam?")
            width = await mailbox.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            assert width, "the confirmation page scrolls sideways on a phone"
            r = await system.clients["identity"].get("/v1/individuals/sam.old", headers=system.staff())
            assert r.json()["cco_id"] == "sam.old"  # opening the link merged nothing
            await mailbox.screenshot(path=str(SHOTS / f"merge-confirmation-{mode}.png"), full_page=True)
            merge = mailbox.get_by_role("button", name="Merge")
            await merge.focus()
            await mailbox.keyboard.press("Enter")  # keyboard-usable
            await expect(mailbox.get_by_role("heading", level=1)).to_have_text("Merged")
            await expect(mailbox.get_by_role("status")).to_contain_text("sam.old is now merged into sam")
            r = await system.clients["identity"].get("/v1/individuals/sam.old", headers=system.staff())
            assert r.json()["cco_id"] == "sam" and r.json()["retired_ids"] == ["sam.old"]

            # the link works once
            again = await mailbox.goto(link)
            assert again is not None and again.status == 409
            await expect(mailbox.get_by_role("heading", level=1)).to_contain_text("Conflict")
            await expect(mailbox.locator("main")).to_contain_text("already used")

            # back on sam's page: the retired ID is another name of his, its history is his (ID-2, ID-3)
            await page.reload()
            await expect(page.locator("main")).to_contain_text("Also known as (merged into this ID): sam.old")
            history = page.get_by_role("table", name="Association history, newest first")
            await expect(history).to_contain_text("Globex Integration")
            await expect(history).to_contain_text("2026-12-31")
            await expect(page.get_by_role("region", name="My other CCO IDs")).to_contain_text("Merged")

            # someone else's page answers as the API does: another person 404, their partner's admin 403
            other = await page.goto(f"{ui}/people/zoe")
            assert other is not None and other.status == 404
            admin_context = await browser.new_context()
            admin = await admin_context.new_page()
            await sign_in(admin, ui, "Ada Admin")
            refused = await admin.goto(f"{ui}/people/sam")
            assert refused is not None and refused.status == 403
            await expect(admin.locator("main")).to_contain_text("Only sam or program staff")

            # a form sent from another site changes nothing
            forged = await page.request.post(
                f"{ui}/people/sam/grants/100001", form={"action": "grant"}, headers={"Origin": "https://evil.example"}
            )
            assert forged.status == 403
            assert await grants_of(system, "sam") == []
            for context in (sam_context, mail_context, admin_context):
                await context.close()
        finally:
            server.should_exit = True
            await task
