"""The README's pictures, taken from what `make run` shows: a fresh standalone with its demo data, a headless
Chromium (Debian's), signed in as the demo people the banner names.

    .venv/bin/python docs/screenshots.py            # writes docs/*.png
    .venv/bin/python docs/screenshots.py --out DIR  # somewhere else (the test does this)

`make screenshots` runs the first form. Each picture is taken only after the page shows the demo's own words
(a partner's name), so a picture of an empty or wrong page is never written."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Page, async_playwright

from partnerhub.testing import free_port

DOCS = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ADMIN = "ada.admin"  # the demo's partner admin of Acme Networks (services/identity/identity/demo_data.json)
PARTNER = "100001"  # Acme Networks' BE GEO ID
PARTNER_NAME = "Acme Networks"
STAFF = "staff.ana"  # the demo's program staff
# the other pages' pictures (README, "The other pages"), as taken below
OTHER_PAGES = (
    "applications.png", "apply.png", "my-certifications.png", "members-certifications.png", "proof-form.png",
    "review.png", "exam-replacements.png", "failed-mail.png",
)
SIGNED = "sam.se"  # signs the Career Certifications Agreement in deploy/demo/story.json
DUPLICATE = "sam.engineer2"  # sam.se's planted duplicate CCO ID (identity's demo data): My identity lists it


@contextmanager
def demo_standalone(folder: Path) -> Iterator[str]:
    """`partnerhub standalone` with its demo data in `folder`, on a free port; yields its address once the
    seeds and the demo story are done (it writes standalone.json then)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARTNERHUB_", "IDENTITY_", "LEARNING_"))}
    log_path = folder / "standalone.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "partnerhub.cli", "standalone", "--port", str(port), "--data-dir", "data"],
            cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 180
            while not (folder / "data" / "standalone.json").exists():
                if server.poll() is not None:
                    raise SystemExit(f"the standalone stopped:\n{log_path.read_text()[-4000:]}")
                if time.monotonic() > deadline:
                    raise SystemExit("the demo standalone did not start in 180 s")
                time.sleep(0.5)
            yield json.loads((folder / "data" / "standalone.json").read_text())["url"]
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


async def shoot(page: Page, out: Path, name: str, *, must_show: str) -> Path:
    await page.get_by_text(must_show, exact=False).first.wait_for(timeout=15_000)
    path = out / name
    await page.screenshot(path=str(path), full_page=True)
    print(f"  {path}")
    return path


async def certificate_number(url: str) -> str:
    """The number of the certificate of the demo's SIGNED person (the demo story signs his agreement)."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        r = await client.post("/identity/v1/dev/tokens", json={"sub": "shots.staff", "roles": ["program_staff"]})
        r.raise_for_status()
        staff = {"Authorization": f"Bearer {r.json()['access_token']}"}
        r = await client.get(f"/certification/v1/individuals/{SIGNED}/certifications", headers=staff)
        r.raise_for_status()
        return next(c["certificate"]["number"] for c in r.json()["certifications"] if c.get("certificate"))


async def take(url: str, out: Path) -> list[Path]:
    ui = f"{url}/learning/ui"
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await context.new_page()
            await page.goto(f"{ui}/sign-in")
            await page.locator(f'button[name="cco_id"][value="{ADMIN}"]').click()
            await page.wait_for_load_state()
            shots = [await shoot(page, out, "cl-view-summary.png", must_show=PARTNER_NAME)]
            await page.locator("main a[href*='/specializations/']").first.click()
            await page.wait_for_load_state()
            shots.append(await shoot(page, out, "cl-view-detail.png", must_show=PARTNER_NAME))
            await page.goto(f"{url}/certification/verify?number={await certificate_number(url)}")
            shots.append(await shoot(page, out, "verify-certificate.png", must_show="This certificate is Valid"))
            shots += await take_other_pages(browser, url, out)
            shots.append(await my_identity(browser, url, out))
            return shots
        finally:
            await browser.close()


async def kit_sign_in(page: Page, ui: str, cco_id: str, *, admin_of: str = "", staff: bool = False) -> None:
    """The page kit's dev sign-in form (services whose records know no admins: a CCO ID and the roles)."""
    await page.goto(f"{ui}/sign-in")
    await page.get_by_label("CCO ID").fill(cco_id)
    await page.get_by_label("Admin of partners").fill(admin_of)
    if staff:
        await page.get_by_label("Program staff").check()
    await page.get_by_role("button", name="Sign in").first.click()
    await page.wait_for_load_state()


