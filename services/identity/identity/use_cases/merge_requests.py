"""A merge the person asks for (ID-2, ID-5: Partner Self-Service), confirmed through a mailed link.

The person (or program staff for them) names one of the duplicate IDs the ID-5 rule links to them. Identity
keeps the request with the SHA-256 of a random token and announces ``identity.merge.requested`` with the
link; notify mails it to the address of the ID being retired: the second factor. Only confirming the link
merges (``confirm_merge``): once, before it expires, in the same transaction that marks it used.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from identity.domain.duplicates import Duplicate
from identity.domain.merge_links import LinkState, confirm_url, link_state, token_hash
from identity.tables import individuals, merge_requests
from identity.use_cases.duplicates import duplicates_for
from identity.use_cases.merge import merge_in
from identity.use_cases.records import Individual, require_cco_id
from partnerhub.bus.contracts import MergeRequested
from partnerhub.db.uow import Database, UnitOfWork
from partnerhub.errors import Conflict, NotFound, Problem, Unprocessable
from partnerhub.ids import new_uuid

# each request mails the other ID's owner: a bound on how often one person may do that for the same ID
MAX_REQUESTS_PER_DAY = 5


@dataclass(frozen=True)
class MergeRequest:
    id: str
    survivor: str
    retire: str
    requested_by: str
    requested_at: datetime
    expires_at: datetime
    state: LinkState
    confirmed_at: datetime | None


def _request(row: Any, now: datetime) -> MergeRequest:
    return MergeRequest(
        row.id, row.survivor, row.retire, row.requested_by, row.requested_at, row.expires_at,
        link_state(row.status, row.expires_at, now), row.confirmed_at,
    )


async def request_merge(
    db: Database, *, today: date, cco_id: str, retire: str, requested_by: str, base_url: str, ttl: timedelta
) -> MergeRequest:
    """Ask to retire ``retire`` into ``cco_id``. Refused: itself (422), an unknown ID (422), an ID already
    retired (409), an ID the rule does not link to the person (422 ``not-a-duplicate``). A new request for the
    same two IDs replaces the earlier one: only the newest link works; at most ``MAX_REQUESTS_PER_DAY`` a day (429)."""
    survivor, found = await duplicates_for(db, cco_id)
    async with db.uow(today=today) as uow:
        await _check_mergeable(uow, survivor, retire, found)
        now = datetime.now(UTC)
        await _check_request_rate(uow, survivor, retire, now)
        token = secrets.token_urlsafe(32)
        values = {
            "id": str(new_uuid()), "survivor": survivor, "retire": retire, "requested_by": requested_by,
            "requested_at": now, "expires_at": now + ttl, "token_hash": token_hash(token), "status": "pending",
            "confirmed_at": None,
        }
        await uow.conn.execute(
            update(merge_requests)
            .where(merge_requests.c.survivor == survivor, merge_requests.c.retire == retire)
            .where(merge_requests.c.status == "pending")
            .values(status="replaced")
        )
        await uow.conn.execute(merge_requests.insert().values(**values))
        uow.emit(
            MergeRequested(
                request_id=values["id"], survivor=survivor, retire=retire, requested_by=requested_by,
                requested_on=await uow.today(), expires_at=values["expires_at"], confirm_url=confirm_url(base_url, token),
            )
        )
        await uow.commit()
    return MergeRequest(values["id"], survivor, retire, requested_by, now, values["expires_at"], "pending", None)


async def _check_mergeable(uow: UnitOfWork, survivor: str, retire: str, found: list[Duplicate]) -> None:
    """Refuses merging ``retire`` into itself, an unknown or already retired ID, and one not found a duplicate."""
    row = (await uow.conn.execute(select(individuals).where(individuals.c.cco_id == retire))).first()
    if row is None:
        raise Unprocessable(f"Unknown CCO ID: {retire}.", slug="unknown-cco-id", unknown=[retire])
    if retire == survivor:
        raise Unprocessable(f"{survivor} cannot be merged into itself.", slug="merge-into-itself")
    if row.survivor_id is not None:
        raise Conflict(f"{retire} is already merged into {row.survivor_id}.", slug="already-merged")
    if retire not in {d.cco_id for d in found}:
        raise Unprocessable(
            f"{retire} is not one of the duplicate CCO IDs found for {survivor} (the same e-mail, or a "
            "near-identical name at the same partner); program staff can merge other IDs.",
            slug="not-a-duplicate",
        )


async def _check_request_rate(uow: UnitOfWork, survivor: str, retire: str, now: datetime) -> None:
    """Refuses a request past ``MAX_REQUESTS_PER_DAY`` for the same two IDs in the last 24 hours (429)."""
    recent = await uow.conn.scalar(
        select(func.count()).select_from(merge_requests).where(
            merge_requests.c.survivor == survivor, merge_requests.c.retire == retire,
            merge_requests.c.requested_at > now - timedelta(days=1),
        )
    )
    if recent >= MAX_REQUESTS_PER_DAY:
        raise Problem(
            f"{MAX_REQUESTS_PER_DAY} links for {retire} were sent in the last 24 hours; use the latest mail, or "
            "try again tomorrow.", status=429, slug="too-many-merge-requests", title="Too many requests",
        )


async def merge_requests_of(db: Database, cco_id: str) -> tuple[str, list[MergeRequest]]:
    """The requests to merge IDs into the person, newest first."""
    async with db.engine.connect() as conn:
        me = await require_cco_id(conn, cco_id)
        rows = await conn.execute(
            select(merge_requests).where(merge_requests.c.survivor == me).order_by(merge_requests.c.requested_at.desc())
        )
        now = datetime.now(UTC)
        return me, [_request(r, now) for r in rows]


async def merge_link(db: Database, token: str) -> MergeRequest:
    """What a link asks for (the confirmation page shows it before anything is done); 404 if unknown."""
    async with db.engine.connect() as conn:
        row = (await conn.execute(select(merge_requests).where(merge_requests.c.token_hash == token_hash(token)))).first()
    if row is None:
        raise NotFound("This merge link is not known: check that the whole link was opened.", slug="merge-link-unknown")
    return _request(row, datetime.now(UTC))


LINK_REFUSALS = {
    "expired": ("This merge link has expired: ask for the merge again to get a new one.", "merge-link-expired"),
    "confirmed": ("This merge link was already used: the merge is done.", "merge-link-used"),
    "replaced": ("A newer link was sent for this merge: use the latest mail.", "merge-link-replaced"),
}


def link_refusal(state: LinkState) -> tuple[str, str]:
    """(detail, problem slug) of a link that no longer merges."""
    return LINK_REFUSALS[state]


async def confirm_merge(db: Database, token: str, *, today: date) -> tuple[MergeRequest, Individual, list[str]]:
    """Perform the merge a link asks for, once: (the request, the survivor, the IDs newly retired)."""
    async with db.uow(today=today) as uow:
        row = (
            await uow.conn.execute(select(merge_requests).where(merge_requests.c.token_hash == token_hash(token)))
        ).first()
        if row is None:
            raise NotFound("This merge link is not known: check that the whole link was opened.", slug="merge-link-unknown")
        now = datetime.now(UTC)
        state = link_state(row.status, row.expires_at, now)
        if state != "pending":
            detail, slug = LINK_REFUSALS[state]
            raise Conflict(detail, slug=slug)
        # single use: only the transaction that moves it from pending confirms it (both databases)
        claimed = await uow.conn.execute(
            update(merge_requests)
            .where(merge_requests.c.id == row.id, merge_requests.c.status == "pending")
            .values(status="confirmed", confirmed_at=now)
        )
        if claimed.rowcount != 1:
            detail, slug = LINK_REFUSALS["confirmed"]
            raise Conflict(detail, slug=slug)
        survivor, retired = await merge_in(uow, survivor=row.survivor, retire=[row.retire])
        await uow.commit()
    done = MergeRequest(
        row.id, row.survivor, row.retire, row.requested_by, row.requested_at, row.expires_at, "confirmed", now
    )
    return done, survivor, retired
