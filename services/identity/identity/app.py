"""The identity service's composition: API, subscriptions, jobs, extras."""

from __future__ import annotations

from pathlib import Path

from identity.api.duplicates import router as duplicates_router
from identity.api.examples import REQUEST_EXAMPLES
from identity.api.individuals import router as individuals_router
from identity.api.partners import router as partners_router
from identity.api.self_service import router as self_service_router
from identity.api.tokens import router as tokens_router
from identity.demo import demo_people, seed
from identity.jobs import JOBS
from identity.settings import IdentitySettings
from identity.tables import metadata
from identity.ui.routes import router as ui_router
from identity.use_cases.tokens import mint_for
from partnerhub.bus.contracts import (
    AdminAssigned,
    AdminRemoved,
    GrantChanged,
    IndividualMerged,
    IndividualRegistered,
    IndividualUpdated,
    LeaveCancelled,
    LeavePlanned,
    MembershipEnded,
    MembershipStarted,
    MergeRequested,
    PartnerRegistered,
)
from partnerhub.service import ServiceDefinition

SERVICE = ServiceDefinition(
    request_examples=REQUEST_EXAMPLES,
    name="identity",
    title="Identity",
    port=8001,
    settings_cls=IdentitySettings,
    metadata=metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    routers=(individuals_router, self_service_router, partners_router, duplicates_router, tokens_router, ui_router),
    subscriptions={},
    produces=(
        PartnerRegistered,
        IndividualRegistered,
        IndividualUpdated,
        MembershipStarted,
        MembershipEnded,
        LeavePlanned,
        LeaveCancelled,
        IndividualMerged,
        MergeRequested,
        GrantChanged,
        AdminAssigned,
        AdminRemoved,
    ),
    jobs=JOBS,
    seed=seed,
    description="Partners, CCO IDs, memberships with history, merges, access grants, partner admins and PAMs.",
    extras={"mint_token": mint_for, "demo_people": demo_people},
)
