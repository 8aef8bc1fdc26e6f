"""Every event the specialization service consumes, and its handler: SUBSCRIPTIONS is the one map."""

from __future__ import annotations

from partnerhub.bus import contracts as c
from partnerhub.db.uow import UnitOfWork
from partnerhub.mirrors.identity import IdentityMirror
from specialization.tables import IDENTITY
from specialization.use_cases import projections as p

# identity's memberships, planned leaves and merges: the platform's identity mirror, with specialization's hooks
MIRROR = IdentityMirror(IDENTITY, leaves=True, after_change=p.after_change, rekey=p.rekey, after_changes=p.after_changes)


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
    **MIRROR.subscriptions(),
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
