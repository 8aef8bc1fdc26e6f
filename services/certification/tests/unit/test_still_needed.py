"""CE-3 in words: what a certification not held still needs (the page's "still needs" list)."""

from __future__ import annotations

from datetime import date

from certification.domain.badges import still_needed
from certification.domain.catalog import CertificationDef

CQS = CertificationDef(
    "CQS-IPT", "IP Telephony Specialist", "cqs_specialist", (("642-437", "642-999"), ("643-100",)), 24, prerequisites=("CCNA", "CCDA")
)


def test_ce3_the_alternative_closest_to_done_and_a_missing_prerequisite() -> None:
    exams, prerequisites = still_needed(CQS, {"642-437": date(2026, 1, 20)}, set())
    assert exams == ("642-999",) and prerequisites == ("CCNA", "CCDA")
    assert still_needed(CQS, {}, {"CCDA"}) == (("643-100",), ())  # one exam beats two; any prerequisite will do


def test_ce5_passes_before_an_expiry_no_longer_count() -> None:
    passed = {"643-100": date(2024, 5, 1)}
    assert still_needed(CQS, passed, {"CCNA"}) == ((), ())
    assert still_needed(CQS, passed, {"CCNA"}, counting_from=date(2026, 5, 1)) == (("643-100",), ())
