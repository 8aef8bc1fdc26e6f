"""Calendar arithmetic for business dates (month ends clamp: 2028-02-29 + 1 year = 2029-02-28)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

FOREVER = date.max
ONE_DAY = timedelta(days=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def nth_anniversary(approved_on: date, after: date) -> date:
    """The first anniversary of ``approved_on`` strictly after ``after`` (computed from the origin: no drift)."""
    years = max(1, after.year - approved_on.year)
    candidate = add_years(approved_on, years)
    while candidate <= after:
        years += 1
        candidate = add_years(approved_on, years)
    return candidate
