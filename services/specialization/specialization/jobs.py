"""Daily jobs: the yearly cycle (windows, anniversaries, grace, losses), vacancies that come due, at-risk warnings."""

from __future__ import annotations

from partnerhub.clock import DailyJob
from specialization.use_cases.cycle import run_day

JOBS = (DailyJob("specialization-cycle", run_day),)
