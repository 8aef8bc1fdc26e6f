"""The CL View pages say things in partners' words, in Chromium: the footer's date only where there is
one; the 403 page's link leads somewhere useful; specializations by name (specialization's, from its
status.changed) with the code small; points past the target without a percentage above 100; a lost
specialization shows its state, grey, and nothing "to go"; enough points with a mandatory item missing is
not "target reached"; no rule IDs anywhere a partner reads."""

from __future__ import annotations

import re
from datetime import date

from playwright.async_api import Browser, Page, expect

from partnerhub.bus.contracts import Lost

RULE_ID = re.compile(r"\b(?:CL|SP|CE|ID|NO)-\d+\b")
COLLAB = "Collaboration Architecture"


async def no_rule_ids(page: Page) -> None:
    text = await page.locator("body").inner_text()
    assert not RULE_ID.search(text), (page.url, RULE_ID.findall(text))


async def footer(page: Page) -> str:
    return (await page.locator("footer").inner_text()).strip()


async def test_footer_date_back_link_and_no_rule_ids(seeded, ui, browser: Browser) -> None:
    context, page = await ui.new_page(browser)
    # sign-in: no date, so no "Figures as of" sentence at all
    await page.goto(f"{seeded.ui}/sign-in")
    assert "as of" not in await footer(page)
    assert await footer(page) == "Points count for the current Continuous Learning period only."
    await expect(page.locator("main")).to_contain_text("No admin role: they do not see point totals.")
    await no_rule_ids(page)
    # an individual without an admin role: the 403 page leads to the sign-in page, not to itself
    await ui.sign_in_as(page, seeded, "ivy.ind")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Not allowed")
    await no_rule_ids(page)
    assert "as of" not in await footer(page)
    back = page.locator("main").get_by_role("link", name="Sign in as someone else")
    await expect(back).to_have_attribute("href", "/learning/ui/sign-in")
    await back.click()
    await expect(page).to_have_url(f"{seeded.ui}/sign-in")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    await expect(page.locator("main")).not_to_contain_text("Continue")  # it would lead to the 403 again
    await context.close()

    # program staff: the start page has no date; the summary has one; the 404 page leads to the start page
    context, page = await ui.new_page(browser)
    await ui.sign_in_as(page, seeded, "ana.staff")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Find a partner")
    assert "as of" not in await footer(page)
    await no_rule_ids(page)
    await page.goto(f"{seeded.ui}/partners/P100")
    assert await footer(page) == "Points count for the current Continuous Learning period only. Figures as of 2026-09-01."
    await no_rule_ids(page)
    for url in (f"{seeded.ui}/partners/P100/specializations/ADV-COLLAB-ARCH", f"{seeded.ui}/pam"):
        await page.goto(url)
        await no_rule_ids(page)
    await page.goto(f"{seeded.ui}/no/such/page")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Not found")
    assert "as of" not in await footer(page)
    await page.locator("main").get_by_role("link", name="Back to the start page").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Find a partner")
    await context.close()


