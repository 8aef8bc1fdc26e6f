"""SP-7, SP-13, CL-3, CL-9: periods, the status icon, mandatory cycles."""

from __future__ import annotations

from datetime import date

from learning.domain.periods import (
    Period,
    add_months,
    cycle_of,
    elapsed_fraction,
    mandatory_in,
    status_icon,
)

D = date.fromisoformat
YEAR = Period(D("2026-01-01"), D("2026-12-31"))


def test_sp7_cl9_period_includes_both_anniversaries() -> None:
    assert YEAR.contains(D("2026-01-01")) and YEAR.contains(D("2026-12-31"))
    assert not YEAR.contains(D("2025-12-31")) and not YEAR.contains(D("2027-01-01"))


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(D("2026-08-31"), 6) == D("2027-02-28")
    assert add_months(D("2026-01-15"), 6) == D("2026-07-15")


def test_sp13_icon_inactive_for_the_first_six_months() -> None:
    assert status_icon(YEAR, D("2026-06-30"), earned=0, required=100) == "inactive"
    assert status_icon(YEAR, D("2026-06-30"), earned=100, required=100) == "inactive"
    assert status_icon(None, D("2026-09-01"), earned=0, required=100) == "inactive"


def test_sp13_on_target_when_points_keep_pace_with_the_period() -> None:
    today = D("2026-07-02")  # half the period gone
    assert elapsed_fraction(YEAR, today) == 182 / 364
    assert status_icon(YEAR, today, earned=50, required=100) == "on_target"
    assert status_icon(YEAR, today, earned=49, required=100) == "behind"
    assert status_icon(YEAR, D("2026-12-31"), earned=100, required=100) == "on_target"
    assert status_icon(YEAR, D("2026-12-31"), earned=99, required=100) == "behind"


def test_cl3_mandatory_for_a_specialization_in_a_cycle() -> None:
    assert cycle_of(YEAR) == "2026"
    rules = [{"specialization": "ENT", "cycle": "2026"}]
    assert mandatory_in(rules, "ENT", YEAR)
    assert not mandatory_in(rules, "SEC", YEAR)
    assert not mandatory_in(rules, "ENT", Period(D("2027-01-01"), D("2027-12-31")))
