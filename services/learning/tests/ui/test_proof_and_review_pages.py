"""The Cisco Live proof form and the staff review page in a real browser (CL-5, CL-1): an individual uploads a
proof and sees its review state; program staff accept one, reject another with a reason, and publish a library
draft. Forbidden pages answer as the API does; the forms carry their CSRF token."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from partnerhub.testing import bearer

UNLABELLED = "Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea')).filter(e => !e.labels || !e.labels.length).map(e => e.name)"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


async def test_cl5_cl1_individual_uploads_a_proof_staff_accept_it_and_publish_a_library_item(
    seeded, browser: Browser, ui, shots
) -> None:
    site = seeded
    r = await site.api.put(
        "/v1/activities/collab-lab-2", headers=site.staff,
        json={"title": "Collaboration lab, part 2", "kind": "lab", "duration_minutes": 240, "specializations": ["ADV-COLLAB-ARCH"]},
    )
    assert r.status_code == 200, r.text

    # the individual: the form, then the review state
    context, page = await ui.new_page(browser)
    await ui.sign_in_as(page, site, "ivy.ind")
    await page.goto(f"{site.ui}/proofs")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Cisco Live proof of attendance")
    for event in ("Cisco Live 2026 Las Vegas", "Cisco Live 2026 Amsterdam"):
        await page.get_by_label("Event").fill(event)
        await page.get_by_label("Specialization the points go to").select_option("ADV-COLLAB-ARCH")
        await page.get_by_label("Attended on").fill("2026-06-10")
        await page.get_by_label("Proof file").set_input_files({"name": "badge.pdf", "mimeType": "application/pdf", "buffer": PDF})
        await page.get_by_role("button", name="Submit the proof").click()
        await expect(page.get_by_role("status")).to_contain_text(f"Your proof for {event} is submitted")
    rows = page.locator("#my-proofs tbody tr")
    await expect(rows).to_have_count(2)
    assert await page.evaluate(UNLABELLED) == []  # every control has its label
    await expect(rows.first).to_contain_text("Waiting for review")
    await shots.take(page, "proofs-submitted.png")
    # the review page is staff's: 403, as the API's list of proofs
    response = await page.goto(f"{site.ui}/review")
    listed = await site.api.get("/v1/proofs", params={"status": "submitted"}, headers=bearer(site.runtime.settings, "ivy.ind", "individual"))
    assert response is not None and response.status == listed.status_code == 403
    await context.close()

    # program staff: accept one, reject the other with a reason, publish the draft
    context, page = await ui.new_page(browser)
    await ui.sign_in_as(page, site, "ana.staff")
    await page.get_by_role("link", name="Review").click()
    vegas = page.get_by_role("article").filter(has_text="Las Vegas")
    amsterdam = page.get_by_role("article").filter(has_text="Amsterdam")
    await vegas.get_by_role("button", name="Accept the proof of ivy.ind").click()
    await expect(page.get_by_role("status")).to_contain_text("for Cisco Live 2026 Las Vegas is accepted")
    assert await page.evaluate(UNLABELLED) == []
    await amsterdam.get_by_label("Reason for rejecting").fill("The receipt does not name the attendee.")
    await shots.take(page, "review.png")
    await amsterdam.get_by_role("button", name="Reject the proof of ivy.ind").click()
    await expect(page.get_by_role("status")).to_contain_text("for Cisco Live 2026 Amsterdam is rejected")
    await expect(page.locator("main")).to_contain_text("No proofs are waiting")
    await page.get_by_role("button", name="Publish collab-lab-2").click()
    await expect(page.get_by_role("status")).to_contain_text("Collaboration lab, part 2 is published")
    published = await site.api.get("/v1/activities/collab-lab-2", headers=site.staff)
    assert published.json()["published"]["points"] == 8  # CL-2: 240 minutes
    # a form without its token is refused and changes nothing
    forged = await page.request.post(f"{site.ui}/review/activities/collab-lab-2/publish", form={"x": "1"})
    assert forged.status == 403
    await context.close()

    # the individual reads the decisions on a phone; the accepted proof earned its 20 points (CL-5)
    context, page = await ui.new_page(browser, phone=True)
    await ui.sign_in_as(page, site, "ivy.ind")
    await page.goto(f"{site.ui}/proofs")
    await expect(page.locator("#my-proofs")).to_contain_text("Accepted")
    await expect(page.locator("#my-proofs")).to_contain_text("Rejected The receipt does not name the attendee.")
    assert await page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    await shots.take(page, "proofs-phone.png")
    await context.close()
    csv = await site.api_csv("P100", "ADV-COLLAB-ARCH")
    ivy = next(line for line in csv.splitlines() if "ivy.ind" in line)
    assert ivy.split(",")[-1] == "30", ivy  # 10 from the lab + 20 for Cisco Live
