"""The one month arithmetic of every service: month ends clamp (CE-4 terms, SP-7 anniversaries, CE-6 reminders)."""

from datetime import date

from partnerhub.dates import add_months, add_years


def test_month_ends_clamp_and_negative_months_go_back() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 5), -6) == date(2025, 7, 5)
    assert add_years(date(2028, 2, 29), 1) == date(2029, 2, 28)
    assert add_months(date(2026, 1, 5), 24) == date(2028, 1, 5)
