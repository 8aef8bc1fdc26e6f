"""The running service's settings, for code that only gets a unit of work (consumers, daily jobs).

``bind`` runs as a background hook at start and ties the runtime's Database to its settings; before that
(or outside a runtime) the settings come from the environment, as a deployed service's do anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from partnerhub.db.uow import Database

from specialization.settings import SpecializationSettings

if TYPE_CHECKING:
    from partnerhub.service import ServiceRuntime

_BOUND: WeakKeyDictionary[Database, SpecializationSettings] = WeakKeyDictionary()


def bind_settings(db: Database, settings: SpecializationSettings) -> None:
    _BOUND[db] = settings


async def bind(runtime: ServiceRuntime) -> None:
    """Background hook: returns at once after binding."""
    assert isinstance(runtime.settings, SpecializationSettings)
    bind_settings(runtime.db, runtime.settings)


def policy(db: Database) -> SpecializationSettings:
    found = _BOUND.get(db)
    if found is None:
        found = SpecializationSettings()
        _BOUND[db] = found
    return found
