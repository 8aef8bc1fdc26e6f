"""The hardened CL View pages in Chromium: the sign-in form works with its CSRF token under the strict
Content-Security-Policy (nothing blocked, the stylesheet applied); a form posted without its token, or
from another site, is refused with a page that says why and signs nobody in; no other site can frame
the pages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from playwright.async_api import Browser, ConsoleMessage, Page, expect

from partnerhub.http import PAGE_POLICY


def csp_violations(page: Page) -> list[str]:
    """Chromium reports on the console every resource or inline code the page's CSP blocks."""
    seen: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or message.text.startswith("Refused to"):
            seen.append(message.text)

    page.on("console", on_console)
    return seen


@asynccontextmanager
async def another_site(body: str) -> AsyncIterator[str]:
    """A page of another site on this machine: ``http://localhost:<port>`` (the pages are on 127.0.0.1).
    Served for real, not by Playwright's routing: Chromium treats a routed page as public, and a public
    page is kept from reaching local servers whatever their headers say."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        data = body.encode()
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n")
        writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(data), data))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "localhost", 0)
    try:
        yield f"http://localhost:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()
        await server.wait_closed()


async def session_cookies(page: Page) -> list[str]:
    return [c["name"] for c in await page.context.cookies() if c["name"] == "partnerhub_ui"]


async def test_sign_in_by_form_works_under_the_strict_headers(seeded, ui, browser: Browser) -> None:
    context, page = await ui.new_page(browser)
    errors = csp_violations(page)
    response = await page.goto(f"{seeded.ui}/sign-in")
    assert response is not None
    headers = await response.all_headers()
    assert headers["content-security-policy"] == PAGE_POLICY
    assert "script-src 'self'" in PAGE_POLICY and "frame-ancestors 'none'" in PAGE_POLICY
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    # every post form carries the token; the CSRF cookie is HttpOnly and SameSite=Strict
    forms = page.locator("form[method=post]")
    assert await forms.count() == 3
    assert await page.locator("form[method=post] input[type=hidden][name=csrf_token]").count() == 3
    (csrf,) = [c for c in await context.cookies() if c["name"] == "partnerhub_csrf"]
    assert csrf["httpOnly"] and csrf["sameSite"] == "Strict" and csrf["path"] == "/learning/ui"
    # the stylesheet is applied (the CSP allows the page's own file)
    header_bg = await page.locator("header.top").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header_bg == "rgb(36, 41, 47)"
    # signing in by the form works, and the summary carries the headers too
    async with page.expect_response(lambda r: r.url.endswith("/partners/P100")) as summary:
        await ui.sign_in_as(page, seeded, "ada.admin")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Acme Networks")
    summary_headers = await (await summary.value).all_headers()
    assert summary_headers["content-security-policy"] == PAGE_POLICY and summary_headers["x-frame-options"] == "DENY"
    await page.locator("main").get_by_role("link", name="ADV-COLLAB-ARCH", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("ADV-COLLAB-ARCH")
    # signing out by its form works (its token is bound to the new session)
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("status")).to_have_text("You are signed out.")
    assert await session_cookies(page) == []
    assert errors == []
    await context.close()


async def test_a_post_without_its_token_is_refused(seeded, ui, browser: Browser) -> None:
    context, page = await ui.new_page(browser)
    await page.goto(f"{seeded.ui}/sign-in")
    # a form whose token is missing (DevTools, not page script: the CSP forbids inline code)
    await page.evaluate("document.querySelectorAll('input[name=csrf_token]').forEach(e => e.remove())")
    async with page.expect_response(lambda r: r.request.method == "POST") as posted:
        await page.locator('button[name="cco_id"][value="ada.admin"]').click()
    assert (await posted.value).status == 403
    await expect(page.get_by_role("heading", level=1)).to_contain_text("This form has expired")
    await expect(page.locator("main")).to_contain_text("reload the page and try again")
    assert await session_cookies(page) == []
    # a token of another browser's cookie is refused as well
    other_context, other = await ui.new_page(browser)
    await other.goto(f"{seeded.ui}/sign-in")
    foreign = await other.locator("input[name=csrf_token]").first.get_attribute("value")
    await other_context.close()
    await page.goto(f"{seeded.ui}/sign-in")
    await page.evaluate("t => document.querySelectorAll('input[name=csrf_token]').forEach(e => e.value = t)", foreign)
    await page.locator('button[name="cco_id"][value="ada.admin"]').click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("This form has expired")
    assert await session_cookies(page) == []
    # reloading gives a working form again
    await ui.sign_in_as(page, seeded, "ada.admin")
    await expect(page).to_have_url(f"{seeded.ui}/partners/P100")
    await context.close()


async def test_a_form_from_another_site_is_refused_and_cannot_frame_the_pages(seeded, ui, browser: Browser) -> None:
    context, page = await ui.new_page(browser)
    await ui.sign_in_as(page, seeded, "ada.admin")  # a victim who is signed in
    attack = f"""<!doctype html><title>win a prize</title>
      <form method="post" action="{seeded.ui}/sign-in"><input name="cco_id" value="ana.staff">
      <input name="csrf_token" value="guessed"><button>Claim</button></form>
      <form method="post" action="{seeded.ui}/sign-out"><button>Out</button></form>
      <iframe src="{seeded.ui}/sign-in" title="framed"></iframe>"""
    async with another_site(attack) as evil:
        await page.goto(f"{evil}/prize")
        # the pages refuse to be framed by another site (CSP frame-ancestors, X-Frame-Options); the sign-in
        # page, as a framed page would not get the SameSite=Strict session cookie anyway
        (child,) = page.main_frame.child_frames  # loaded: goto waits for the frames' load events
        assert "Demo sign-in" not in await child.content()
        async with page.expect_response(lambda r: r.request.method == "POST") as posted:
            await page.get_by_role("button", name="Claim").click()
        refused = await posted.value
        assert refused.status == 403 and refused.request.headers.get("origin") == evil
        await expect(page.get_by_role("heading", level=1)).to_contain_text("Sent from another site")
        await expect(page.locator("main")).to_contain_text("nothing was done")
        await page.goto(f"{evil}/prize")
        await page.get_by_role("button", name="Out").click()
        await expect(page.get_by_role("heading", level=1)).to_contain_text("Sent from another site")
    # the victim is still signed in as themselves: no staff session planted, no sign-out forced
    await page.goto(f"{seeded.ui}/")
    await expect(page).to_have_url(f"{seeded.ui}/partners/P100")
    await expect(page.locator("header .who")).to_contain_text("ada.admin")
    await context.close()
