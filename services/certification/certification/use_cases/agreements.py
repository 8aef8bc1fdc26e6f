"""The Career Certifications Agreement (CE-3, CE-5): once signed, certificates are issued."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from certification import repository
from certification.tables import agreements
from certification.use_cases.badges import issue_certificates
from partnerhub.db.uow import Database
from partnerhub.errors import Unprocessable


async def sign_agreement(
    db: Database, today: date, cco_id: str, version: str, signed_on: date | None
) -> tuple[dict[str, Any], list[dict[str, Any]], bool]:
    """Record the signature (idempotent per person and version); issue the certificates now due.
    Returns (agreement, certificates issued, created)."""
    async with db.uow(today=today) as uow:
        conn = uow.conn
        signed_on = signed_on or today
        if signed_on > today:
            raise Unprocessable(
                f"signed_on {signed_on.isoformat()} is after today's business date {today.isoformat()}.",
                slug="invalid-agreement-date",
            )
        owner = await repository.resolve(conn, cco_id)
        existing = (
            await conn.execute(select(agreements).where(agreements.c.cco_id == owner, agreements.c.version == version))
        ).first()
        if existing is not None:
            return {"cco_id": owner, "version": version, "signed_on": existing.signed_on}, [], False
        await conn.execute(
            agreements.insert().values(cco_id=owner, version=version, signed_on=signed_on, recorded_at=datetime.now(UTC))
        )
        await repository.lock_holders(db, conn, [owner])
        issued = await issue_certificates(uow, [owner], today)
        await uow.commit()
    return {"cco_id": owner, "version": version, "signed_on": signed_on}, issued, True
