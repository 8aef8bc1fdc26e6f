"""The README's pictures come from the demo (issue: "the README screenshot shows data the demo never makes"):
docs/screenshots.py starts a fresh demo standalone and photographs the CL View as the demo's partner admin. It
waits for the demo partner's name before each picture, so a run against the wrong data fails here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_screenshots_are_taken_from_the_demo(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(REPO / "docs" / "screenshots.py"), "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=400,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    others = (
        "applications.png", "apply.png", "my-certifications.png", "members-certifications.png", "proof-form.png",
        "review.png", "exam-replacements.png", "failed-mail.png",
    )
    for name in ("cl-view-summary.png", "cl-view-detail.png", "verify-certificate.png", "my-identity.png", *others):
        picture = tmp_path / name
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        assert picture.stat().st_size > 20_000, name  # a real page, not a blank one
        assert (REPO / "docs" / name).exists(), f"the README shows docs/{name}"
