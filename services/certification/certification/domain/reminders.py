"""Expiry reminders six and three months ahead (CE-6, NO-1), none for Representative CQS (CE-9)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Literal

from partnerhub.dates import add_months

Months = Literal[6, 3]  # the contract's ``months_before``
THRESHOLDS: tuple[Months, ...] = (6, 3)


def reminder_date(expires_on: date, months_before: int) -> date:
    return add_months(expires_on, -months_before)


def next_reminder(
    kind: str, status: str, expires_on: date, already_sent: Collection[int] = ()
) -> tuple[date, Months] | None:
    """The next reminder to send for this validity period (date, months before), or None."""
    if kind == "cqs_representative" or status != "active":
        return None
    floor = min(already_sent, default=None)
    for months in THRESHOLDS:  # only thresholds after the last one sent: never back to 6 after 3
        if floor is None or months < floor:
            return reminder_date(expires_on, months), months
    return None


def due_threshold(expires_on: date, day: date) -> Months | None:
    """On ``day``, the reminder that is due: the 3-month one once its date is reached (the
    6-month one is then no longer useful), else the 6-month one from its date on."""
    if day >= expires_on:
        return None
    if day >= reminder_date(expires_on, 3):
        return 3
    if day >= reminder_date(expires_on, 6):
        return 6
    return None
