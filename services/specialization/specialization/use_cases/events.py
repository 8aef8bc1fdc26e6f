"""The status event a partner specialization announces (SP-7 to SP-14). The state machine's own decisions
(window opened, renewed, grace, lost, reactivated) are already the contract's events: ``uow.emit(t)``."""

from __future__ import annotations

from partnerhub.bus import contracts as c
from partnerhub.db.uow import UnitOfWork
from specialization.domain import lifecycle as lc


def status_changed(
    uow: UnitOfWork,
    be_geo_id: str,
    code: str,
    level: str,
    state: lc.SpecState,
    points_required: int,
    compliant: bool,
    *,
    icon: c.Icon | None,
    status: c.SpecializationStatus | None = None,
    name: str | None = None,
) -> None:
    """``icon``: SP-13 as ``use_cases.icons`` judged it for ``state`` today (None only when it cannot be known);
    ``name``: the specialization's catalog name (other services show it, never keep their own)."""
    uow.emit(
        c.StatusChanged(
            be_geo_id=be_geo_id,
            specialization=code,
            status=status or state.status,
            level=level,
            anniversary=state.anniversary,
            period_start=state.period_start,
            period_end=state.period_end,
            points_required=points_required,
            compliant=compliant,
            icon=icon,
            name=name,
        )
    )
