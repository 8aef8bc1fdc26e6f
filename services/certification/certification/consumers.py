"""Every event certification consumes, and its handler: SUBSCRIPTIONS is the one map."""

from __future__ import annotations

from certification.use_cases import identity
from partnerhub.bus.contracts import (
    GrantChanged,
    IndividualMerged,
    MembershipEnded,
    MembershipStarted,
)
from partnerhub.db.uow import UnitOfWork


async def on_membership_started(uow: UnitOfWork, event: MembershipStarted) -> None:
    await identity.membership_started(uow, event.cco_id, event.be_geo_id, event.started_on)


async def on_membership_ended(uow: UnitOfWork, event: MembershipEnded) -> None:
    await identity.membership_ended(uow, event.cco_id, event.be_geo_id, event.started_on, event.ended_on)


async def on_grant_changed(uow: UnitOfWork, event: GrantChanged) -> None:
    await identity.grant_changed(uow, event.cco_id, event.be_geo_id, event.granted, event.changed_on)


async def on_individual_merged(uow: UnitOfWork, event: IndividualMerged) -> None:
    await identity.merge(uow, event.survivor, event.retired, event.merged_on)


SUBSCRIPTIONS = {
    MembershipStarted: on_membership_started,
    MembershipEnded: on_membership_ended,
    GrantChanged: on_grant_changed,
    IndividualMerged: on_individual_merged,
}
