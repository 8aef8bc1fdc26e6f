"""Calendar arithmetic on business dates, for every service: months and years, clamped to the month's end
(31 Jan + 1 month = 28/29 Feb; 2028-02-29 + 1 year = 2029-02-28)."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (negative: earlier), the day clamped to the month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)
