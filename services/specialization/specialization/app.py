"""The specialization service's composition: API, subscriptions, jobs."""

from __future__ import annotations

from pathlib import Path

from partnerhub.service import ServiceDefinition

from specialization.settings import SpecializationSettings
from specialization.tables import metadata

SERVICE = ServiceDefinition(
    name="specialization",
    title="Specialization",
    port=8004,
    settings_cls=SpecializationSettings,
    metadata=metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    routers=(),
    subscriptions={},
    produces=(),
    description="Specializations and levels, job roles, applications, partner status, anniversaries, grace and losses.",
)
