"""The OpenAPI tells the truth: schemathesis against every service of the standalone system.

One standalone system (every service mounted under ``/<service>``, with the demo seeds) serves on a
free local port; the schemathesis CLI runs every phase and every check (server errors, status codes,
content types, response schemas and headers, Allow, auth, negative and positive data ...) against
each service's ``/openapi.json`` and the standalone root's, once with a program-staff token and once
with none. Bounded and deterministic: ``--max-examples`` per operation, ``--generation-deterministic``.
Known failures are named in ``schemathesis_hooks.py`` and ``schemathesis.toml``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import uvicorn

from partnerhub.registry import discover
from partnerhub.settings import ServiceSettings
from partnerhub.standalone import Standalone
from partnerhub.testing import bearer, free_port

HERE = Path(__file__).parent
START = date(2026, 1, 5)  # the clocks' first day; the hooks bound clock moves from it
MAX_EXAMPLES = 8
TARGETS = ["root", *discover()]  # the standalone root app, then each mounted service
ST = Path(sys.executable).with_name("st")


@dataclass(frozen=True)
class Live:
    base_url: str
    settings: ServiceSettings


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The standalone system with its demo seeds (no storyline), served by uvicorn in a thread."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PARTNERHUB_DEMO_STORY", "none")
        system = Standalone(
            tmp_path_factory.mktemp("standalone"), demo=True, start_date=START, overrides={"log_level": "WARNING"}
        )
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(system.app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
        )
        thread = threading.Thread(target=server.run, name="schemathesis-target", daemon=True)
        thread.start()
        deadline = time.monotonic() + 60
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                pytest.fail("the standalone system did not start")
            time.sleep(0.05)
    try:
        yield Live(f"http://127.0.0.1:{port}", system.settings)
    finally:
        server.should_exit = True
        thread.join(30)


def _summary(output: str) -> str:
    tested = re.search(r"Tested: (\d+)", output)
    cases = re.search(r"Test cases:\s*\n\s*(.+)", output)
    return f"{tested.group(1) if tested else '?'} operations tested; {cases.group(1).strip() if cases else '?'}"


@pytest.mark.parametrize("auth", ["program_staff", "no_token"])
@pytest.mark.parametrize("target", TARGETS)
def test_the_openapi_tells_the_truth(live: Live, target: str, auth: str, tmp_path: Path) -> None:
    base = live.base_url if target == "root" else f"{live.base_url}/{target}"
    headers: list[str] = []
    if auth == "program_staff":
        (token,) = bearer(live.settings, "staff.schemathesis", "program_staff").values()
        headers = ["-H", f"Authorization: {token}"]
    command = [
        str(ST), "--config-file", str(HERE / "schemathesis.toml"), "--no-color",
        "run", f"{base}/openapi.json", "--url", base, *headers,
        "--checks", "all", "--max-examples", str(MAX_EXAMPLES), "--generation-deterministic",
        "--workers", "1", "--request-timeout", "20",
    ]  # fmt: skip
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
        "PARTNERHUB_ST_START": START.isoformat(),
        "PARTNERHUB_ST_DROPPED": str(tmp_path / "known-failures.txt"),
    }
    run = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    output = run.stdout + run.stderr
    dropped = tmp_path / "known-failures.txt"
    known = sorted(set(dropped.read_text().splitlines())) if dropped.exists() else []
    print(f"schemathesis {target} ({auth}): {_summary(output)}; known failures dropped: {len(known)}")
    for line in known:
        print(f"  {line}")
    assert run.returncode == 0, output
