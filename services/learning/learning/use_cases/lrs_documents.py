"""State, Activity Profile and Agent Profile documents of the LRS, with ETags (xAPI 1.0.3 communication, 2.x).

A document is bytes with their media type under (kind, activity, agent, registration, id). POST merges two
JSON objects (top-level keys of the new one win); anything else under POST is a 400. Profiles are guarded by
ETags: If-Match / If-None-Match (412 when not met); a PUT over an existing profile without either is a 409.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select

from learning.tables import xapi_documents
from learning.use_cases.lrs import canonical, digest
from partnerhub.db.uow import Database
from partnerhub.errors import Conflict, Problem

KINDS = ("state", "activity_profile", "agent_profile")


@dataclass(frozen=True)
class Scope:
    kind: str
    activity_id: str | None = None
    agent: str | None = None  # the agent key
    registration: str | None = None

    @property
    def hash(self) -> str:
        return digest(canonical([self.kind, self.activity_id, self.agent, self.registration]))


@dataclass(frozen=True)
class Document:
    document_id: str
    content: bytes
    content_type: str
    etag: str
    updated: datetime


class PreconditionFailed(Problem):
    status, slug, title = 412, "precondition-failed", "Precondition failed"


def etag_of(content: bytes) -> str:
    return hashlib.sha1(content).hexdigest()  # noqa: S324 - an ETag, as the spec's examples


def _is_json_object(content: bytes, content_type: str) -> dict[str, Any] | None:
    if not content_type.split(";")[0].strip().lower() == "application/json":
        return None
    try:
        value = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _matches(header: str, etag: str) -> bool:
    tags = [t.strip().removeprefix("W/").strip('"') for t in header.split(",")]
    return "*" in tags or etag in tags


async def get(db: Database, scope: Scope, document_id: str) -> Document | None:
    async with db.uow() as uow:
        row = (
            await uow.conn.execute(
                select(xapi_documents).where(
                    xapi_documents.c.kind == scope.kind,
                    xapi_documents.c.scope_hash == scope.hash,
                    xapi_documents.c.doc_hash == digest(document_id),
                )
            )
        ).first()
    if row is None:
        return None
    return Document(row.document_id, bytes(row.content), row.content_type, row.etag, row.updated)


async def ids(db: Database, scope: Scope, since: datetime | None) -> list[str]:
    query = select(xapi_documents.c.document_id).where(
        xapi_documents.c.kind == scope.kind, xapi_documents.c.scope_hash == scope.hash
    )
    if since is not None:
        query = query.where(xapi_documents.c.updated > since)
    async with db.uow() as uow:
        return [r.document_id for r in await uow.conn.execute(query.order_by(xapi_documents.c.document_id))]


async def write(
    db: Database,
    scope: Scope,
    document_id: str,
    content: bytes,
    content_type: str,
    *,
    merge: bool,
    if_match: str | None,
    if_none_match: str | None,
) -> None:
    now = datetime.now(UTC)
    key = (xapi_documents.c.kind == scope.kind, xapi_documents.c.scope_hash == scope.hash,
           xapi_documents.c.doc_hash == digest(document_id))
    async with db.uow() as uow:
        query = uow.db.for_update(select(xapi_documents).where(*key))
        row = (await uow.conn.execute(query)).first()
        if if_match is not None and (row is None or not _matches(if_match, row.etag)):
            raise PreconditionFailed("The document's ETag does not match If-Match.")
        if if_none_match is not None and row is not None and _matches(if_none_match, row.etag):
            raise PreconditionFailed("The document exists (If-None-Match).")
        if (
            row is not None and not merge and scope.kind != "state" and if_match is None and if_none_match is None
        ):
            raise Conflict(
                "The document exists: send If-Match with its ETag (or If-None-Match: *) to change it.",
                slug="document-exists",
            )
        if merge:
            new = _is_json_object(content, content_type)
            if new is None:
                raise Problem("POST merges JSON objects: send application/json holding an object.", slug="xapi-malformed")
            if row is not None:
                old = _is_json_object(bytes(row.content), row.content_type)
                if old is None:
                    raise Problem("The stored document is not a JSON object; it cannot be merged.", slug="xapi-malformed")
                content = json.dumps({**old, **new}).encode()
            content_type = "application/json"
        values = {"document_id": document_id, "content": content, "content_type": content_type or "application/octet-stream",
                  "etag": etag_of(content), "updated": now}
        if row is None:
            await uow.conn.execute(
                xapi_documents.insert().values(kind=scope.kind, scope_hash=scope.hash, doc_hash=digest(document_id), **values)
            )
        else:
            await uow.conn.execute(xapi_documents.update().where(*key).values(**values))
        await uow.commit()


async def remove(db: Database, scope: Scope, document_id: str | None, *, if_match: str | None) -> None:
    async with db.uow() as uow:
        where = [xapi_documents.c.kind == scope.kind, xapi_documents.c.scope_hash == scope.hash]
        if document_id is not None:
            where.append(xapi_documents.c.doc_hash == digest(document_id))
            if if_match is not None:
                row = (await uow.conn.execute(select(xapi_documents.c.etag).where(*where))).first()
                if row is None or not _matches(if_match, row.etag):
                    raise PreconditionFailed("The document's ETag does not match If-Match.")
        await uow.conn.execute(delete(xapi_documents).where(*where))
        await uow.commit()
