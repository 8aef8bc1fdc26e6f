"""Daily jobs, run by the platform once per business day passed, in order (a jump of many days
runs each day). Each day's work commits with the job's progress row: never twice, never skipped."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import and_, bindparam, select, update

from certification import repository
from certification.domain.badges import REPRESENTATIVE_EXTENSION_DATE, representative_extension
from certification.domain.reminders import due_threshold, next_reminder, reminder_date
from certification.tables import badges, reminders
from certification.use_cases.badges import dirty_people, recompute
from partnerhub.bus.contracts import BadgeExpired, BadgeExtended, ReminderDue
from partnerhub.clock import DailyJob
from partnerhub.db.uow import UnitOfWork

SWEEP_LIMIT = 5000


async def recompute_marked_people(uow: UnitOfWork, day: date) -> None:
    """Badges of people a crashed import left marked (normally none)."""
    people = await dirty_people(uow, SWEEP_LIMIT)
    if people:
        await recompute(uow, await repository.catalog_of(uow.db, uow.conn), people, day)


async def expire_badges(uow: UnitOfWork, day: date) -> None:
    """CE-5: a badge is expired from its expires_on day; certification.badge.expired once."""
    due = and_(badges.c.status == "active", badges.c.expires_on <= day)
    rows = (await uow.conn.execute(select(badges.c.cco_id, badges.c.certification, badges.c.kind, badges.c.expires_on).where(due))).all()
    if not rows:
        return
    await uow.conn.execute(
        update(badges).where(due).values(status="expired", next_reminder_on=None, next_reminder_months=None, updated_at=datetime.now(UTC))
    )
    for r in rows:
        uow.emit(BadgeExpired(cco_id=r.cco_id, certification=r.certification, kind=r.kind, expired_on=r.expires_on))


async def extend_representatives(uow: UnitOfWork, day: date) -> None:
    """CE-9: on 2015-04-26, active Representative CQS badges get five more years."""
    if day != REPRESENTATIVE_EXTENSION_DATE:
        return
    rows = (
        await uow.conn.execute(
            select(badges).where(
                badges.c.kind == "cqs_representative", badges.c.status == "active", badges.c.expires_on > day
            )
        )
    ).all()
    changes = []
    for row in rows:
        extended = representative_extension(repository.badge_state(row), day)
        if extended is None:
            continue
        changes.append(
            {"k_cco": row.cco_id, "k_cert": row.certification, "expires_on": extended.expires_on,
             "extension_reason": extended.extension_reason}
        )
        uow.emit(
            BadgeExtended(
                cco_id=row.cco_id, certification=row.certification, kind=row.kind, previous_expires_on=row.expires_on,
                expires_on=extended.expires_on, reason=extended.extension_reason or "CE-9",
            )
        )
    if changes:
        await uow.conn.execute(
            update(badges)
            .where(badges.c.cco_id == bindparam("k_cco"), badges.c.certification == bindparam("k_cert"))
            .values(expires_on=bindparam("expires_on"), extension_reason=bindparam("extension_reason")),
            changes,
        )


async def send_reminders(uow: UnitOfWork, day: date) -> None:
    """CE-6, NO-1: certification.reminder.due six and three months before expiry, once per badge
    period and threshold (the reminders table's key guarantees it); none for Representative CQS."""
    conn = uow.conn
    rows = (
        await conn.execute(
            select(badges).where(badges.c.next_reminder_on <= day, badges.c.status == "active")
        )
    ).all()
    if not rows:
        return
    sent: dict[tuple[str, str, date], set[int]] = {}
    for part in repository.chunks(sorted({r.cco_id for r in rows})):
        for s in await conn.execute(select(reminders).where(reminders.c.cco_id.in_(part))):
            sent.setdefault((s.cco_id, s.certification, s.expires_on), set()).add(s.months_before)
    new_reminders, updates = [], []
    for row in rows:
        key = (row.cco_id, row.certification, row.expires_on)
        done = sent.setdefault(key, set())
        months = due_threshold(row.expires_on, day)
        if months is not None and months not in done and row.kind != "cqs_representative":
            done.add(months)
            new_reminders.append(
                {"cco_id": row.cco_id, "certification": row.certification, "expires_on": row.expires_on,
                 "months_before": months, "due_on": reminder_date(row.expires_on, months)}
            )
            uow.emit(
                ReminderDue(cco_id=row.cco_id, certification=row.certification, kind=row.kind,
                            expires_on=row.expires_on, months_before=months)
            )
        upcoming = next_reminder(row.kind, row.status, row.expires_on, done)
        updates.append(
            {"k_cco": row.cco_id, "k_cert": row.certification,
             "next_on": upcoming[0] if upcoming else None, "next_months": upcoming[1] if upcoming else None}
        )
    if new_reminders:
        await conn.execute(uow.db.insert_ignoring_duplicates(reminders), new_reminders)
    await conn.execute(
        update(badges)
        .where(badges.c.cco_id == bindparam("k_cco"), badges.c.certification == bindparam("k_cert"))
        .values(next_reminder_on=bindparam("next_on"), next_reminder_months=bindparam("next_months")),
        updates,
    )


async def run_day(uow: UnitOfWork, day: date) -> None:
    """The day's steps in order, in one transaction (a clock jump runs this once per day passed)."""
    await recompute_marked_people(uow, day)
    await expire_badges(uow, day)
    await extend_representatives(uow, day)
    await send_reminders(uow, day)


JOBS = (DailyJob("certification.daily", run_day),)
