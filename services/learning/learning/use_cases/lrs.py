"""The xAPI Learning Record Store: statements stored, credited through the completions path, voided, read back.

A request's statements are one transaction: the statements, the completions they make (the same batched,
idempotent path as ``POST /v1/completions``, external id ``xapi:<statement id>``) and the voiding of the
statements they void (their points taken back through the ledger). A statement id already stored with the
same content is a harmless replay; with other content it is a 409.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.exc import IntegrityError

from learning.domain.xapi import VOIDED, Credit, agent_key, credit_of, normalise, related
from learning.tables import xapi_attachments, xapi_related, xapi_statements
from learning.use_cases import completions, ledger
from learning.use_cases.completions import CompletionIn, ItemResult
from partnerhub.db.lookups import chunks
from partnerhub.db.uow import Database, UnitOfWork
from partnerhub.errors import Conflict

STATEMENT_COLUMNS = (
    "statement_id", "stored", "timestamp", "actor_hash", "verb_hash", "object_type", "object_hash", "registration",
    "voided", "ref_id", "sent_hash", "client", "statement", "outcome", "reason", "points",
)
PAGE_MAX = 500


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


VOIDED_HASH = digest(VOIDED)


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Incoming:
    """A valid statement as sent (with its id), and when it happened."""

    sent: dict[str, Any]
    occurred_at: datetime
    timestamped: bool

    @property
    def statement_id(self) -> str:
        return str(self.sent["id"])


@dataclass
class Stored:
    ids: list[str]
    outcomes: dict[str, int] = field(default_factory=dict)


def _object_hash(obj: dict[str, Any]) -> tuple[str, str]:
    kind = obj.get("objectType", "Activity")
    if kind in ("Agent", "Group"):
        key = agent_key(obj)
        return kind, digest(key if key is not None else canonical(obj))
    if kind == "SubStatement":
        return kind, digest(canonical(obj))
    return kind, digest(str(obj["id"]) if kind == "Activity" else str(obj["id"]).lower())


async def store(
    db: Database,
    today: date,
    incoming: list[Incoming],
    *,
    authority: dict[str, Any],
    client: str,
    cco_id_pattern: str,
    attachments: Sequence[tuple[str, str, bytes]] = (),
) -> Stored:
    """Store the statements (a replay of one already stored changes nothing) and apply what they credit and void."""
    for attempt in (1, 2, 3):
        try:
            return await _store(db, today, incoming, authority, client, cco_id_pattern, list(attachments))
        except IntegrityError:  # a concurrent request stored one of the same ids first: look again
            if attempt == 3:
                raise
    raise AssertionError("unreachable")


async def _store(
    db: Database,
    today: date,
    incoming: list[Incoming],
    authority: dict[str, Any],
    client: str,
    cco_id_pattern: str,
    attachments: list[tuple[str, str, bytes]],
) -> Stored:
    outcomes: dict[str, int] = {}
    async with db.uow(today=today) as uow:
        known = await _known(uow, [i.statement_id for i in incoming])
        fresh: list[Incoming] = []
        for item in incoming:
            sent_hash = digest(canonical(item.sent))
            if item.statement_id in known:
                if known[item.statement_id] != sent_hash:
                    raise Conflict(
                        f"A different statement with the id {item.statement_id} is already stored.",
                        slug="statement-conflict",
                    )
                outcomes["replayed"] = outcomes.get("replayed", 0) + 1
            else:
                fresh.append(item)
        if fresh:
            await _store_fresh(uow, fresh, today, authority, client, cco_id_pattern, outcomes)
        if attachments:
            now = datetime.now(UTC)
            await uow.conn.execute(
                uow.db.insert_ignoring_duplicates(xapi_attachments),
                [{"sha2": h, "content_type": t[:200], "content": c, "stored": now} for h, t, c in attachments],
            )
        await uow.commit()
    return Stored([i.statement_id for i in incoming], outcomes)


async def _known(uow: UnitOfWork, ids: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in chunks(ids):
        rows = await uow.conn.execute(
            select(xapi_statements.c.statement_id, xapi_statements.c.sent_hash).where(
                xapi_statements.c.statement_id.in_(part)
            )
        )
        found.update((r.statement_id, r.sent_hash) for r in rows)
    return found


async def _store_fresh(
    uow: UnitOfWork,
    fresh: list[Incoming],
    today: date,
    authority: dict[str, Any],
    client: str,
    cco_id_pattern: str,
    outcomes: dict[str, int],
) -> None:
    now = datetime.now(UTC)
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)  # as `stored` says it
    credits, items, voided_before = await _credits(uow, fresh, cco_id_pattern)
    voiders, targets = await _voiding(uow, fresh)
    # every person this request may credit or take points from, locked once, in CCO ID order
    survivors = await ledger.resolve(uow, {i.cco_id for _, i in items})
    people = set(survivors.values()) | await ledger.people_of_sources(uow, {f"xapi:{t}" for t in targets})
    await ledger.lock_people(uow, people)
    results: dict[int, ItemResult] = {r.index: r for r in await completions.record_in(uow, items, today)} if items else {}
    rows, related_rows = _statement_rows(
        fresh, now, authority, client, credits, results, voiders, voided_before, outcomes
    )
    await uow.db.copy_rows(uow.conn, xapi_statements, STATEMENT_COLUMNS, rows)
    await uow.db.copy_rows(uow.conn, xapi_related, ("kind", "key_hash", "statement_id"), related_rows)
    if targets:
        await _void(uow, targets, voiders)


async def _credits(
    uow: UnitOfWork, fresh: list[Incoming], cco_id_pattern: str
) -> tuple[dict[str, Credit | str], list[tuple[int, CompletionIn]], dict[str, str]]:
    """(what each statement credits, or why nothing; the completions to record by index; the statements stored
    voided, with the voiding statement that arrived first)."""
    credits: dict[str, Credit | str] = {}
    items: list[tuple[int, CompletionIn]] = []
    # a statement whose voiding statement arrived first is stored voided, and credits nothing
    voided_before = await _voided_before(uow, [i.statement_id for i in fresh if i.sent["verb"]["id"] != VOIDED])
    for index, item in enumerate(fresh):
        if item.statement_id in voided_before:
            credits[item.statement_id] = f"voided by {voided_before[item.statement_id]}, which arrived first"
            continue
        credit = credit_of(item.sent, item.occurred_at, cco_id_pattern)
        credits[item.statement_id] = credit
        if isinstance(credit, Credit):
            items.append(
                (index, CompletionIn(f"xapi:{item.statement_id}", credit.cco_id, credit.activity_id, credit.action,
                                     credit.occurred_at, "xapi"))
            )
    return credits, items, voided_before


async def _voiding(uow: UnitOfWork, fresh: list[Incoming]) -> tuple[dict[str, str], set[str]]:
    """(each voiding statement's target, the statements to void)."""
    # what the voiding statements void: stored ones, or ones in this request; a voiding statement is never voided
    voiders = {i.statement_id: i.sent["object"]["id"].lower() for i in fresh if i.sent["verb"]["id"] == VOIDED}
    targets = await _voidable(uow, set(voiders.values()))
    targets |= {
        i.statement_id for i in fresh if i.statement_id in set(voiders.values()) and i.sent["verb"]["id"] != VOIDED
    }
    return voiders, targets


def _statement_rows(
    fresh: list[Incoming],
    now: datetime,
    authority: dict[str, Any],
    client: str,
    credits: dict[str, Credit | str],
    results: dict[int, ItemResult],
    voiders: dict[str, str],
    voided_before: dict[str, str],
    outcomes: dict[str, int],
) -> tuple[list[tuple[Any, ...]], list[tuple[str, str, str]]]:
    """The statements as stored (with ``stored``, ``authority``, their outcome) and their related agents and
    activities; counts each outcome in ``outcomes``."""
    rows = []
    related_rows = []
    for index, item in enumerate(fresh):
        st = normalise(json.loads(json.dumps(item.sent)))
        st["stored"] = iso(now)
        st.setdefault("timestamp", iso(now))
        st["authority"] = authority
        st.setdefault("version", "1.0.0")
        outcome, reason, points = _outcome(credits[item.statement_id], results.get(index))
        if item.statement_id in voiders:
            outcome, reason = "voiding", f"voids {voiders[item.statement_id]}"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        kind, object_hash = _object_hash(st["object"])
        actor = agent_key(st["actor"])
        agents, activities = related(st)
        related_rows += [("agent", digest(a), item.statement_id) for a in sorted(agents)]
        related_rows += [("activity", digest(a), item.statement_id) for a in sorted(activities)]
        rows.append((
            item.statement_id, now, item.occurred_at, digest(actor) if actor else None, digest(st["verb"]["id"]),
            kind, object_hash, ((st.get("context") or {}).get("registration") or "").lower() or None,
            item.statement_id in voided_before,
            st["object"]["id"].lower() if kind == "StatementRef" else None, digest(canonical(item.sent)), client[:200], canonical(st), outcome,
            (reason or "")[:1000] or None, points,
        ))
    return rows, related_rows


def _outcome(credit: Credit | str, result: ItemResult | None) -> tuple[str, str | None, int]:
    if isinstance(credit, str):
        return "not_credited", credit, 0
    if result is None:  # not reached: every credit is an item
        return "not_credited", "not recorded", 0
    if result.status == "earned":
        return "earned", None, result.points
    if result.status == "rejected":
        return "not_credited", result.reason, 0
    return result.status, result.reason, 0


async def _voided_before(uow: UnitOfWork, ids: list[str]) -> dict[str, str]:
    """Of these new statements, those a stored voiding statement already targets: id -> the voiding one."""
    found: dict[str, str] = {}
    for part in chunks(ids):
        rows = await uow.conn.execute(
            select(xapi_statements.c.ref_id, xapi_statements.c.statement_id).where(
                xapi_statements.c.ref_id.in_(part), xapi_statements.c.verb_hash == VOIDED_HASH
            )
        )
        found.update((r.ref_id, r.statement_id) for r in rows)
    return found


async def _voidable(uow: UnitOfWork, ids: set[str]) -> set[str]:
    found: set[str] = set()
    for part in chunks(sorted(ids)):
        rows = await uow.conn.execute(
            select(xapi_statements.c.statement_id).where(
                xapi_statements.c.statement_id.in_(part),
                xapi_statements.c.verb_hash != VOIDED_HASH,
                xapi_statements.c.voided.is_(False),
            )
        )
        found.update(r.statement_id for r in rows)
    return found


async def _void(uow: UnitOfWork, targets: set[str], voiders: dict[str, str]) -> None:
    """The targets are voided; what they earned is taken back through the ledger, once."""
    taken = await ledger.void_sources(uow, {f"xapi:{t}" for t in targets})
    by_target = {t: v for v, t in voiders.items()}
    for target in sorted(targets):
        points = taken.get(f"xapi:{target}", 0)
        values: dict[str, Any] = {"voided": True}
        if points:
            values |= {"outcome": "voided", "reason": f"voided by {by_target.get(target)}: {points} points taken back"}
        await uow.conn.execute(
            update(xapi_statements).where(xapi_statements.c.statement_id == target).values(**values)
        )


# reading back ----------------------------------------------------------------------------------
@dataclass
class Query:
    agent: str | None = None  # an agent key
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    related_activities: bool = False
    related_agents: bool = False
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 0
    ascending: bool = False
    after: tuple[str, str] | None = None  # the last (stored, id) of the previous page
    client: str | None = None  # statements/read/mine: only what this client stored

    def token(self, last: tuple[datetime, str], extra: dict[str, Any]) -> str:
        data = {k: v for k, v in vars(self).items() if v not in (None, False, 0)}
        for k in ("since", "until"):
            if k in data:
                data[k] = data[k].isoformat()
        data["after"] = [last[0].isoformat(), last[1]]
        data |= extra
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    @classmethod
    def from_token(cls, token: str) -> tuple[Query, dict[str, Any]]:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        extra = {k: data.pop(k) for k in ("format", "attachments") if k in data}
        for k in ("since", "until"):
            if k in data:
                data[k] = datetime.fromisoformat(data[k])
        if "after" in data:
            data["after"] = tuple(data["after"])
        return cls(**data), extra


async def one(db: Database, statement_id: str, *, voided: bool, client: str | None = None) -> dict[str, Any] | None:
    async with db.uow() as uow:
        row = (
            await uow.conn.execute(
                select(xapi_statements.c.statement, xapi_statements.c.voided, xapi_statements.c.client).where(
                    xapi_statements.c.statement_id == statement_id
                )
            )
        ).first()
    if row is None or row.voided != voided or (client is not None and row.client != client):
        return None
    return _json(row.statement)


def _json(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value)


def _matching(t: Any, q: Query) -> list[Any]:
    """The filter conditions (agent, verb, activity, registration) on the table or an alias of it."""
    where: list[Any] = []
    if q.agent is not None:
        h = digest(q.agent)
        if q.related_agents:
            where.append(exists().where(and_(xapi_related.c.kind == "agent", xapi_related.c.key_hash == h,
                                             xapi_related.c.statement_id == t.statement_id)))
        else:
            where.append(or_(t.actor_hash == h, and_(t.object_hash == h, t.object_type.in_(("Agent", "Group")))))
    if q.verb is not None:
        where.append(t.verb_hash == digest(q.verb))
    if q.activity is not None:
        h = digest(q.activity)
        if q.related_activities:
            where.append(exists().where(and_(xapi_related.c.kind == "activity", xapi_related.c.key_hash == h,
                                             xapi_related.c.statement_id == t.statement_id)))
        else:
            where.append(and_(t.object_hash == h, t.object_type == "Activity"))
    if q.registration is not None:
        where.append(t.registration == q.registration.lower())
    return where


async def find(db: Database, q: Query) -> tuple[list[dict[str, Any]], tuple[datetime, str] | None]:
    """A page of statements (voided ones left out), newest first unless ascending; and where the next starts.
    A statement whose StatementRef targets a matching statement (voided or not) matches too (xAPI 2.1.3)."""
    s = xapi_statements.c
    where: list[Any] = [s.voided.is_(False)]
    matching = _matching(s, q)
    if matching:
        target = xapi_statements.alias("target").c
        where.append(or_(and_(*matching), s.ref_id.in_(select(target.statement_id).where(*_matching(target, q)))))
    if q.client is not None:
        where.append(s.client == q.client)
    if q.since is not None:
        where.append(s.stored > q.since)
    if q.until is not None:
        where.append(s.stored <= q.until)
    if q.after is not None:
        at, last_id = datetime.fromisoformat(q.after[0]), q.after[1]
        if q.ascending:
            where.append(or_(s.stored > at, and_(s.stored == at, s.statement_id > last_id)))
        else:
            where.append(or_(s.stored < at, and_(s.stored == at, s.statement_id < last_id)))
    limit = q.limit if 0 < q.limit <= PAGE_MAX else PAGE_MAX
    order = (s.stored.asc(), s.statement_id.asc()) if q.ascending else (s.stored.desc(), s.statement_id.desc())
    query = select(s.statement, s.stored, s.statement_id).where(*where).order_by(*order).limit(limit + 1)
    async with db.uow() as uow:
        rows = list(await uow.conn.execute(query))
    page = rows[:limit]
    more = (page[-1].stored, page[-1].statement_id) if len(rows) > limit else None
    return [_json(r.statement) for r in page], more


async def definitions(db: Database, activity_id: str) -> list[dict[str, Any]]:
    """The definitions statements gave of an activity (as object or in a context), oldest first."""
    s = xapi_statements.c
    query = (
        select(s.statement)
        .where(exists().where(and_(xapi_related.c.kind == "activity", xapi_related.c.key_hash == digest(activity_id),
                                   xapi_related.c.statement_id == s.statement_id)))
        .order_by(s.stored.asc()).limit(1000)
    )
    async with db.uow() as uow:
        rows = list(await uow.conn.execute(query))
    found: list[dict[str, Any]] = []

    def collect(st: dict[str, Any]) -> None:
        obj = st.get("object") or {}
        candidates = [obj] if obj.get("objectType", "Activity") == "Activity" else []
        if obj.get("objectType") == "SubStatement":
            collect(obj)
        for acts in ((st.get("context") or {}).get("contextActivities") or {}).values():
            candidates += acts if isinstance(acts, list) else [acts]
        found.extend(a["definition"] for a in candidates if a.get("id") == activity_id and a.get("definition"))

    for r in rows:
        collect(_json(r.statement))
    return found


async def crediting(db: Database, *, outcome: str | None, limit: int, offset: int) -> list[dict[str, Any]]:
    """What each statement credited, newest first (program staff): the outcome, the points, the reason."""
    s = xapi_statements.c
    query = select(s.statement_id, s.stored, s.outcome, s.points, s.reason, s.client, s.voided)
    if outcome:
        query = query.where(s.outcome == outcome)
    query = query.order_by(s.stored.desc(), s.statement_id.desc()).limit(limit).offset(offset)
    async with db.uow() as uow:
        rows = list(await uow.conn.execute(query))
    return [
        {"statement_id": r.statement_id, "stored": iso(r.stored), "outcome": r.outcome, "points": r.points,
         "reason": r.reason, "client": r.client, "voided": r.voided}
        for r in rows
    ]


def new_statement_id() -> str:
    return str(uuid.uuid4())


async def attachment_data(db: Database, hashes: list[str]) -> list[tuple[str, str, bytes]]:
    """The stored data of these attachments, in the order asked (those not sent as data are left out)."""
    found: dict[str, tuple[str, str, bytes]] = {}
    async with db.uow() as uow:
        for part in chunks(hashes):
            rows = await uow.conn.execute(select(xapi_attachments).where(xapi_attachments.c.sha2.in_(part)))
            found.update((r.sha2, (r.sha2, r.content_type, bytes(r.content))) for r in rows)
    return [found[h] for h in hashes if h in found]
