"""SP-7, CL-3, CL-9: periods and mandatory cycles. The status icon (SP-13) is specialization's, not judged here."""

from __future__ import annotations

from datetime import date

import learning.domain.periods as periods
from learning.domain.periods import Period, cycle_of, elapsed_fraction, mandatory_in

D = date.fromisoformat
YEAR = Period(D("2026-01-01"), D("2026-12-31"))


def test_sp7_cl9_period_includes_both_anniversaries() -> None:
    assert YEAR.contains(D("2026-01-01")) and YEAR.contains(D("2026-12-31"))
    assert not YEAR.contains(D("2025-12-31")) and not YEAR.contains(D("2027-01-01"))


def test_elapsed_fraction_of_the_period() -> None:
    assert elapsed_fraction(YEAR, D("2026-07-02")) == 182 / 364
    assert elapsed_fraction(YEAR, D("2025-12-01")) == 0.0 and elapsed_fraction(YEAR, D("2027-03-01")) == 1.0


def test_sp13_learning_has_no_icon_rule_of_its_own() -> None:
    """One fact, one owner: the icon comes from specialization.status.changed (with its settings)."""
    assert not hasattr(periods, "status_icon") and not hasattr(periods, "INACTIVE_MONTHS")


def test_cl3_mandatory_for_a_specialization_in_a_cycle() -> None:
    assert cycle_of(YEAR) == "2026"
    rules = [{"specialization": "ENT", "cycle": "2026"}]
    assert mandatory_in(rules, "ENT", YEAR)
    assert not mandatory_in(rules, "SEC", YEAR)
    assert not mandatory_in(rules, "ENT", Period(D("2027-01-01"), D("2027-12-31")))
