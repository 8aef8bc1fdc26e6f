"""The identity service's composition: API, subscriptions, jobs."""

from __future__ import annotations

from pathlib import Path

from partnerhub.bus.contracts import IndividualRegistered
from partnerhub.service import ServiceDefinition

from identity.api.individuals import router as individuals_router
from identity.demo import seed
from identity.settings import IdentitySettings
from identity.tables import metadata

SERVICE = ServiceDefinition(
    name="identity",
    title="Identity",
    port=8001,
    settings_cls=IdentitySettings,
    metadata=metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    routers=(individuals_router,),
    subscriptions={},
    produces=(IndividualRegistered,),
    seed=seed,
    description="Partners, CCO IDs, memberships with history, merges, access grants, partner admins and PAMs.",
)
