"""Calendar arithmetic for business dates (month ends clamp: 2028-02-29 + 1 year = 2029-02-28)."""

from __future__ import annotations

from datetime import date, timedelta

from partnerhub.dates import add_years

FOREVER = date.max
ONE_DAY = timedelta(days=1)


def nth_anniversary(approved_on: date, after: date) -> date:
    """The first anniversary of ``approved_on`` strictly after ``after`` (computed from the origin: no drift)."""
    years = max(1, after.year - approved_on.year)
    candidate = add_years(approved_on, years)
    while candidate <= after:
        years += 1
        candidate = add_years(approved_on, years)
    return candidate
