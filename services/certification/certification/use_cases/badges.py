"""Recompute people's badges from their whole history (CE-3 to CE-9) and issue certificates (CE-3)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import bindparam, select

from certification import repository
from certification.domain.badges import BadgeState, Pass, replay
from certification.domain.catalog import Catalog
from certification.domain.changes import badge_events, same
from certification.domain.credentials import new_number
from certification.domain.reminders import next_reminder
from certification.tables import agreements, badges, certificates, exam_results, holders, reminders
from partnerhub.db.uow import UnitOfWork

BADGE_COLUMNS = (
    "kind", "status", "achieved_on", "renewed_on", "expires_on", "extension_reason", "requirements_version",
    "next_reminder_on", "next_reminder_months", "updated_at",
)


async def recompute(uow: UnitOfWork, catalog: Catalog, cco_ids: Sequence[str], today: date) -> int:
    """Replay each person's passes, store what changed, emit the badge events. Returns people done."""
    db, conn = uow.db, uow.conn
    people = sorted(set(cco_ids))
    if not people:
        return 0
    await repository.claim_holders(db, conn, people)
    passes: dict[str, list[Pass]] = defaultdict(list)
    for part in repository.chunks(people):
        rows = await conn.execute(
            select(exam_results.c.cco_id, exam_results.c.exam_number, exam_results.c.taken_on).where(
                exam_results.c.cco_id.in_(part), exam_results.c.passed.is_(True)
            )
        )
        for row in rows:
            passes[row.cco_id].append(Pass(row.exam_number, row.taken_on))
    stored = await repository.load_badges(conn, people)

    upserts: list[tuple[str, BadgeState, BadgeState | None]] = []
    deletes: list[dict[str, str]] = []
    for cco_id in people:
        before = stored.get(cco_id, {})
        after = replay(passes.get(cco_id, ()), catalog, today)
        for event in badge_events(cco_id, before, after):
            uow.emit(event)
        for code, new in after.items():
            old = before.get(code)
            if old is None or not same(old, new):
                upserts.append((cco_id, new, old))
        deletes.extend({"k_cco": cco_id, "k_cert": code} for code in before if code not in after)

    if deletes:
        await conn.execute(
            badges.delete().where(
                badges.c.cco_id == bindparam("k_cco"), badges.c.certification == bindparam("k_cert")
            ),
            deletes,
        )
    if upserts:
        await _write_badges(uow, upserts, today)
    return len(people)


async def _write_badges(uow: UnitOfWork, upserts: list[tuple[str, BadgeState, BadgeState | None]], today: date) -> None:
    conn = uow.conn
    people = sorted({c for c, _, _ in upserts})
    sent: dict[tuple[str, str, date], set[int]] = defaultdict(set)
    signed: set[str] = set()
    for part in repository.chunks(people):
        for r in await conn.execute(select(reminders).where(reminders.c.cco_id.in_(part))):
            sent[(r.cco_id, r.certification, r.expires_on)].add(r.months_before)
        signed.update(
            (await conn.execute(select(agreements.c.cco_id).where(agreements.c.cco_id.in_(part)))).scalars()
        )
    now = datetime.now(UTC)
    rows = []
    for cco_id, new, _old in upserts:
        upcoming = next_reminder(new.kind, new.status, new.expires_on, sent.get((cco_id, new.certification, new.expires_on), ()))
        rows.append(
            {
                "cco_id": cco_id,
                "certification": new.certification,
                "kind": new.kind,
                "status": new.status,
                "achieved_on": new.achieved_on,
                "renewed_on": new.renewed_on,
                "expires_on": new.expires_on,
                "extension_reason": new.extension_reason,
                "requirements_version": new.version,
                "next_reminder_on": upcoming[0] if upcoming else None,
                "next_reminder_months": upcoming[1] if upcoming else None,
                "updated_at": now,
            }
        )
    await conn.execute(repository.upsert_columns(uow.db, badges, ["cco_id", "certification"], BADGE_COLUMNS), rows)
    holders_with_agreement = [c for c in people if c in signed]
    if holders_with_agreement:
        await issue_certificates(uow, holders_with_agreement, today)


async def issue_certificates(uow: UnitOfWork, cco_ids: Sequence[str], today: date) -> list[dict[str, Any]]:
    """CE-3: a certificate for each active badge's current period that has none yet (agreement signed)."""
    conn = uow.conn
    issued: list[dict[str, Any]] = []
    for part in repository.chunks(sorted(set(cco_ids))):
        have = {
            (r.cco_id, r.certification, r.valid_from, r.expires_on)
            for r in await conn.execute(select(certificates).where(certificates.c.cco_id.in_(part)))
        }
        rows = await conn.execute(
            select(badges).where(badges.c.cco_id.in_(part), badges.c.status == "active")
        )
        for row in rows:
            valid_from = row.renewed_on or row.achieved_on
            if (row.cco_id, row.certification, valid_from, row.expires_on) in have:
                continue
            issued.append(
                {
                    "id": str(uuid.uuid4()),
                    "cco_id": row.cco_id,
                    "certification": row.certification,
                    "valid_from": valid_from,
                    "expires_on": row.expires_on,
                    "issued_on": today,
                    "number": new_number(),
                }
            )
    if issued:
        await conn.execute(certificates.insert(), issued)
    return issued


async def dirty_people(uow: UnitOfWork, limit: int) -> list[str]:
    stmt = select(holders.c.cco_id).where(holders.c.dirty.is_(True)).order_by(holders.c.cco_id).limit(limit)
    return list((await uow.conn.execute(uow.db.for_update(stmt, skip_locked=True))).scalars())
