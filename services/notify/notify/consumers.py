"""Every event notify consumes, and its handler: SUBSCRIPTIONS is the one map.

Identity events keep the projections (addresses and merges in the identity mirror; partners, admins); certification
and specialization events record mails as pending in the delivery log (planning.py); the
sender sends them later. Handlers never send and never commit.
"""

from __future__ import annotations

from notify import planning, projections
from notify.domain import merge_confirmation_plan, reminder_plan, role_plan, specialization_plan
from notify.tables import IDENTITY
from partnerhub.bus.contracts import (
    AdminAssigned,
    AdminRemoved,
    GraceStarted,
    Lost,
    MergeRequested,
    PartnerRegistered,
    Reactivated,
    ReminderDue,
    RenewalWindowOpened,
    Renewed,
    RoleAtRisk,
    RoleVacated,
)
from partnerhub.db.uow import UnitOfWork
from partnerhub.mirrors.identity import IdentityMirror

# identity's people (name and address) and merges: the platform's identity mirror; notify moves admin roles itself
MIRROR = IdentityMirror(IDENTITY, keep=("name", "email"), memberships=False, rekey=projections.rekey)


async def on_partner_registered(uow: UnitOfWork, event: PartnerRegistered) -> None:
    await projections.remember_partner(uow, be_geo_id=event.be_geo_id, name=event.name)


async def on_admin_assigned(uow: UnitOfWork, event: AdminAssigned) -> None:
    if event.role == "partner_admin":  # PAMs get no partner mail
        await projections.set_admin(uow, be_geo_id=event.be_geo_id, cco_id=event.cco_id, active=True)


async def on_admin_removed(uow: UnitOfWork, event: AdminRemoved) -> None:
    if event.role == "partner_admin":
        await projections.set_admin(uow, be_geo_id=event.be_geo_id, cco_id=event.cco_id, active=False)


async def on_merge_requested(uow: UnitOfWork, event: MergeRequested) -> None:
    await planning.record_for_person(uow, merge_confirmation_plan(event))


async def on_reminder_due(uow: UnitOfWork, event: ReminderDue) -> None:
    plan = reminder_plan(event)  # None for Representative CQS (CE-9)
    if plan is not None:
        await planning.record_for_person(uow, plan)


async def on_specialization_event(
    uow: UnitOfWork, event: RenewalWindowOpened | Renewed | GraceStarted | Lost | Reactivated
) -> None:
    await planning.record_for_admins(uow, specialization_plan(event))


async def on_role_event(uow: UnitOfWork, event: RoleAtRisk | RoleVacated) -> None:
    person = await projections.addresses(uow.conn, [event.cco_id])
    name = person[event.cco_id].name if event.cco_id in person else None
    await planning.record_for_admins(uow, role_plan(event, name))


SUBSCRIPTIONS = {
    **MIRROR.subscriptions(),
    PartnerRegistered: on_partner_registered,
    AdminAssigned: on_admin_assigned,
    AdminRemoved: on_admin_removed,
    MergeRequested: on_merge_requested,
    ReminderDue: on_reminder_due,
    RenewalWindowOpened: on_specialization_event,
    Renewed: on_specialization_event,
    GraceStarted: on_specialization_event,
    Lost: on_specialization_event,
    Reactivated: on_specialization_event,
    RoleAtRisk: on_role_event,
    RoleVacated: on_role_event,
}
