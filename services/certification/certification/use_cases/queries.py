"""Read side with the privacy rules (CE-11, ID-4): refusals look like "not found"."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from certification import repository
from certification.domain.catalog import program_category
from certification.domain.privacy import Standing, certification_view, exam_history_decision
from certification.tables import (
    agreements,
    badges,
    certificates,
    exam_results,
    exams,
    grants,
    memberships,
)
from partnerhub.auth import Principal, require_partner
from partnerhub.db.uow import Database
from partnerhub.errors import Forbidden, NotFound
from partnerhub.policy import Decision, PartnerRight, partner_decision


def _current(today: date) -> Any:
    return and_(
        memberships.c.started_on <= today,
        or_(memberships.c.ended_on.is_(None), memberships.c.ended_on > today),
    )


async def standing(conn: AsyncConnection, cco_id: str, today: date) -> Standing:
    current = set(
        (
            await conn.execute(
                select(memberships.c.be_geo_id).where(memberships.c.cco_id == cco_id, _current(today))
            )
        ).scalars()
    )
    granted = set(
        (
            await conn.execute(
                select(grants.c.be_geo_id).where(grants.c.cco_id == cco_id, grants.c.granted.is_(True))
            )
        ).scalars()
    )
    return Standing(cco_id, frozenset(current), frozenset(granted & current))


async def _who(conn: AsyncConnection, today: date, principal: Principal, cco_id: str) -> tuple[str, Standing, bool]:
    owner = await repository.resolve(conn, cco_id)
    me = await repository.resolve(conn, principal.sub)
    return owner, await standing(conn, owner, today), me == owner


def _not_found(cco_id: str) -> NotFound:
    return NotFound(f"No certification records for CCO ID {cco_id}.", cco_id=cco_id)


async def exam_history(db: Database, today: date, principal: Principal, cco_id: str) -> dict[str, Any]:
    async with db.engine.connect() as conn:
        owner, person, self_ = await _who(conn, today, principal, cco_id)
        decision = exam_history_decision(principal, person, self_)
        if decision is Decision.FORBID:
            raise Forbidden(f"{owner} has not granted your partner access to their exam history (ID-4, CE-11).")
        if decision is Decision.HIDE:
            raise _not_found(cco_id)
        rows = await conn.execute(
            select(exam_results, exams.c.title)
            .join(exams, exams.c.number == exam_results.c.exam_number, isouter=True)
            .where(exam_results.c.cco_id == owner)
            .order_by(exam_results.c.taken_on, exam_results.c.recorded_at)
        )
        results = [
            {
                "id": r.id, "external_id": r.external_id, "exam_number": r.exam_number, "title": r.title,
                "taken_on": r.taken_on, "passed": r.passed, "recorded_as": r.original_cco_id,
            }
            for r in rows
        ]
    return {"cco_id": owner, "results": results}


def _badge_out(row: Any, names: dict[str, str], certs: dict[tuple[str, date, date], Any]) -> dict[str, Any]:
    valid_from = row.renewed_on or row.achieved_on
    cert = certs.get((row.certification, valid_from, row.expires_on)) if row.status == "active" else None
    return {
        "certification": row.certification,
        "name": names.get(row.certification, row.certification),
        "kind": row.kind,
        "program_category": program_category(row.kind),
        "status": row.status,
        "achieved_on": row.achieved_on,
        "renewed_on": row.renewed_on,
        "expires_on": row.expires_on,
        "extension_reason": row.extension_reason,
        "requirements_version": row.requirements_version,
        "certificate": (
            {"id": cert.id, "number": cert.number, "issued_on": cert.issued_on, "revoked": cert.revoked_on is not None}
            if cert
            else None
        ),
    }


async def individual_certifications(db: Database, today: date, principal: Principal, cco_id: str) -> dict[str, Any]:
    async with db.engine.connect() as conn:
        owner, person, self_ = await _who(conn, today, principal, cco_id)
        view = certification_view(principal, person, self_)
        if view is None:
            raise _not_found(cco_id)
        stmt = select(badges).where(badges.c.cco_id == owner).order_by(badges.c.certification)
        if view == "current":
            stmt = stmt.where(badges.c.status == "active")
        rows = (await conn.execute(stmt)).all()
        names = await repository.names_in_force(conn, today)
        certs = {
            (c.certification, c.valid_from, c.expires_on): c
            for c in await conn.execute(select(certificates).where(certificates.c.cco_id == owner))
        }
        signed = await conn.scalar(select(agreements.c.signed_on).where(agreements.c.cco_id == owner).limit(1))
    out: dict[str, Any] = {"cco_id": owner, "view": view, "certifications": [_badge_out(r, names, certs) for r in rows]}
    if view == "full":
        out["agreement_signed"] = signed is not None
    else:
        for item in out["certifications"]:
            item.pop("certificate")
    return out


async def partner_certifications(db: Database, today: date, principal: Principal, be_geo_id: str) -> dict[str, Any]:
    """The counts per program requirement (CE-12) for whoever sees the partner (its PAMs too); the
    members and their current certifications only for those who see its members (not PAMs)."""
    require_partner(principal, PartnerRight.SEE, be_geo_id)
    with_members = partner_decision(principal, PartnerRight.SEE_MEMBERS, be_geo_id) is Decision.ALLOW
    async with db.engine.connect() as conn:
        members = sorted(
            set(
                (
                    await conn.execute(
                        select(memberships.c.cco_id).where(memberships.c.be_geo_id == be_geo_id, _current(today))
                    )
                ).scalars()
            )
        )
        names = await repository.names_in_force(conn, today)
        held: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for part in repository.chunks(members):
            rows = await conn.execute(
                select(badges)
                .where(badges.c.cco_id.in_(part), badges.c.status == "active")
                .order_by(badges.c.cco_id, badges.c.certification)
            )
            for r in rows:
                item = _badge_out(r, names, {})
                item.pop("certificate")
                held[r.cco_id].append(item)
    counts: dict[str, int] = {"sales_expert": 0, "associate": 0, "professional": 0, "expert": 0}
    for items in held.values():
        for category in {i["program_category"] for i in items if i["program_category"]}:
            counts[category] += 1  # CE-12: individuals per program requirement; CQS counts for none
    out: dict[str, Any] = {"be_geo_id": be_geo_id, "as_of": today, "certified_individuals": counts}
    if with_members:
        out["members"] = [{"cco_id": m, "certifications": held.get(m, [])} for m in members]
    return out
