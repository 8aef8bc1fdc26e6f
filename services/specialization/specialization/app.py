"""The specialization service's composition: API, subscriptions, jobs."""

from __future__ import annotations

from pathlib import Path

from partnerhub.bus import contracts as c
from partnerhub.service import ServiceDefinition
from specialization.api.catalog import router as catalog_router
from specialization.api.examples import REQUEST_EXAMPLES
from specialization.api.partners import router as partners_router
from specialization.consumers import SUBSCRIPTIONS
from specialization.demo import seed
from specialization.jobs import JOBS
from specialization.settings import SpecializationSettings
from specialization.tables import metadata
from specialization.ui.routes import router as ui_router

SERVICE = ServiceDefinition(
    request_examples=REQUEST_EXAMPLES,
    name="specialization",
    title="Specialization",
    port=8004,
    settings_cls=SpecializationSettings,
    metadata=metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    routers=(catalog_router, partners_router, ui_router),
    subscriptions=SUBSCRIPTIONS,
    produces=(
        c.StatusChanged,
        c.RenewalWindowOpened,
        c.Renewed,
        c.GraceStarted,
        c.Lost,
        c.Reactivated,
        c.RoleVacated,
        c.RoleAtRisk,
    ),
    jobs=JOBS,
    seed=seed,
    description="Specializations and levels, job roles, applications, partner status, anniversaries, grace and losses.",
)
