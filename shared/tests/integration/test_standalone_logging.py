"""Standalone logs one line per request: the service's own "request" line, not a second one from the HTTP
client the demo story drives the in-process app with (httpx logs every call at INFO), nor one from the
root app around the mounted service."""

from __future__ import annotations

import io
import logging
from datetime import date

import httpx

from partnerhub.logging import configure_logging
from partnerhub.standalone import Standalone
from probe.steered import SteeredJob


async def test_one_request_is_one_log_line(tmp_path) -> None:
    system = Standalone(tmp_path, definitions=[SteeredJob().definition("probe_a")], start_date=date(2027, 1, 1))
    staff = {"Authorization": f"Bearer {system.staff_token()}"}
    await system.start()
    configure_logging(system.settings.log_format, "INFO")
    root = logging.getLogger()
    out = io.StringIO()
    capture = logging.StreamHandler(out)
    capture.setFormatter(root.handlers[0].formatter)  # the platform's renderer: one record, one line
    root.addHandler(capture)
    try:
        # as the demo story calls the app (deploy/demo/story.py): httpx on the in-process ASGI app
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=system.app), base_url="http://demo") as client:
            for path in ("/probe_a/v1/admin/today", "/v1/admin/today"):  # a mounted service's route, the root's own
                out.seek(0)
                out.truncate()
                r = await client.get(path, headers=staff)
                assert r.status_code == 200, r.text
                lines = [line for line in out.getvalue().splitlines() if path in line]
                assert len(lines) == 1, lines
                assert "request" in lines[0] and ("status=200" in lines[0] or '"status": 200' in lines[0]), lines
    finally:
        root.removeHandler(capture)
        await system.stop()
