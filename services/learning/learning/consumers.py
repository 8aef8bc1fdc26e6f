"""Every event learning consumes, and its handler: SUBSCRIPTIONS is the one map.

Identity's people (names, staff flag), memberships and merges are the platform's identity mirror
(partnerhub.mirrors.identity); learning's own part of a change is in ``people_changes`` (its two hooks).
"""

from __future__ import annotations

from learning.tables import IDENTITY
from learning.use_cases import directory, exams, people_changes, periods
from partnerhub.bus.contracts import (
    AdminAssigned,
    AdminRemoved,
    ExamPassed,
    GraceStarted,
    Lost,
    PartnerRegistered,
    Reactivated,
    RenewalWindowOpened,
    RoleAtRisk,
    RoleVacated,
    StatusChanged,
)
from partnerhub.db.uow import UnitOfWork
from partnerhub.mirrors.identity import IdentityMirror

MIRROR = IdentityMirror(
    IDENTITY, keep=("name", "program_staff"), after_change=people_changes.after_change, rekey=people_changes.rekey,
    after_changes=people_changes.after_changes,
)


async def on_partner_registered(uow: UnitOfWork, event: PartnerRegistered) -> None:
    await directory.partner_registered(uow, event.be_geo_id, event.name)


async def on_admin_assigned(uow: UnitOfWork, event: AdminAssigned) -> None:
    await directory.admin_role(uow, event.cco_id, event.be_geo_id, event.role, True, uow.occurred_at)


async def on_admin_removed(uow: UnitOfWork, event: AdminRemoved) -> None:
    await directory.admin_role(uow, event.cco_id, event.be_geo_id, event.role, False, uow.occurred_at)


async def on_window_opened(uow: UnitOfWork, event: RenewalWindowOpened) -> None:
    await directory.window_opened(uow, event.be_geo_id, event.specialization, event.opened_on)


async def on_grace_started(uow: UnitOfWork, event: GraceStarted) -> None:
    await directory.grace_started(uow, event.be_geo_id, event.specialization, event.started_on, event.grace_ends_on)


async def on_lost(uow: UnitOfWork, event: Lost) -> None:
    await directory.lost(uow, event.be_geo_id, event.specialization, event.lost_on, event.blocked_until)


async def on_reactivated(uow: UnitOfWork, event: Reactivated) -> None:
    await directory.reactivated(uow, event.be_geo_id, event.specialization, event.reactivated_on)


async def on_role_vacated(uow: UnitOfWork, event: RoleVacated) -> None:
    await directory.role_vacated(
        uow, event.be_geo_id, event.specialization, event.role, event.cco_id, event.vacated_on, event.reason, uow.occurred_at
    )


async def on_role_at_risk(uow: UnitOfWork, event: RoleAtRisk) -> None:
    await directory.role_at_risk(
        uow, event.be_geo_id, event.specialization, event.role, event.cco_id, event.certification, event.vacant_on,
        uow.occurred_at,
    )


async def on_exam_passed(uow: UnitOfWork, event: ExamPassed) -> None:
    await exams.exam_passed(uow, event)


async def on_status_changed(uow: UnitOfWork, event: StatusChanged) -> None:
    occurred_at = uow.occurred_at
    await periods.status_changed(uow, event, occurred_at)
    await directory.compliance(uow, event.be_geo_id, event.specialization, event.compliant, occurred_at)


SUBSCRIPTIONS = {
    **MIRROR.subscriptions(),
    ExamPassed: on_exam_passed,
    StatusChanged: on_status_changed,
    PartnerRegistered: on_partner_registered,
    AdminAssigned: on_admin_assigned,
    AdminRemoved: on_admin_removed,
    RenewalWindowOpened: on_window_opened,
    GraceStarted: on_grace_started,
    Lost: on_lost,
    Reactivated: on_reactivated,
    RoleVacated: on_role_vacated,
    RoleAtRisk: on_role_at_risk,
}
