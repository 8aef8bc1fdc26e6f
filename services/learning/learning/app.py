"""The learning service's composition: API, subscriptions, jobs."""

from __future__ import annotations

from pathlib import Path

from learning.api.activities import router as activities_router
from learning.api.completions import router as completions_router
from learning.api.examples import REQUEST_EXAMPLES
from learning.api.points import router as points_router
from learning.api.proofs import router as proofs_router
from learning.api.xapi import router as xapi_router
from learning.api.xapi_clients import router as xapi_clients_router
from learning.consumers import SUBSCRIPTIONS
from learning.settings import LearningSettings
from learning.tables import metadata
from learning.ui.routes import router as ui_router
from partnerhub.bus.contracts import ActivityPublished, PartnerCredited, PointsEarned
from partnerhub.service import ServiceDefinition

SERVICE = ServiceDefinition(
    request_examples=REQUEST_EXAMPLES,
    name="learning",
    title="Learning",
    port=8003,
    settings_cls=LearningSettings,
    metadata=metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    routers=(completions_router, points_router, activities_router, xapi_router, xapi_clients_router, proofs_router, ui_router),
    subscriptions=SUBSCRIPTIONS,
    # xAPI documents are any bytes (binary State included); their routes keep LEARNING_JSON_MAX_BYTES themselves
    raw_bodies=("/v1/xapi/activities/state", "/v1/xapi/activities/profile", "/v1/xapi/agents/profile"),
    produces=(ActivityPublished, PointsEarned, PartnerCredited),
    description="The Continuous Learning library, completions, proofs of attendance, point ledgers, partner credits, the CL View.",
)
