"""Every event learning consumes, and its handler: SUBSCRIPTIONS is the one map."""

from __future__ import annotations

from learning.use_cases import directory, exams, people, periods
from partnerhub.bus.contracts import (
    AdminAssigned,
    AdminRemoved,
    ExamPassed,
    GraceStarted,
    IndividualMerged,
    IndividualRegistered,
    IndividualUpdated,
    Lost,
    MembershipEnded,
    MembershipStarted,
    PartnerRegistered,
    Reactivated,
    RenewalWindowOpened,
    RoleAtRisk,
    RoleVacated,
    StatusChanged,
)
from partnerhub.db.uow import UnitOfWork


async def on_individual_registered(uow: UnitOfWork, event: IndividualRegistered) -> None:
    await people.remember_name(uow, event.cco_id, event.name)
    await directory.staff_flag(uow, event.cco_id, event.program_staff)


async def on_individual_updated(uow: UnitOfWork, event: IndividualUpdated) -> None:
    await people.remember_name(uow, event.cco_id, event.name)
    await directory.staff_flag(uow, event.cco_id, event.program_staff)


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


async def on_membership_started(uow: UnitOfWork, event: MembershipStarted) -> None:
    await people.membership_started(uow, event.cco_id, event.be_geo_id, event.started_on)


async def on_membership_ended(uow: UnitOfWork, event: MembershipEnded) -> None:
    await people.membership_ended(uow, event.cco_id, event.be_geo_id, event.started_on, event.ended_on)


async def on_individual_merged(uow: UnitOfWork, event: IndividualMerged) -> None:
    await people.merged(uow, event.survivor, event.retired)


async def on_exam_passed(uow: UnitOfWork, event: ExamPassed) -> None:
    await exams.exam_passed(uow, event)


async def on_status_changed(uow: UnitOfWork, event: StatusChanged) -> None:
    occurred_at = uow.occurred_at
    await periods.status_changed(uow, event, occurred_at)
    await directory.compliance(uow, event.be_geo_id, event.specialization, event.compliant, occurred_at)


SUBSCRIPTIONS = {
    IndividualRegistered: on_individual_registered,
    IndividualUpdated: on_individual_updated,
    MembershipStarted: on_membership_started,
    MembershipEnded: on_membership_ended,
    IndividualMerged: on_individual_merged,
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
