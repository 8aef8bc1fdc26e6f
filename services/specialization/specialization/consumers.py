"""Every event the specialization service consumes, and its handler: SUBSCRIPTIONS is the one map."""

from __future__ import annotations

from partnerhub.bus import contracts as c
from partnerhub.db.uow import UnitOfWork
from specialization.use_cases import leaves
from specialization.use_cases import projections as p


async def on_membership_started(uow: UnitOfWork, event: c.MembershipStarted) -> None:
    await p.membership_started(uow, event)


async def on_membership_ended(uow: UnitOfWork, event: c.MembershipEnded) -> None:
    await p.membership_ended(uow, event)


async def on_leave_planned(uow: UnitOfWork, event: c.LeavePlanned) -> None:
    await leaves.leave_planned(uow, event)


async def on_leave_cancelled(uow: UnitOfWork, event: c.LeaveCancelled) -> None:
    await leaves.leave_cancelled(uow, event)


async def on_individual_merged(uow: UnitOfWork, event: c.IndividualMerged) -> None:
    await p.individual_merged(uow, event)


async def on_exam_passed(uow: UnitOfWork, event: c.ExamPassed) -> None:
    await p.exam_passed(uow, event)


async def on_exam_replaced(uow: UnitOfWork, event: c.ExamReplaced) -> None:
    await p.exam_replaced(uow, event, uow.occurred_at)


async def on_requirements_changed(uow: UnitOfWork, event: c.RequirementsChanged) -> None:
    await p.requirements_changed(uow, event)


async def on_badge_achieved(uow: UnitOfWork, event: c.BadgeAchieved) -> None:
    await p.badge_changed(uow, event.cco_id, event.certification, event.kind, on=event.achieved_on, expires_on=event.expires_on)


async def on_badge_renewed(uow: UnitOfWork, event: c.BadgeRenewed) -> None:
    await p.badge_changed(uow, event.cco_id, event.certification, event.kind, on=event.renewed_on, expires_on=event.expires_on)


async def on_badge_extended(uow: UnitOfWork, event: c.BadgeExtended) -> None:
    await p.badge_changed(uow, event.cco_id, event.certification, event.kind, on=None, extend_to=event.expires_on)


async def on_badge_expired(uow: UnitOfWork, event: c.BadgeExpired) -> None:
    await p.badge_changed(uow, event.cco_id, event.certification, event.kind, on=None, expired_on=event.expired_on)


async def on_partner_credited(uow: UnitOfWork, event: c.PartnerCredited) -> None:
    await p.partner_credited(uow, event)


async def on_activity_published(uow: UnitOfWork, event: c.ActivityPublished) -> None:
    await p.activity_published(uow, event)


SUBSCRIPTIONS = {
    c.MembershipStarted: on_membership_started,
    c.MembershipEnded: on_membership_ended,
    c.LeavePlanned: on_leave_planned,
    c.LeaveCancelled: on_leave_cancelled,
    c.IndividualMerged: on_individual_merged,
    c.ExamPassed: on_exam_passed,
    c.ExamReplaced: on_exam_replaced,
    c.RequirementsChanged: on_requirements_changed,
    c.BadgeAchieved: on_badge_achieved,
    c.BadgeRenewed: on_badge_renewed,
    c.BadgeExtended: on_badge_extended,
    c.BadgeExpired: on_badge_expired,
    c.PartnerCredited: on_partner_credited,
    c.ActivityPublished: on_activity_published,
}
