"""Every event learning consumes, and its handler: SUBSCRIPTIONS is the one map."""

from __future__ import annotations

from datetime import UTC, datetime

from partnerhub.bus.contracts import (
    ExamPassed,
    IndividualMerged,
    IndividualRegistered,
    IndividualUpdated,
    MembershipEnded,
    MembershipStarted,
    StatusChanged,
)
from partnerhub.db.uow import UnitOfWork

from learning.use_cases import exams, people, periods


async def on_individual_registered(uow: UnitOfWork, event: IndividualRegistered) -> None:
    await people.remember_name(uow, event.cco_id, event.name)


async def on_individual_updated(uow: UnitOfWork, event: IndividualUpdated) -> None:
    await people.remember_name(uow, event.cco_id, event.name)


async def on_membership_started(uow: UnitOfWork, event: MembershipStarted) -> None:
    await people.membership_started(uow, event.cco_id, event.be_geo_id, event.started_on)


async def on_membership_ended(uow: UnitOfWork, event: MembershipEnded) -> None:
    await people.membership_ended(uow, event.cco_id, event.be_geo_id, event.started_on, event.ended_on)


async def on_individual_merged(uow: UnitOfWork, event: IndividualMerged) -> None:
    await people.merged(uow, event.survivor, event.retired)


async def on_exam_passed(uow: UnitOfWork, event: ExamPassed) -> None:
    await exams.exam_passed(uow, event)


async def on_status_changed(uow: UnitOfWork, event: StatusChanged) -> None:
    occurred_at = uow.message.occurred_at if uow.message else datetime.now(UTC)
    await periods.status_changed(uow, event, occurred_at)


SUBSCRIPTIONS = {
    IndividualRegistered: on_individual_registered,
    IndividualUpdated: on_individual_updated,
    MembershipStarted: on_membership_started,
    MembershipEnded: on_membership_ended,
    IndividualMerged: on_individual_merged,
    ExamPassed: on_exam_passed,
    StatusChanged: on_status_changed,
}
