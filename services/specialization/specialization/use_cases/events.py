"""Turning the state machine's decisions into the published events (SP-7 to SP-14)."""

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
    icon: str | None,
    status: str | None = None,
    name: str | None = None,
) -> None:
    """``icon``: SP-13 as ``use_cases.icons`` judged it for ``state`` today (None only when it cannot be known);
    ``name``: the specialization's catalog name (other services show it, never keep their own)."""
    uow.emit(
        c.StatusChanged(
            be_geo_id=be_geo_id,
            specialization=code,
            status=status or state.status,  # type: ignore[arg-type]
            level=level,
            anniversary=state.anniversary,
            period_start=state.period_start,
            period_end=state.period_end,
            points_required=points_required,
            compliant=compliant,
            icon=icon,  # type: ignore[arg-type]
            name=name,
        )
    )


def transition(uow: UnitOfWork, be_geo_id: str, code: str, t: lc.Transition) -> None:
    if isinstance(t, lc.WindowOpened):
        uow.emit(c.RenewalWindowOpened(be_geo_id=be_geo_id, specialization=code, opened_on=t.opened_on, anniversary=t.anniversary))
    elif isinstance(t, lc.Renewed):
        uow.emit(
            c.Renewed(
                be_geo_id=be_geo_id,
                specialization=code,
                renewed_on=t.renewed_on,
                period_start=t.period_start,
                period_end=t.period_end,
            )
        )
    elif isinstance(t, lc.GraceStarted):
        uow.emit(c.GraceStarted(be_geo_id=be_geo_id, specialization=code, started_on=t.started_on, grace_ends_on=t.grace_ends_on))
    elif isinstance(t, lc.Lost):
        uow.emit(c.Lost(be_geo_id=be_geo_id, specialization=code, lost_on=t.lost_on, blocked_until=t.blocked_until))
    elif isinstance(t, lc.Reactivated):
        uow.emit(
            c.Reactivated(be_geo_id=be_geo_id, specialization=code, reactivated_on=t.reactivated_on, anniversary=t.anniversary)
        )
