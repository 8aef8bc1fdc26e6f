"""The learning service's composition: API, subscriptions, jobs."""

from __future__ import annotations

from pathlib import Path

from partnerhub.service import ServiceDefinition

from learning.settings import LearningSettings
from learning.tables import metadata

SERVICE = ServiceDefinition(
    name="learning",
    title="Learning",
    port=8003,
    settings_cls=LearningSettings,
    metadata=metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    routers=(),
    subscriptions={},
    produces=(),
    description="The Continuous Learning library, completions, proofs of attendance, point ledgers, partner credits, the CL View.",
)
