"""The API docs work with no internet: Swagger UI and ReDoc come from the service itself (issue "for the people
who use it", item 1). Chromium with every request to anywhere but the service aborted still renders the
operations, and nothing tried to leave."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Route, expect


async def _offline(browser: Browser, root: str):
    context = await browser.new_context()
    outside: list[str] = []

    async def only_the_service(route: Route) -> None:
        if route.request.url.startswith(root):
            await route.continue_()
        else:
            outside.append(route.request.url)
            await route.abort()

    await context.route("**/*", only_the_service)
    return context, outside


async def test_swagger_ui_renders_its_operations_with_every_outside_request_blocked(site, browser: Browser) -> None:
    context, outside = await _offline(browser, site.root)
    page = await context.new_page()
    response = await page.goto(f"{site.root}/learning/docs")
    assert response is not None and response.status == 200
    operations = page.locator(".opblock")
    await expect(operations.first).to_be_visible(timeout=20_000)
    assert await operations.count() > 20
    await expect(page.locator(".opblock-summary-path", has_text="/v1/partners/{be_geo_id}/cl-view").first).to_be_visible()
    await expect(page.get_by_role("button", name="Authorize")).to_be_visible()  # the banner's advice works
    icon = await page.locator("link[rel*='icon']").first.get_attribute("href")
    assert icon is not None and icon.startswith("/learning/")
    assert outside == []
    await context.close()


async def test_redoc_renders_its_operations_with_every_outside_request_blocked(site, browser: Browser) -> None:
    context, outside = await _offline(browser, site.root)
    page = await context.new_page()
    response = await page.goto(f"{site.root}/learning/redoc")
    assert response is not None and response.status == 200
    await expect(page.get_by_role("heading", name=re.compile("The CL View: per specialization")).first).to_be_visible(timeout=20_000)
    assert await page.get_by_role("heading", level=2).count() > 20
    assert outside == []
    await context.close()