async def test_names_points_past_the_target_mandatory_still_needed_and_lost(seeded, ui, browser: Browser, shots) -> None:
    # specialization names its specializations in status.changed; P300 lost ADV-SEC-ARCH
    await seeded.applied(
        ui.period("P100", "ADV-COLLAB-ARCH", "advanced_architecture", "2026-01-01", "2026-12-31", 100, icon="on_target")
        .model_copy(update={"name": COLLAB}),
        ui.period("P300", "ADV-SEC-ARCH", "advanced_architecture", "2026-01-01", "2026-12-31", 100, status="lost",
                  icon="behind").model_copy(update={"name": "Security Architecture"}),
        Lost(be_geo_id="P300", specialization="ADV-SEC-ARCH", lost_on=date(2026, 8, 20), blocked_until=date(2028, 2, 19)),
        producer="specialization",
    )
    # 93 + 10 + 20 = 123 points on ADV-COLLAB-ARCH, its mandatory item still not done
    await seeded.complete("fay.fe", "collab-lab", "2026-08-01")
    await seeded.complete("ivy.ind", "collab-deep-dive", "2026-08-02")
    context, page = await ui.new_page(browser)
    await ui.sign_in_as(page, seeded, "pat.pam")
    # the overview: names with the code; the lost one grey with its date, no icon, no points line
    rows = page.locator("table.overview tbody tr")
    initech = rows.filter(has_text="Initech Systems")
    await expect(initech).to_contain_text("Security Architecture (ADV-SEC-ARCH)")
    lost = initech.locator(".icon-state")
    await expect(lost).to_have_text(re.compile(r"Lost on 2026-08-20"))
    await expect(lost).to_have_css("color", "rgb(87, 96, 106)")  # grey
    await expect(initech.locator("td", has_text="Security")).not_to_contain_text("Behind")
    await expect(rows.filter(has_text="Acme Networks")).to_contain_text(f"{COLLAB} (ADV-COLLAB-ARCH)")

    # the lost specialization's card: its state, grey, and nothing "to go"
    await page.goto(f"{seeded.ui}/partners/P300")
    card = page.locator("article", has=page.get_by_role("heading", name="ADV-SEC-ARCH"))
    await expect(card.get_by_role("heading", level=2)).to_have_text("Security Architecture (ADV-SEC-ARCH)")
    await expect(card.locator("header .icon")).to_have_text(re.compile(r"Lost on 2026-08-20"))
    await expect(card.locator("header .icon")).to_have_css("color", "rgb(87, 96, 106)")
    await expect(card).not_to_contain_text("Behind")
    await expect(card).not_to_contain_text("to go")
    await expect(card).to_contain_text("reactivating the specialization needs 100")
    await expect(card).to_contain_text("reactivation stays open, new application after 2028-02-19")
    await shots.take(page, "cl-view-lost.png")

    # enough points, the mandatory item outstanding: not "target reached", the item is named as still needed
    await page.goto(f"{seeded.ui}/partners/P100")
    collab = page.locator("article", has=page.get_by_role("heading", name="ADV-COLLAB-ARCH"))
    await expect(collab.get_by_role("heading", level=2)).to_have_text(f"{COLLAB} (ADV-COLLAB-ARCH)")
    progress = collab.locator(".progress")
    await expect(progress).to_contain_text("Points: 123 — enough for the 100 required")
    await expect(progress).to_contain_text("1 mandatory item still needed (Collaboration security essentials)")
    await expect(progress).not_to_contain_text("target reached")
    await expect(progress).not_to_contain_text("%")
    await expect(collab.get_by_role("link", name=f"Per-person points for {COLLAB}")).to_be_visible()
    await shots.take(page, "cl-view-mandatory-still-needed.png")
    # the detail page by name too
    await collab.get_by_role("link", name=f"{COLLAB} (ADV-COLLAB-ARCH)").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(f"{COLLAB} (ADV-COLLAB-ARCH)")
    await expect(page.locator("nav.crumbs")).to_have_text(f"Acme Networks › {COLLAB}")
    assert (await page.title()).startswith(f"{COLLAB} · Acme Networks")
    await expect(page.locator(".progress")).not_to_contain_text("target reached")

    # the mandatory item done: 127 points, the target reached, no percentage above 100
    await seeded.complete("sam.se", "collab-security-2026", "2026-08-03")
    await page.goto(f"{seeded.ui}/partners/P100")
    await expect(progress.locator("label")).to_have_text("Points: 127 — target of 100 reached")
    await expect(progress).not_to_contain_text("%")
    await expect(progress).not_to_contain_text("to go")
    await expect(progress.locator("progress")).to_have_attribute("value", "100")
    await expect(collab).to_contain_text("None outstanding")
    # the other one keeps its count down
    express = page.locator("article", has=page.get_by_role("heading", name="EXPRESS-FOUNDATION"))
    await expect(express.locator(".progress")).to_contain_text("Points: 3 of 40 required (8%)")
    await expect(express.locator(".progress")).to_contain_text("37 to go")
    await context.close()
