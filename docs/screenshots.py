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
PARTNER_NAME = "Acme Networks"
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
            shots.append(await my_identity(browser, url, out))
            return shots
        finally:
            await browser.close()


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
