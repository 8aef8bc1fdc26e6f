"""Bad input for the security tests: what is sent, and what every refusal must look like.

Each refusal is a 4xx ``application/problem+json`` with a stable ``type``; a 500 fails the test
on its own (the in-process HTTP client raises the server's exception).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import httpx
from sqlalchemy import func, select

from partnerhub.service import ServiceRuntime

PROBLEM = "application/problem+json"
JSON = {"content-type": "application/json"}
DEEP = b"[" * 50_000 + b"]" * 50_000  # a RecursionError in json.loads once
HUGE_OFFSET = 2**63  # past int64: OverflowError on SQLite, "out of int64 range" on PostgreSQL

# bad values for any single-line text field (a name, a title, an id)
TEXT = ["Cisco\x00Live", "Jo\u2028Bcc: x@evil.example", "Jo\x85Bcc: x@evil.example", "Jo\x1b[31m", "x" * 1_000_000, 42, ["x"]]
# bad values for any date field: out of range, numbers read as Unix times, not a calendar date
DATES = ["0001-01-01", "9999-12-31", 20260201, "1772323200", "2026-02-01T00:00:00", "2026-02-30", "01.02.2026"]
# bad values for any timestamp field
MOMENTS = [
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:00:00-01:00",
    "9999-12-31T00:00:00Z",
    1_772_323_200,
    "1772323200",
    "2026-02-01T10:00:00",  # no offset
    "2026-02-01",
]


def refused(r: httpx.Response, *statuses: int) -> dict[str, Any]:
    """The answer is one of ``statuses`` (default 422), a 4xx problem+json; its body."""
    expected = statuses or (422,)
    assert r.status_code in expected, f"{r.request.method} {r.request.url.path}: {r.status_code} {r.text[:300]}"
    assert 400 <= r.status_code < 500
    assert r.headers["content-type"] == PROBLEM, r.headers["content-type"]
    body = r.json()
    assert body["status"] == r.status_code and body["type"].startswith("urn:partnerhub:problem:"), body
    return dict(body)


def raw_bodies(max_bytes: int) -> list[tuple[bytes, tuple[int, ...]]]:
    """Bodies no JSON route may accept, whatever its fields, with the statuses they may get."""
    return [
        (b'{"name": "Jo', (422, 400)),  # malformed JSON
        (DEEP, (422,)),
        (b'{"name": "' + b"x" * max_bytes + b'"}', (413,)),
        (b'{"name": "Cisco\\u0000Live"}', (422,)),  # NUL as a JSON escape
        ('{"name": "Jo"}'.encode("utf-16"), (422, 400)),
        (b"[]", (422, 400)),
        (b'"a string"', (422, 400)),
        (b"null", (422, 400)),
    ]


def variants(valid: dict[str, Any], fields: dict[str, Sequence[Any]]) -> Iterable[dict[str, Any]]:
    """``valid`` with one field at a time replaced by each of its bad values."""
    for name, values in fields.items():
        for value in values:
            yield {**valid, name: value}


async def refuse_all(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    headers: dict[str, str],
    valid: dict[str, Any],
    fields: dict[str, Sequence[Any]],
    *,
    max_bytes: int,
    statuses: tuple[int, ...] = (422,),
    **extra: Any,
) -> int:
    """Send every raw bad body and every bad variant of ``valid``; each must be refused. The count sent."""
    sent = 0
    for content, allowed in raw_bodies(max_bytes):
        refused(await client.request(method, url, content=content, headers={**headers, **JSON}, **extra), *allowed)
        sent += 1
    for body in variants(valid, fields):
        refused(await client.request(method, url, json=body, headers=headers, **extra), *statuses)
        sent += 1
    return sent


async def outbox_size(runtime: ServiceRuntime) -> int:
    """Events the service committed: a refused request adds none."""
    async with runtime.db.engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(runtime.db.outbox)) or 0)


async def rows(runtime: ServiceRuntime, table: Any) -> int:
    async with runtime.db.engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)) or 0)
