"""The running service's settings, for code that only gets a unit of work (consumers, daily jobs)."""

from __future__ import annotations

from partnerhub.db.uow import Database
from specialization.settings import SpecializationSettings


def policy(db: Database) -> SpecializationSettings:
    """The runtime's settings; outside a runtime (tools, pure tests) they come from the environment."""
    if isinstance(db.settings, SpecializationSettings):
        return db.settings
    db.settings = SpecializationSettings()
    return db.settings