async def something_to_review(url: str) -> None:
    """What staff review in the picture, made through the public API as people would: SIGNED submits a Cisco Live
    proof (a one-page PDF) and staff write a library draft."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:

        async def token(sub: str, roles: list[str]) -> dict[str, str]:
            r = await client.post("/identity/v1/dev/tokens", json={"sub": sub, "roles": roles})
            r.raise_for_status()
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        staff = await token("shots.staff", ["program_staff"])
        r = await client.get("/v1/admin/today", headers=staff)
        r.raise_for_status()
        today = r.json()["today"]
        draft = {"title": "Collaboration security lab", "kind": "lab", "duration_minutes": 240, "specializations": ["ADV-COLLAB-ARCH"]}
        (await client.put("/learning/v1/activities/collab-security-lab", json=draft, headers=staff)).raise_for_status()
        pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
        fields = {"cco_id": SIGNED, "event": "Cisco Live Amsterdam", "specialization": "ADV-COLLAB-ARCH", "attended_on": today}
        r = await client.post(
            "/learning/v1/proofs", data=fields, files={"file": ("attendance.pdf", pdf, "application/pdf")},
            headers=await token(SIGNED, ["individual"]),
        )
        r.raise_for_status()


async def take_other_pages(browser: Any, url: str, out: Path) -> list[Path]:
    """The applications, My certifications, proof form, staff review, exam replacements and failed mail pages."""
    shots: list[Path] = []
    await something_to_review(url)

    async def fresh() -> Page:
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        return await context.new_page()

    page = await fresh()  # the partner admin: applications, then the members' certifications
    await kit_sign_in(page, f"{url}/specialization/ui", ADMIN, admin_of=PARTNER)
    shots.append(await shoot(page, out, "applications.png", must_show="Job roles"))
    await page.locator("main a[href$='/apply']").first.click()
    await page.wait_for_load_state()
    shots.append(await shoot(page, out, "apply.png", must_show="Who fills"))
    await kit_sign_in(page, f"{url}/certification/ui", ADMIN, admin_of=PARTNER)
    await page.goto(f"{url}/certification/ui/partners/{PARTNER}")
    shots.append(await shoot(page, out, "members-certifications.png", must_show=SIGNED))
    await page.context.close()

    page = await fresh()  # the individual: My certifications, the proof form
    await kit_sign_in(page, f"{url}/certification/ui", SIGNED)
    shots.append(await shoot(page, out, "my-certifications.png", must_show="Exam history"))
    await page.goto(f"{url}/learning/ui/sign-in")
    await page.locator(f'button[name="cco_id"][value="{SIGNED}"]').click()
    await page.wait_for_load_state()
    await page.goto(f"{url}/learning/ui/proofs")
    shots.append(await shoot(page, out, "proof-form.png", must_show="Waiting for review"))
    await page.context.close()

    page = await fresh()  # program staff: review, exam replacements, failed mail
    await page.goto(f"{url}/learning/ui/sign-in")
    await page.locator(f'button[name="cco_id"][value="{STAFF}"]').click()
    await page.wait_for_load_state()
    await page.goto(f"{url}/learning/ui/review")
    shots.append(await shoot(page, out, "review.png", must_show="Accept the proof of"))
    await kit_sign_in(page, f"{url}/certification/ui", STAFF, staff=True)
    await page.goto(f"{url}/certification/ui/staff/exams")
    shots.append(await shoot(page, out, "exam-replacements.png", must_show="Announce a replacement"))
    await kit_sign_in(page, f"{url}/notify/ui", STAFF, staff=True)
    shots.append(await shoot(page, out, "failed-mail.png", must_show="Failed mail"))
    await page.context.close()
    return shots


async def my_identity(browser: Any, url: str, out: Path) -> Path:
    """identity's My identity page of the demo's SIGNED person, with his planted duplicate CCO ID."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.goto(f"{url}/identity/ui/sign-in")
    await page.locator(f'button[name="cco_id"][value="{SIGNED}"]').click()
    await page.wait_for_load_state()
    return await shoot(page, out, "my-identity.png", must_show=DUPLICATE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DOCS, help="where the pictures go (default: docs/)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="partnerhub-shots-") as tmp:
        print("starting a fresh standalone with its demo data ...")
        with demo_standalone(Path(tmp)) as url:
            print(f"taking pictures from {url}:")
            asyncio.run(take(url, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
