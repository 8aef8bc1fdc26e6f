"""The service's settings for code that only gets a unit of work (consumers, daily jobs, the use cases they share
with requests): whoever opens the unit of work hands them in (the runtime, or a route with its ``settings_of``)."""

from __future__ import annotations

from partnerhub.db.uow import UnitOfWork
from specialization.settings import SpecializationSettings


def policy(uow: UnitOfWork) -> SpecializationSettings:
    """The settings the unit of work was opened with; never rebuilt from the environment."""
    if not isinstance(uow.settings, SpecializationSettings):
        raise RuntimeError("this unit of work was opened without the specialization settings (db.uow(settings=...))")
    return uow.settings
