"""The sender: a background loop that sends the pending mails of the delivery log (NO-3).

A round claims due rows (``pending`` whose time has come, or ``sending`` whose lease ran
out after a crash), marks them ``sending`` with ``attempts + 1`` and a lease and commits
that *before* any SMTP attempt; then it sends them (bounded by the SMTP connection pool)
and records each outcome: ``sent``; ``pending`` again with a backoff after a 4xx, a
connection error or an unknown address; ``failed`` after a 5xx for that recipient or a
header trick. An outcome is committed as soon as its mail is sent (the outcomes of one moment
together), before that connection takes the next mail, so a crash repeats at most one mail
per SMTP connection. An outcome is written only while the row is still ours (same attempt), so a
slow sender whose lease ran out never overwrites a newer attempt.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, or_, select, update

from notify import projections
from notify.domain import UnsafeHeader, backoff_seconds
from notify.mail import DeliveryError, Mailer, Sender, build_message, make_mailer, parse_sender
from notify.rendering import Templates
from notify.settings import NotifySettings
from notify.tables import deliveries
from partnerhub import faults
from partnerhub.combine import WriteBatches
from partnerhub.db.uow import Database
from partnerhub.logging import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class Outcome:
    id: str
    attempts: int
    status: str
    error: str | None = None
    to_address: str | None = None
    subject: str | None = None
    sent_at: datetime | None = None
    next_attempt_at: datetime | None = None


class MailSender:
    def __init__(self, db: Database, settings: NotifySettings, mailer: Mailer | None = None) -> None:
        self.db = db
        self.settings = settings
        self.mailer = mailer or make_mailer(settings)
        self.sender: Sender = parse_sender(settings.mail_from)
        self.templates = Templates()
        self.lease = timedelta(seconds=settings.sending_lease_seconds)
        self._slots = asyncio.Semaphore(settings.smtp_connections)
        # each outcome is recorded as soon as its mail is sent: the outcomes that come in while one record
        # commits are written together in the next (group commit), not a whole round's at its end
        self._outcomes: WriteBatches[None, Outcome, None] = WriteBatches(self._record, max_items=500, in_flight=1)

    async def run_forever(self) -> None:
        failures = 0
        try:
            while True:
                try:
                    claimed = await self.send_due()
                    failures = 0
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # the database is away, for instance: try again later
                    failures += 1
                    claimed = 0
                    log.warning("mail round failed", error=repr(exc), failures=failures)
                if claimed < self.settings.sender_batch_size:
                    await asyncio.sleep(self.settings.sender_poll_interval * min(2**failures, 30))
        finally:
            await self.mailer.close()

    async def send_due(self) -> int:
        """One round: claim, send, record. Returns how many mails were claimed."""
        rows = await self._claim()
        if not rows:
            return 0
        async with self.db.engine.connect() as conn:
            known = await projections.addresses(conn, {r.recipient for r in rows if r.recipient})
        done = await asyncio.gather(*(self._attempt_and_record(row, known) for row in rows), return_exceptions=True)
        failed = [d for d in done if isinstance(d, BaseException)]
        if failed:  # the database went away while recording: those rows are sent again once their lease ends
            raise failed[0]
        return len(rows)

    async def _attempt_and_record(self, row: Any, known: dict[str, projections.Address]) -> None:
        """One mail, and its outcome committed before its slot takes the next: at most ``smtp_connections``
        mails are ever between "the SMTP server has it" and "the log says so" (what a crash can repeat)."""
        async with self._slots:
            outcome = await self._attempt(row, known)
            await self._outcomes(None, outcome)

    async def _claim(self) -> list[Any]:
        now = datetime.now(UTC)
        due = or_(
            and_(deliveries.c.status == "pending", deliveries.c.next_attempt_at <= now),
            and_(deliveries.c.status == "sending", deliveries.c.lease_until < now),
        )
        query = select(deliveries).where(due).order_by(deliveries.c.next_attempt_at).limit(self.settings.sender_batch_size)
        query = self.db.for_update(query, skip_locked=True)
        async with self.db.uow() as uow:
            rows = (await uow.conn.execute(query)).all()
            if rows:
                await uow.conn.execute(
                    update(deliveries)
                    .where(deliveries.c.id.in_([r.id for r in rows]))
                    .values(status="sending", attempts=deliveries.c.attempts + 1, lease_until=now + self.lease)
                )
            await uow.commit()
        return rows

    async def _attempt(self, row: Any, known: dict[str, projections.Address]) -> Outcome:
        attempts = row.attempts + 1
        address = known.get(row.recipient) if row.recipient else None
        if address is None:  # events out of order: the address may still come; never dropped
            return self._retry(row.id, attempts, f"no address known for CCO ID {row.recipient}")
        try:
            rendered = self.templates.render(row.kind, template_context(row.context, address))
            message = build_message(
                rendered, sender=self.sender, to_name=address.name, to_address=address.email, message_id=row.message_id
            )
        except (UnsafeHeader, ValueError) as exc:
            return Outcome(row.id, attempts, "failed", f"refused to build the message: {exc}", address.email)
        try:
            await self.mailer.send(message, sender=self.sender.address, recipients=[address.email], name=row.kind)
        except DeliveryError as exc:
            if exc.permanent:
                return Outcome(row.id, attempts, "failed", str(exc), address.email, rendered.subject)
            return self._retry(row.id, attempts, str(exc), address.email, rendered.subject)
        faults.point("notify.after_smtp")  # test-only hook: the server has the mail, the log does not yet
        return Outcome(row.id, attempts, "sent", None, address.email, rendered.subject, sent_at=datetime.now(UTC))

    def _retry(self, id_: str, attempts: int, error: str, to: str | None = None, subject: str | None = None) -> Outcome:
        if attempts >= self.settings.max_attempts:  # retries are bounded: then it is staff's to retry (NO-3)
            return Outcome(id_, attempts, "failed", f"gave up after {attempts} attempts: {error}", to, subject)
        delay = backoff_seconds(attempts, self.settings.retry_base_seconds, self.settings.retry_max_seconds)
        later = datetime.now(UTC) + timedelta(seconds=delay)
        return Outcome(id_, attempts, "pending", error, to, subject, next_attempt_at=later)

    async def _record(self, _key: None, outcomes: list[Outcome]) -> list[None]:
        """The outcomes that came in together, in one commit (``WriteBatches``' apply: one result per outcome)."""
        now = datetime.now(UTC)
        params = [
            {
                "b_id": o.id,
                "b_attempts": o.attempts,
                "b_status": o.status,
                "b_error": o.error[:2000] if o.error else None,
                "b_to": o.to_address,
                "b_subject": o.subject,
                "b_sent_at": o.sent_at,
                "b_next": o.next_attempt_at or now,
                "b_transport": self.mailer.transport if o.status == "sent" else None,
            }
            for o in outcomes
        ]
        stmt = (
            update(deliveries)
            .where(deliveries.c.id == bindparam("b_id"))
            .where(deliveries.c.status == "sending", deliveries.c.attempts == bindparam("b_attempts"))
            .values(
                status=bindparam("b_status"),
                last_error=bindparam("b_error"),
                to_address=bindparam("b_to"),
                subject=bindparam("b_subject"),
                sent_at=bindparam("b_sent_at"),
                next_attempt_at=bindparam("b_next"),
                transport=bindparam("b_transport"),
                lease_until=None,
            )
        )
        async with self.db.uow() as uow:
            await uow.conn.execute(stmt, params)
            await uow.commit()
        for o in outcomes:
            if o.status != "sent":
                log.warning("mail not sent", delivery_id=o.id, status=o.status, attempts=o.attempts, error=o.error)
        return [None] * len(outcomes)


def template_context(context: dict[str, Any], address: projections.Address) -> dict[str, Any]:
    """What the templates see: the cause's facts plus the recipient and readable labels."""
    values = dict(context)
    values["recipient_name"] = address.name
    if "be_geo_id" in values:
        name = values.get("partner_name")
        values["partner_label"] = f"{name} (BE GEO ID {values['be_geo_id']})" if name else f"partner {values['be_geo_id']}"
    if "person_cco_id" in values:
        person = values.get("person_name")
        cco = values["person_cco_id"]
        values["person_label"] = f"{person} (CCO ID {cco})" if person else f"CCO ID {cco}"
    return values


async def run_sender(runtime: Any) -> None:
    """The service's background loop (ServiceDefinition.background)."""
    sender = MailSender(runtime.db, runtime.settings_as(NotifySettings))
    runtime.mail_sender = sender
    await sender.run_forever()
