"""Proofs of attendance (CL-5): submitted with evidence, accepted or rejected by program staff.
An accepted proof is worth 20 points toward the named specialization, effective on the attendance date."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, update

from learning.domain.proofs import EXTENSIONS
from learning.tables import activities, memberships, proofs
from learning.use_cases import ledger
from learning.use_cases.proof_store import ProofStore
from partnerhub.db.uow import Database
from partnerhub.errors import Conflict, NotFound


@dataclass(frozen=True)
class ProofIn:
    cco_id: str
    event: str
    specialization: str
    attended_on: date
    activity_id: str | None
    filename: str
    content_type: str  # detected from the content
    content: bytes


def event_key(event: str) -> str:
    """The ledger's activity id of an event named without a library id: once per person per event."""
    slug = re.sub(r"[^a-z0-9]+", "-", event.lower()).strip("-")[:80]
    return f"event-{slug}"


def _safe_filename(name: str) -> str:
    return (re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "proof")[:200]


async def current_partners_among(db: Database, cco_id: str, partners: frozenset[str], today: date) -> frozenset[str]:
    """Those of ``partners`` the person (or their survivor, ID-2) is a member of today."""
    if not partners:
        return frozenset()
    async with db.uow() as uow:
        person = (await ledger.resolve(uow, [cco_id]))[cco_id]
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            select(memberships).where(memberships.c.cco_id == person, memberships.c.be_geo_id.in_(sorted(partners)))
        )
        return frozenset(
            r.be_geo_id for r in rows if r.started_on <= today and (r.ended_on is None or today < r.ended_on)
        )


async def submit(db: Database, store: ProofStore, proof: ProofIn, by: str) -> dict[str, Any]:
    proof_id = str(uuid.uuid4())
    stored_as = f"proofs/{proof_id}.{EXTENSIONS[proof.content_type]}"
    try:
        async with db.uow() as uow:
            person = (await ledger.resolve(uow, [proof.cco_id]))[proof.cco_id]
            activity_id = proof.activity_id or event_key(proof.event)
            if proof.activity_id is not None:
                kind = await uow.conn.scalar(
                    select(activities.c.kind).where(
                        activities.c.activity_id == proof.activity_id, activities.c.published.is_(True)
                    )
                )
                if kind != "event":
                    raise NotFound(f"No published event {proof.activity_id} in the library.", activity_id=proof.activity_id)
            await uow.conn.execute(
                proofs.insert().values(
                    proof_id=proof_id,
                    cco_id=person,
                    submitted_by=by,
                    event=proof.event,
                    activity_id=activity_id,
                    specialization=proof.specialization,
                    attended_on=proof.attended_on,
                    content_type=proof.content_type,
                    size=len(proof.content),
                    sha256=hashlib.sha256(proof.content).hexdigest(),
                    stored_as=stored_as,
                    filename=_safe_filename(proof.filename),
                    status="submitted",
                    submitted_at=datetime.now(UTC),
                )
            )
            await store.put(uow, stored_as, proof.content)
            await uow.commit()
    except BaseException:
        await store.discard(stored_as)
        raise
    return await get(db, proof_id)


async def get(db: Database, proof_id: str) -> dict[str, Any]:
    async with db.engine.connect() as conn:
        row = (await conn.execute(select(proofs).where(proofs.c.proof_id == proof_id))).first()
    if row is None:
        raise NotFound(f"No proof {proof_id}.", proof_id=proof_id)
    return dict(row._mapping)


async def list_proofs(db: Database, status: str | None, limit: int, offset: int) -> list[dict[str, Any]]:
    query = select(proofs).order_by(proofs.c.submitted_at, proofs.c.proof_id).limit(limit).offset(offset)
    if status:
        query = query.where(proofs.c.status == status)
    async with db.engine.connect() as conn:
        return [dict(r._mapping) for r in await conn.execute(query)]


async def decide(db: Database, proof_id: str, *, accept: bool, by: str, reason: str | None, points: int) -> dict[str, Any]:
    async with db.uow() as uow:
        query = select(proofs).where(proofs.c.proof_id == proof_id)
        query = db.for_update(query)
        row = (await uow.conn.execute(query)).first()
        if row is None:
            raise NotFound(f"No proof {proof_id}.", proof_id=proof_id)
        if row.status != "submitted":
            raise Conflict(f"Proof {proof_id} was already {row.status}.", slug="proof-decided", status_now=row.status)
        entry_id = None
        if accept:
            person = (await ledger.resolve(uow, [row.cco_id]))[row.cco_id]
            await ledger.lock_people(uow, [person])
            entry = ledger.NewEntry(
                cco_id=person,
                activity_id=row.activity_id,
                points=points,
                earned_on=row.attended_on,  # retroactive: effective on the attendance date (CL-5)
                specializations=[row.specialization],
                mandatory_for=[],
                source="proof",
                source_ref=proof_id,
            )
            if not await ledger.add_entries(uow, [entry]):
                raise Conflict(
                    f"{person} already has points for {row.event}; a second proof earns nothing.",
                    slug="event-already-credited",
                )
            entry_id = entry.entry_id
        await uow.conn.execute(
            update(proofs)
            .where(proofs.c.proof_id == proof_id)
            .values(
                status="accepted" if accept else "rejected",
                reason=reason,
                decided_by=by,
                decided_at=datetime.now(UTC),
                entry_id=entry_id,
            )
        )
        await uow.commit()
    return await get(db, proof_id)
