"""Basic credentials of LMS clients: a `system` client with xAPI scopes. Only the secret's SHA-256 is kept
(the secret is 256 random bits, so a fast hash is enough); it is shown once, when issued."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from learning.tables import xapi_clients
from partnerhub.db.uow import Database
from partnerhub.errors import NotFound

# the xAPI 1.0.3 scopes (section 6.4.2 of the communication part)
SCOPES = ("statements/write", "statements/read/mine", "statements/read", "state", "define", "profile", "all/read", "all")
DEFAULT_SCOPES = ("statements/write", "statements/read", "state", "profile")


@dataclass(frozen=True)
class Client:
    key: str
    name: str
    scopes: tuple[str, ...]

    def may(self, *scopes: str) -> bool:
        return "all" in self.scopes or any(s in self.scopes for s in scopes)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def issue(db: Database, name: str, scopes: list[str], by: str) -> dict[str, Any]:
    key = f"lrs-{secrets.token_hex(8)}"
    secret = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    async with db.uow() as uow:
        await uow.conn.execute(
            xapi_clients.insert().values(
                key=key, name=name, secret_hash=_hash(secret), scopes=sorted(set(scopes)), created_at=now, created_by=by
            )
        )
        await uow.commit()
    return {"key": key, "secret": secret, "name": name, "scopes": sorted(set(scopes)), "created_at": now}


async def listed(db: Database) -> list[dict[str, Any]]:
    async with db.uow() as uow:
        rows = await uow.conn.execute(select(xapi_clients).order_by(xapi_clients.c.created_at, xapi_clients.c.key))
        return [
            {"key": r.key, "name": r.name, "scopes": list(r.scopes), "created_at": r.created_at,
             "created_by": r.created_by, "revoked_at": r.revoked_at}
            for r in rows
        ]


async def revoke(db: Database, key: str) -> None:
    async with db.uow() as uow:
        done = await uow.conn.execute(
            update(xapi_clients).where(xapi_clients.c.key == key, xapi_clients.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
        if done.rowcount == 0:
            exists = (await uow.conn.execute(select(xapi_clients.c.key).where(xapi_clients.c.key == key))).first()
            if exists is None:
                raise NotFound(f"No LRS client {key!r}.")
        await uow.commit()


async def authenticate(db: Database, key: str, secret: str) -> Client | None:
    """The client these Basic credentials name, unless revoked or the secret is wrong."""
    async with db.uow() as uow:
        row = (await uow.conn.execute(select(xapi_clients).where(xapi_clients.c.key == key))).first()
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.secret_hash, _hash(secret)):
        return None
    return Client(row.key, row.name, tuple(row.scopes))
