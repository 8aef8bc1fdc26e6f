"""The certification service's composition: API, subscriptions, jobs."""

from __future__ import annotations

from pathlib import Path

from partnerhub.service import ServiceDefinition

from certification.settings import CertificationSettings
from certification.tables import metadata

SERVICE = ServiceDefinition(
    name="certification",
    title="Certification",
    port=8002,
    settings_cls=CertificationSettings,
    metadata=metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    routers=(),
    subscriptions={},
    produces=(),
    description="Exam and certification catalogs, exam results, agreements, badges with validity, certificates, reminders.",
)
