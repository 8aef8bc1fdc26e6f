"""Turning a cause into delivery rows, inside the consumer's unit of work (NO-3).

The handler only records each mail as ``pending`` (unique cause key, deterministic
Message-ID) in the same transaction as the inbox row; the sender sends it later. A
redelivered event is stopped by the inbox; the same cause in a new event is stopped by the
unique cause key.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from notify import projections
from notify.domain import MailPlan, bounded_key, message_id
from notify.tables import deliveries
from partnerhub.db.uow import UnitOfWork


def _row(plan: MailPlan, now: datetime, **overrides: Any) -> dict[str, Any]:
    cause = bounded_key(plan.cause_key)
    return {
        "id": str(uuid.uuid4()),
        "cause_key": cause,
        "kind": plan.kind,
        "recipient": plan.recipient,
        "be_geo_id": plan.be_geo_id,
        "context": plan.context,
        "message_id": message_id(cause),
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "lease_until": None,
        "last_error": None,
        "created_at": now,
    } | overrides


async def record_for_person(uow: UnitOfWork, plan: MailPlan) -> None:
    await _insert(uow, [_row(plan, datetime.now(UTC))])


async def record_for_admins(uow: UnitOfWork, plan: MailPlan, *, fallback: bool = True) -> int:
    """One mail per current admin of the partner; with none, one failed row says so (staff can
    retry it once an admin is assigned) unless ``fallback`` is off. Returns the number of admins."""
    assert plan.be_geo_id is not None
    context = dict(plan.context)
    context.setdefault("partner_name", await projections.partner_name(uow.conn, plan.be_geo_id))
    plan = MailPlan(plan.kind, plan.cause_key, context, plan.be_geo_id, None)
    admins = await projections.admins_of(uow.conn, plan.be_geo_id)
    now = datetime.now(UTC)
    if not admins:
        if not fallback:
            return 0
        error = f"partner {plan.be_geo_id} has no partner admin to write to; retry once one is assigned"
        await _insert(uow, [_row(plan, now, status="failed", last_error=error)])
        return 0
    await _insert(uow, [_row(plan.for_recipient(admin), now) for admin in admins])
    return len(admins)


async def _insert(uow: UnitOfWork, rows: list[dict[str, Any]]) -> None:
    await uow.conn.execute(uow.db.insert_ignoring_duplicates(deliveries), rows)
