"""The certification service's composition: API, subscriptions, jobs."""

from __future__ import annotations

from pathlib import Path

from certification.api.catalog import router as catalog_router
from certification.api.credentials import keys_router
from certification.api.credentials import router as credentials_router
from certification.api.examples import REQUEST_EXAMPLES
from certification.api.individuals import router as individuals_router
from certification.api.results import router as results_router
from certification.consumers import SUBSCRIPTIONS
from certification.demo import seed
from certification.jobs import JOBS
from certification.settings import CertificationSettings
from certification.tables import metadata
from certification.ui.routes import router as ui_router
from certification.verify_page.routes import router as verify_page_router
from partnerhub.bus.contracts import (
    BadgeAchieved,
    BadgeExpired,
    BadgeExtended,
    BadgeRenewed,
    ExamPassed,
    ExamReplaced,
    ReminderDue,
    RequirementsChanged,
)
from partnerhub.service import ServiceDefinition

SERVICE = ServiceDefinition(
    request_examples=REQUEST_EXAMPLES,
    name="certification",
    title="Certification",
    port=8002,
    settings_cls=CertificationSettings,
    metadata=metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    routers=(results_router, catalog_router, individuals_router, credentials_router, keys_router, verify_page_router, ui_router),
    subscriptions=SUBSCRIPTIONS,
    produces=(ExamPassed, ExamReplaced, RequirementsChanged, BadgeAchieved, BadgeRenewed, BadgeExtended, BadgeExpired, ReminderDue),
    jobs=JOBS,
    seed=seed,
    raw_bodies=("/v1/exam-results/imports",),  # a bulk upload, streamed to disk under import_max_bytes
    description="Exam and certification catalogs (requirements by version), exam results, agreements, badges with validity, certificates anyone can verify (PDF, Open Badges 3.0), reminders.",
)
