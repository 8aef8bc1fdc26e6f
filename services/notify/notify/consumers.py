"""Every event notify consumes, and its handler: SUBSCRIPTIONS is the one map."""

from __future__ import annotations

from partnerhub.bus.contracts import IndividualRegistered
from partnerhub.db.uow import UnitOfWork

from notify import use_cases


async def on_individual_registered(uow: UnitOfWork, event: IndividualRegistered) -> None:
    await use_cases.remember_address(uow, cco_id=event.cco_id, name=event.name, email=event.email)


SUBSCRIPTIONS = {
    IndividualRegistered: on_individual_registered,
}
