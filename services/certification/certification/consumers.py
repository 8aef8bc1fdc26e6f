"""Every event certification consumes, and its handler: SUBSCRIPTIONS is the one map.

Identity's people, memberships and merges are the platform's identity mirror (partnerhub.mirrors.identity);
certification keeps no profile field, only that identity knows a person (an import warns of unknown CCO
IDs), and moves its own records on a merge (``merges.rekey``).
"""

from __future__ import annotations

from certification.tables import IDENTITY
from certification.use_cases import grants, merges
from partnerhub.bus.contracts import GrantChanged
from partnerhub.db.uow import UnitOfWork
from partnerhub.mirrors.identity import IdentityMirror

MIRROR = IdentityMirror(IDENTITY, keep=(), rekey=merges.rekey)


async def on_grant_changed(uow: UnitOfWork, event: GrantChanged) -> None:
    await grants.grant_changed(uow, event.cco_id, event.be_geo_id, event.granted, event.changed_on)


SUBSCRIPTIONS = {
    **MIRROR.subscriptions(),
    GrantChanged: on_grant_changed,
}
