"""Notify commands and queries: recipients and the delivery log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, or_, select, update

from notify import planning, projections
from notify.domain import PARTNER_KINDS, MailPlan
from notify.tables import deliveries, recipients
from partnerhub.db.uow import Database
from partnerhub.errors import Conflict, NotFound

STATUSES = ("pending", "sending", "sent", "failed", "replaced")


@dataclass(frozen=True)
class Recipient:
    cco_id: str
    name: str
    email: str
    updated_at: datetime


async def get_recipient(db: Database, cco_id: str) -> Recipient:
    """The address mail to this person goes to (a retired CCO ID resolves to its survivor, ID-2)."""
    async with db.engine.connect() as conn:
        active = await projections.resolve(conn, cco_id)
        row = (
            await conn.execute(select(recipients).where(recipients.c.cco_id == active, recipients.c.email.is_not(None)))
        ).first()
    if row is None:
        raise NotFound(f"No known address for CCO ID {cco_id}.", cco_id=cco_id)
    return Recipient(row.cco_id, row.name, row.email, row.updated_at)


@dataclass(frozen=True)
class Visibility:
    """Which rows a caller may see: everything, or only some partners' mails and/or their own."""

    everything: bool = False
    partners: frozenset[str] = frozenset()
    person: str | None = None

    def allows(self, row: Any) -> bool:
        return (
            self.everything
            or (row.be_geo_id is not None and row.be_geo_id in self.partners)
            or (self.person is not None and row.recipient == self.person)
        )

    def restrict(self, query: Select[Any]) -> Select[Any]:
        if self.everything:
            return query
        conditions = []
        if self.partners:
            conditions.append(deliveries.c.be_geo_id.in_(sorted(self.partners)))
        if self.person:
            conditions.append(deliveries.c.recipient == self.person)
        if not conditions:
            return query.where(deliveries.c.id.is_(None))
        return query.where(or_(*conditions))


async def list_notifications(
    db: Database,
    visibility: Visibility,
    *,
    recipient: str | None = None,
    cause: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Any]:
    """The delivery log, newest first. ``recipient``: a CCO ID or an e-mail address; ``cause``: a cause key
    or its beginning (e.g. ``reminder|C1001``)."""
    query = select(deliveries)
    if recipient:
        column = deliveries.c.to_address if "@" in recipient else deliveries.c.recipient
        query = query.where(column == recipient)
    if cause:
        query = query.where(deliveries.c.cause_key.startswith(cause, autoescape=True))
    if status:
        query = query.where(deliveries.c.status == status)
    if kind:
        query = query.where(deliveries.c.kind == kind)
    query = visibility.restrict(query).order_by(deliveries.c.created_at.desc(), deliveries.c.id).limit(limit).offset(offset)
    async with db.engine.connect() as conn:
        return list((await conn.execute(query)).all())


async def get_notification(db: Database, visibility: Visibility, notification_id: str) -> Any:
    async with db.engine.connect() as conn:
        row = (await conn.execute(select(deliveries).where(deliveries.c.id == notification_id))).first()
    if row is None or not visibility.allows(row):
        raise NotFound(f"No notification {notification_id}.", notification_id=notification_id)
    return row


async def retry_notification(db: Database, notification_id: str) -> list[Any]:
    """Program staff: send a failed mail again (to the address current now). A partner mail that
    found no admin is fanned out to the partner's admins of today. Returns the rows now pending."""
    async with db.uow() as uow:
        row = (
            await uow.conn.execute(select(deliveries).where(deliveries.c.id == notification_id))
        ).first()
        if row is None:
            raise NotFound(f"No notification {notification_id}.", notification_id=notification_id)
        if row.status != "failed":
            raise Conflict(
                f"Notification {notification_id} is {row.status}; only failed mails can be retried.",
                status_now=row.status,
            )
        now = datetime.now(UTC)
        if row.recipient is None and row.kind in PARTNER_KINDS and row.be_geo_id:
            plan = MailPlan(row.kind, row.cause_key, dict(row.context), row.be_geo_id)
            if await planning.record_for_admins(uow, plan, fallback=False) == 0:
                raise Conflict(
                    f"Partner {row.be_geo_id} still has no partner admin; assign one, then retry.",
                    be_geo_id=row.be_geo_id,
                )
            await uow.conn.execute(
                update(deliveries).where(deliveries.c.id == row.id).values(status="replaced", last_error=None)
            )
            ids_query = select(deliveries).where(
                deliveries.c.cause_key.startswith(row.cause_key + "|to:", autoescape=True)
            )
        else:
            await uow.conn.execute(
                update(deliveries)
                .where(deliveries.c.id == row.id, deliveries.c.status == "failed")
                .values(status="pending", next_attempt_at=now, lease_until=None)
            )
            ids_query = select(deliveries).where(deliveries.c.id == row.id)
        result = list((await uow.conn.execute(ids_query)).all())
        await uow.commit()
    return result
