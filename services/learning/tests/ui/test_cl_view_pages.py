"""The CL View pages in Chromium (CL-8, CL-10, SP-10, SP-13, NO-4): each kind of user sees the
right partner and nothing else; the detail page and its CSV; grace days after moving the clock."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from playwright.async_api import Browser, Page, expect

from partnerhub.bus.contracts import GraceStarted


async def status_of(page: Page, url: str) -> int:
    response = await page.goto(url)
    assert response is not None
    return response.status


async def test_cl10_partner_admin_sees_only_their_partner(seeded, ui, browser: Browser, shots) -> None:
    context, page = await ui.new_page(browser)
    await ui.sign_in_as(page, seeded, "ada.admin")
    # an admin of one partner lands on its summary
    await expect(page).to_have_url(f"{seeded.ui}/partners/P100")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Acme Networks")
    main = page.locator("main")
    await expect(main.get_by_role("heading", name="ADV-COLLAB-ARCH")).to_be_visible()
    await expect(main.get_by_role("heading", name="EXPRESS-FOUNDATION")).to_be_visible()
    await expect(main).not_to_contain_text("Globex")
    await expect(main).not_to_contain_text("ADV-DC-ARCH")
    # the summary's facts for ADV-COLLAB-ARCH (SP-7, SP-13, CL-3, NO-4)
    collab = page.locator("article", has=page.get_by_role("heading", name="ADV-COLLAB-ARCH"))
    await expect(collab).to_contain_text("Advanced Architecture")
    await expect(collab).to_contain_text("Approved")
    await expect(collab).to_contain_text("2026-12-31")
    await expect(collab.get_by_label(re.compile("Points: 93 of 100"))).to_have_attribute("value", "93")
    await expect(collab).to_contain_text("On target")  # as specialization announced it (93 ≥ 100 × 243/364)
    await expect(collab).to_contain_text("Collaboration security essentials")  # mandatory, nobody did it
    await expect(collab).to_contain_text("FE vacant since 2026-07-01")
    await expect(collab).to_contain_text("SE at risk: falls vacant on 2026-11-15")
    express = page.locator("article", has=page.get_by_role("heading", name="EXPRESS-FOUNDATION"))
    await expect(express).to_contain_text("Inactive (early in the period)")  # grey, with its text
    await expect(express.get_by_label(re.compile("Points: 3 of 40"))).to_be_visible()
    await shots.take(page, "cl-view-summary.png")
    # another partner's pages answer 404, as HTML
    for url in (f"{seeded.ui}/partners/P200", f"{seeded.ui}/partners/P200/specializations/ADV-DC-ARCH",
                f"{seeded.ui}/partners/P200/cl-view.csv", f"{seeded.ui}/partners/P300"):
        assert await status_of(page, url) == 404
        await expect(page.get_by_role("heading", level=1)).to_contain_text("Not found")
        await expect(page.locator("body")).not_to_contain_text("Globex Integration")
    # the session cookie is HttpOnly and SameSite=Strict
    (cookie,) = [c for c in await context.cookies() if c["name"] == "partnerhub_ui"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/learning/ui"
    await context.close()


async def test_cl10_pam_sees_assigned_partners_sorted_by_risk(seeded, ui, browser: Browser) -> None:
    context, page = await ui.new_page(browser)
    await ui.sign_in_as(page, seeded, "pat.pam")
    await expect(page).to_have_url(f"{seeded.ui}/pam")
    rows = page.locator("table.overview tbody tr")
    await expect(rows).to_have_count(2)
    # P300 is behind on points; P100 is on target but has role alerts: behind comes first
    await expect(rows.nth(0)).to_contain_text("Initech Systems")
    await expect(rows.nth(0)).to_contain_text("Behind on points")
    await expect(rows.nth(1)).to_contain_text("Acme Networks")
    await expect(rows.nth(1)).to_contain_text("Role vacant or at risk")
    await expect(page.locator("main")).not_to_contain_text("Globex")
    # sorting by name is a labelled select
    await page.get_by_label("Sort by").select_option("name")
    await page.get_by_role("button", name="Sort").click()
    await expect(rows.nth(0)).to_contain_text("Acme Networks")
    # the PAM opens an assigned partner, not another one
    await rows.nth(0).get_by_role("link", name="Acme Networks").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Acme Networks")
    assert await status_of(page, f"{seeded.ui}/partners/P200") == 404
    await context.close()


async def test_cl10_individual_without_admin_role_sees_no_point_totals(seeded, ui, browser: Browser) -> None:
    context, page = await ui.new_page(browser)
    await ui.sign_in_as(page, seeded, "ivy.ind")
    heading = page.get_by_role("heading", level=1)
    await expect(heading).to_contain_text("Not allowed")
    await expect(page.locator("main")).to_contain_text("you do not see point totals")
    for url in (f"{seeded.ui}/partners/P100", f"{seeded.ui}/partners/P100/specializations/ADV-COLLAB-ARCH",
                f"{seeded.ui}/pam", f"{seeded.ui}/partners/P100/cl-view.csv"):
        assert await status_of(page, url) == 403
        await expect(page.locator("main")).not_to_contain_text("ADV-COLLAB-ARCH")
        await expect(page.locator("main")).not_to_contain_text("93")
    await context.close()


async def test_cl10_program_staff_pick_any_partner(seeded, ui, browser: Browser) -> None:
    context, page = await ui.new_page(browser)
    await ui.sign_in_as(page, seeded, "ana.staff")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Find a partner")
    await page.get_by_label("Partner", exact=True).select_option("P200")
    await page.get_by_role("button", name="Open").click()
    await expect(page).to_have_url(f"{seeded.ui}/partners/P200")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Globex Integration")
    await expect(page.locator("main").get_by_role("heading", name="ADV-DC-ARCH")).to_be_visible()
    # search narrows the list
    await page.goto(f"{seeded.ui}/")
    await page.get_by_label("Search by name or BE GEO ID").fill("initech")
    await page.get_by_role("button", name="Search").click()
    await expect(page.locator(".partner-list li")).to_have_count(1)
    await expect(page.locator(".partner-list")).to_contain_text("Initech Systems")
    # every partner on the overview
    await page.get_by_role("link", name="All partners").first.click()
    await expect(page.locator("table.overview tbody tr")).to_have_count(3)
    await context.close()


async def test_cl8_detail_previous_employee_activities_and_csv(seeded, ui, browser: Browser, shots, tmp_path) -> None:
    context, page = await ui.new_page(browser)
    await ui.sign_in_as(page, seeded, "ada.admin")
    await page.locator("main").get_by_role("link", name="ADV-COLLAB-ARCH", exact=True).click()
    await expect(page).to_have_url(f"{seeded.ui}/partners/P100/specializations/ADV-COLLAB-ARCH")
    current = page.locator("section", has=page.get_by_role("heading", name="Current members")).locator("tbody tr")
    await expect(current).to_have_count(4)  # sam 33, fay 20, ivy 10, ada 0
    await expect(current.nth(0)).to_contain_text("Sam Engineer")
    await expect(current.nth(0).locator("td.num")).to_have_text("33")
    await expect(current.nth(3)).to_contain_text("Ada Admin")
    await expect(current.nth(3)).to_contain_text("none this period")
    previous = page.locator("section", has=page.get_by_role("heading", name="Previous Employee"))
    await expect(previous.locator("tbody tr")).to_have_count(1)
    await expect(previous).to_contain_text("Leo Leaver")
    await expect(previous.locator("td.num")).to_have_text("30")
    # the activities that earned the points
    await current.nth(0).get_by_text("3 activities").click()
    await expect(current.nth(0)).to_contain_text("Collaboration deep dive")
    await expect(current.nth(0)).to_contain_text("2026-02-10 · 20 pts")
    await expect(current.nth(0)).to_contain_text("Webex product update")
    await shots.take(page, "cl-view-detail.png")
    # the CSV button downloads what the API exports
    async with page.expect_download() as info:
        await page.get_by_role("link", name="Download CSV").click()
    download = await info.value
    assert download.suggested_filename == "cl-view-P100-2026-09-01.csv"
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    raw = saved.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark: Excel reads accents as written
    text = raw.decode("utf-8-sig")
    # the spreadsheet's first line names the columns in words; the lines below are the API's
    titles, _, body = text.partition("\r\n")
    assert titles.startswith("Partner ID,Specialization,Status,") and titles.endswith(",CCO ID,Name,Points")
    keyed = (await seeded.api_csv("P100", "ADV-COLLAB-ARCH")).removeprefix("\ufeff")
    assert body == keyed.partition("\r\n")[2]
    rows = list(csv.DictReader(io.StringIO(keyed)))
    people = {(r["group"], r["cco_id"]): int(r["points"]) for r in rows}
    assert people == {
        ("current", "sam.se"): 33, ("current", "fay.fe"): 20, ("current", "ivy.ind"): 10,
        ("current", "ada.admin"): 0, ("Previous Employee", "leo.left"): 30,
    }
    assert {(r["specialization"], r["points_earned"], r["mandatory_outstanding"]) for r in rows} == {
        ("ADV-COLLAB-ARCH", "93", "collab-security-2026")
    }
    # on a phone the same page stays readable: no horizontal scrolling
    phone_context, phone = await ui.new_page(browser, phone=True)
    await phone_context.add_cookies(await context.cookies())
    await phone.goto(f"{seeded.ui}/partners/P100/specializations/ADV-COLLAB-ARCH")
    await expect(phone.get_by_role("heading", name="Previous Employee")).to_be_visible()
    assert await phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    await shots.take(phone, "cl-view-detail-phone.png")
    await phone.goto(f"{seeded.ui}/partners/P100")
    assert await phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    await shots.take(phone, "cl-view-summary-phone.png")
    await phone_context.close()
    await context.close()


async def test_sp10_grace_with_days_left_after_moving_the_clock(seeded, ui, browser: Browser) -> None:
    await seeded.today("2027-01-01")
    await seeded.applied(
        ui.period("P100", "ADV-COLLAB-ARCH", "advanced_architecture", "2026-01-01", "2026-12-31", 100, status="grace", icon="behind"),
        GraceStarted(be_geo_id="P100", specialization="ADV-COLLAB-ARCH", started_on=date(2027, 1, 1),
                     grace_ends_on=date(2027, 1, 10)),
        producer="specialization",
    )
    context, page = await ui.new_page(browser)
    await ui.sign_in_as(page, seeded, "ada.admin")
    collab = page.locator("article", has=page.get_by_role("heading", name="ADV-COLLAB-ARCH"))
    await expect(collab).to_contain_text("Grace period: 10 days left")
    await expect(collab).to_contain_text("ends 2027-01-10")
    await expect(collab).to_contain_text("Behind")  # as announced: 93 of 100 with the period over
    await seeded.today("2027-01-04")
    await page.reload()
    await expect(collab).to_contain_text("Grace period: 7 days left")
    await seeded.today("2027-01-10")
    await page.reload()
    await expect(collab).to_contain_text("Grace period: 1 day left")
    await context.close()
    # the PAM sees the partner in grace first
    context, page = await ui.new_page(browser)
    await ui.sign_in_as(page, seeded, "pat.pam")
    first = page.locator("table.overview tbody tr").nth(0)
    await expect(first).to_contain_text("Acme Networks")
    await expect(first).to_contain_text("In grace")
    await expect(first).to_contain_text("1 day left")
    await context.close()


async def test_keyboard_reaches_the_controls_and_forms_are_labelled(seeded, ui, browser: Browser) -> None:
    context, page = await ui.new_page(browser)
    await page.goto(f"{seeded.ui}/sign-in")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    # tab to the partner admin's button and sign in with Enter
    for _ in range(30):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement.value") == "ada.admin":
            break
    else:
        raise AssertionError("Tab never reached the partner admin's sign-in button")
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(f"{seeded.ui}/partners/P100")
    # on the summary, Tab reaches the export, the specialization links and sign-out
    reached: set[str] = set()
    for _ in range(40):
        await page.keyboard.press("Tab")
        reached.add(await page.evaluate("document.activeElement.textContent.trim()"))
    assert {"Export all (CSV)", "ADV-COLLAB-ARCH", "EXPRESS-FOUNDATION", "Sign out"} <= reached
    # open a specialization with the keyboard
    await page.locator("main").get_by_role("link", name="ADV-COLLAB-ARCH", exact=True).focus()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("ADV-COLLAB-ARCH")
    # every form control on every page has a label
    for url in (f"{seeded.ui}/sign-in", f"{seeded.ui}/pam", f"{seeded.ui}/partners/P100"):
        await page.goto(url)
        unlabelled = await page.evaluate(
            """[...document.querySelectorAll('input:not([type=hidden]), select, textarea, progress')]
                 .filter(e => e.labels.length === 0 && !e.getAttribute('aria-label')).map(e => e.outerHTML)"""
        )
        assert unlabelled == [], unlabelled
    # a sort select operated from the keyboard
    await page.goto(f"{seeded.ui}/pam")
    await page.get_by_label("Sort by").focus()
    await page.keyboard.press("ArrowDown")
    await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(r"sort=name"))
    # sign out from the keyboard
    await page.get_by_role("button", name="Sign out").focus()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("status")).to_have_text("You are signed out.")
    assert await status_of(page, f"{seeded.ui}/partners/P100") == 200  # (the sign-in page after a redirect)
    await expect(page).to_have_url(re.compile(r"/sign-in"))
    await context.close()
