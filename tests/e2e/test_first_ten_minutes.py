"""README "First ten minutes": every bash block of that section, exactly as written, run one after the other
against a fresh standalone with its demo data (what `make run` starts), on a port of the test's own.

Only the address (``http://127.0.0.1:8000``) is swapped for the test's port; the commands run in a folder of
their own where ``.venv`` is the repository's and ``data`` the standalone's data folder."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

from partnerhub.testing import free_port

REPO = Path(__file__).resolve().parents[2]
SECTION = re.compile(r"^## First ten minutes\n(.*?)^## ", re.S | re.M)
BLOCK = re.compile(r"^```bash\n(.*?)^```", re.S | re.M)


def readme_blocks() -> list[str]:
    section = SECTION.search((REPO / "README.md").read_text())
    assert section, "README.md has no 'First ten minutes' section"
    blocks = BLOCK.findall(section.group(1))
    assert len(blocks) >= 7, blocks
    return blocks


def test_readme_first_ten_minutes_run_as_written(tmp_path: Path) -> None:
    blocks = readme_blocks()
    work = tmp_path / "work"
    work.mkdir()
    (work / ".venv").symlink_to(REPO / ".venv")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARTNERHUB_", "IDENTITY_", "LEARNING_"))}
    log = (tmp_path / "standalone.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "partnerhub.cli", "standalone", "--port", str(port), "--data-dir", "data"],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 180
        while not (work / "data" / "standalone.json").exists():  # written once seeds and demo story are done
            assert server.poll() is None, (tmp_path / "standalone.log").read_text()[-4000:]
            assert time.monotonic() < deadline, "the demo standalone did not start in 180 s"
            time.sleep(0.5)
        script = "set -euo pipefail\n" + "\n".join(blocks).replace("http://127.0.0.1:8000", f"http://127.0.0.1:{port}")
        run = subprocess.run(["bash", "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, f"stdout:\n{run.stdout[-4000:]}\nstderr:\n{run.stderr[-4000:]}"
        out = run.stdout
        # the badge, the approval, the CL View with the two completions' points, the spreadsheet, the clock
        assert '"certification":"CCNA"' in out.replace(" ", ""), out[-3000:]
        assert '"status":"approved"' in out.replace(" ", ""), out[-3000:]
        rows = list(csv.DictReader(io.StringIO((work / "cl-view.csv").read_bytes().decode("utf-8-sig"))))
        assert {r["CCO ID"] for r in rows} == {"nia.initrode", "ole.initrode"}
        assert {r["Specialization"] for r in rows} == {"EXPRESS-FOUNDATION"}
        assert int(rows[0]["Points earned"]) > 0
        staff = subprocess.run(
            [str(REPO / ".venv/bin/partnerhub"), "token", "staff.ana", "--role", "program_staff"],
            env=env, capture_output=True, text=True, check=True,
        ).stdout.strip()
        today = httpx.get(f"http://127.0.0.1:{port}/v1/admin/today", headers={"Authorization": f"Bearer {staff}"}).json()
        started = re.search(r"business date: (\d{4}-\d{2}-\d{2})", out)
        assert started and today["today"] > started.group(1) and not today["running"], (today, out[-2000:])
        assert json.loads((work / "data" / "standalone.json").read_text())["url"].endswith(f":{port}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
