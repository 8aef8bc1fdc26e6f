"""Daily jobs: planned leaves come into force on their day (ID-3, NO-4)."""

from __future__ import annotations

from identity.use_cases.memberships import end_due_leaves
from partnerhub.clock import DailyJob

JOBS = (DailyJob("identity-planned-leaves", end_due_leaves),)
