"""Certificates anyone can verify (CE-3): the holder's downloads, the public verification, revocation,
and the signing keys (each in one unit of work or one read)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from certification import repository
from certification.domain.credentials import (
    BadgeNow,
    CertificateFacts,
    Verdict,
    certificate_id_of,
    judge,
)
from certification.domain.privacy import certification_view
from certification.settings import CertificationSettings
from certification.signing import (
    BadCredential,
    KeyRing,
    SigningKey,
    generate_pem,
    private_key,
    public_keys,
)
from certification.tables import agreements, badges, certificates, credential_keys
from certification.use_cases.queries import standing
from partnerhub.auth import Principal
from partnerhub.db.uow import Database, UnitOfWork
from partnerhub.errors import Conflict, Forbidden, NotFound, Problem


# the keys -----------------------------------------------------------------------------------------
async def key_ring(db: Database, settings: CertificationSettings) -> KeyRing:
    """The configured key signs; outside production, without one, the key generated once and kept in the
    database does. Every earlier key (settings, and in dev the database's) stays published."""
    configured = settings.credential_signing_key
    earlier = list(public_keys(settings.credential_previous_keys)) if (settings.credential_previous_keys or "").strip() else []
    kept = [] if settings.environment == "production" else await _kept_keys(db)
    if configured is not None and configured.get_secret_value().strip():
        return KeyRing.of(private_key(configured.get_secret_value()), [*earlier, *kept])
    if not kept:
        kept = await _generate_key(db)
    return KeyRing.of(kept[0], [*kept[1:], *earlier])


async def _kept_keys(db: Database) -> list[SigningKey]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(select(credential_keys).order_by(credential_keys.c.created_at, credential_keys.c.kid))
        return [private_key(r.private_pem) for r in rows]


async def _generate_key(db: Database) -> list[SigningKey]:
    """Dev and test: a key made on first use. Two replicas racing both keep theirs; the oldest signs."""
    pem = generate_pem()
    key = private_key(pem)
    async with db.uow() as uow:
        await uow.conn.execute(
            db.insert_ignoring_duplicates(credential_keys).values(
                kid=key.kid, algorithm=key.algorithm, private_pem=pem, created_at=datetime.now(UTC)
            )
        )
        await uow.commit()
    return await _kept_keys(db)


# the holder's downloads ----------------------------------------------------------------------------
async def certificate_to_download(db: Database, today: date, principal: Principal, cco_id: str, code: str) -> CertificateFacts:
    """The current certificate of a person's badge, for whoever sees their certificates (the holder,
    staff, their partner's admins with a grant: CE-11, ID-4). Refusals: 404 for whoever may not see the
    person or the badge, 403 for an admin without a grant, 409 before the agreement is signed, for a
    badge that is not active, or a revoked certificate."""
    async with db.engine.connect() as conn:
        owner = await repository.resolve(conn, cco_id)
        self_ = await repository.resolve(conn, principal.sub) == owner
        view = certification_view(principal, await standing(conn, owner, today), self_)
        if view is None:
            raise NotFound(f"No certification records for CCO ID {cco_id}.", cco_id=cco_id)
        if view != "full":
            raise Forbidden(
                f"Certificates are for their holder, program staff and partner admins {owner} granted access (ID-4)."
            )
        badge = (
            await conn.execute(select(badges).where(badges.c.cco_id == owner, badges.c.certification == code))
        ).first()
        if badge is None:
            raise NotFound(f"{owner} does not hold {code}.", cco_id=cco_id, certification=code)
        if badge.status != "active" or not (badge.achieved_on <= today < badge.expires_on):
            raise Conflict(
                f"{code} expired on {badge.expires_on.isoformat()}: there is no current certificate (CE-5).",
                slug="certification-not-active",
            )
        signed = await conn.scalar(select(agreements.c.signed_on).where(agreements.c.cco_id == owner).limit(1))
        if signed is None:
            raise Conflict(
                f"{owner} has not signed the Career Certifications Agreement: a certificate is issued once it is "
                f"signed (CE-3; POST /v1/individuals/{owner}/agreements).",
                slug="agreement-not-signed",
            )
        return await _facts(conn, await _issued_certificate(conn, owner, code, badge), today)


async def _issued_certificate(conn: AsyncConnection, owner: str, code: str, badge: Row[Any]) -> Row[Any]:
    """The certificate of the badge's current validity (409 while it is being issued, or once revoked)."""
    valid_from = badge.renewed_on or badge.achieved_on
    row = (
        await conn.execute(
            select(certificates).where(
                certificates.c.cco_id == owner,
                certificates.c.certification == code,
                certificates.c.valid_from == valid_from,
                certificates.c.expires_on == badge.expires_on,
            )
        )
    ).first()
    if row is None:  # signed, active, but not issued yet: cannot happen after a recompute or a signature
        raise Conflict(f"The certificate of {code} is being issued; try again.", slug="certificate-pending")
    if row.revoked_on is not None:
        raise Conflict(
            f"Certificate {row.number} was revoked on {row.revoked_on.isoformat()}: {row.revoked_reason}",
            slug="certificate-revoked",
        )
    return row


async def _facts(conn: AsyncConnection, row: Any, today: date) -> CertificateFacts:
    names = await repository.names_in_force(conn, today)
    kind = await conn.scalar(
        select(badges.c.kind).where(badges.c.cco_id == row.cco_id, badges.c.certification == row.certification)
    )
    return CertificateFacts(
        certificate_id=row.id,
        number=row.number,
        cco_id=row.cco_id,
        certification=row.certification,
        name=names.get(row.certification, row.certification),
        kind=kind or "",
        valid_from=row.valid_from,
        expires_on=row.expires_on,
        issued_on=row.issued_on,
    )


# the public verification ----------------------------------------------------------------------------
class NotOurs(Problem):
    status, slug, title = 422, "credential-not-verified", "The credential does not verify"


async def verify(
    db: Database, today: date, *, number: str | None = None, certificate_id: str | None = None
) -> tuple[Verdict, str]:
    """valid / expired / revoked for a certificate, by its number or its id; (verdict, number)."""
    async with db.engine.connect() as conn:
        stmt = select(certificates)
        stmt = stmt.where(certificates.c.number == number) if number else stmt.where(certificates.c.id == certificate_id)
        row = (await conn.execute(stmt)).first()
        if row is None:
            what = f"certificate number {number}" if number else f"credential urn:uuid:{certificate_id}"
            raise NotFound(f"No certificate with {what}.")
        badge = (
            await conn.execute(
                select(badges).where(badges.c.cco_id == row.cco_id, badges.c.certification == row.certification)
            )
        ).first()
        now = BadgeNow(badge.status, badge.renewed_on or badge.achieved_on, badge.expires_on) if badge else None
        facts = await _facts(conn, row, today)
    return judge(facts, now, row.revoked_on, today), row.number


async def verify_credential(db: Database, today: date, ring: KeyRing, token: str) -> tuple[Verdict, str]:
    """A pasted VC-JWT: its signature by one of our published keys, then its certificate's status."""
    try:
        claims = ring.verify(token)
    except BadCredential as exc:
        raise NotOurs(f"The credential {exc}.") from None
    certificate_id = certificate_id_of(str(claims["jti"]))
    if certificate_id is None:
        raise NotOurs("The credential's id is not one this service issues (urn:uuid:…).")
    try:
        return await verify(db, today, certificate_id=certificate_id)
    except NotFound:
        raise NotOurs("The credential is signed by this service, but names no certificate it knows.") from None


# merges (ID-2) ------------------------------------------------------------------------------------
async def certificates_merged(uow: UnitOfWork, retired: Sequence[str], survivor: str) -> None:
    """The merge hook: the retired IDs' certificates become the survivor's, so their numbers and
    credentials verify against the survivor's badges (and new downloads name the survivor)."""
    await uow.conn.execute(update(certificates).where(certificates.c.cco_id.in_(retired)).values(cco_id=survivor))


# revocation ---------------------------------------------------------------------------------------
async def revoke(db: Database, today: date, number: str, reason: str) -> tuple[dict[str, Any], bool]:
    """Program staff revoke a certificate (issued in error, fraud); its verification answers "revoked".
    Idempotent: the first revocation stands. Returns (certificate, created)."""
    async with db.uow(today=today) as uow:
        row = (await uow.conn.execute(select(certificates).where(certificates.c.number == number))).first()
        if row is None:
            raise NotFound(f"No certificate with number {number}.")
        if row.revoked_on is not None:
            return _revocation(row.number, row.revoked_on, row.revoked_reason), False
        await uow.conn.execute(
            update(certificates).where(certificates.c.id == row.id).values(revoked_on=today, revoked_reason=reason)
        )
        await uow.commit()
    return _revocation(number, today, reason), True


def _revocation(number: str, on: date, reason: str | None) -> dict[str, Any]:
    return {"number": number, "revoked_on": on, "reason": reason}

