"""The input-limits middleware on a tiny app: what it refuses, what it hands on untouched."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request

from partnerhub.limits import InputLimitsMiddleware

PROBLEM = "application/problem+json"


def app(**limits: Any) -> FastAPI:
    api = FastAPI()
    api.add_middleware(InputLimitsMiddleware, **limits)

    @api.post("/echo")
    async def echo(request: Request) -> dict[str, Any]:
        body = await request.body()
        return {"size": len(body), "head": body[:20].decode("latin-1")}

    @api.post("/uploads")
    async def upload(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    return api


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app(max_bytes=1024, max_depth=4, raw_bodies=("/uploads",)))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        yield http


async def test_a_body_within_the_limits_reaches_the_route_byte_for_byte(client: httpx.AsyncClient) -> None:
    body = b'{"a": [[["x"]]], "b": "' + b"y" * 900 + b'"}'
    r = await client.post("/echo", content=body, headers={"content-type": "application/json"})
    assert r.json() == {"size": len(body), "head": body[:20].decode()}


async def test_too_large_by_content_length_or_by_what_arrives(client: httpx.AsyncClient) -> None:
    declared = await client.post("/echo", content=b"x" * 1025, headers={"content-type": "application/json"})
    assert (declared.status_code, declared.headers["content-type"]) == (413, PROBLEM)

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(3):
            yield b"x" * 500

    streamed = await client.post("/echo", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413 and streamed.json()["type"] == "urn:partnerhub:problem:payload-too-large"


async def test_too_deep_and_nul_are_problems(client: httpx.AsyncClient) -> None:
    deep = await client.post("/echo", content=b"[[[[[]]]]]", headers={"content-type": "text/plain"})
    assert (deep.status_code, deep.json()["type"]) == (422, "urn:partnerhub:problem:nesting-too-deep")
    nul = await client.post("/echo?q=a%00", content=b"{}")
    assert (nul.status_code, nul.json()["type"]) == (422, "urn:partnerhub:problem:nul-character")


async def test_uploads_keep_their_own_limits(client: httpx.AsyncClient) -> None:
    big = b"[" * 5000
    assert (await client.post("/uploads", content=big, headers={"content-type": "text/csv"})).json() == {"size": 5000}
    form = await client.post("/echo", files={"file": ("a.csv", big, "text/csv")})
    assert form.status_code == 200 and form.json()["size"] > 5000


async def test_multipart_mixed_keeps_the_size_limit_but_its_binary_parts_are_not_scanned(client: httpx.AsyncClient) -> None:
    """xAPI statements with attachment data: a part may hold NUL bytes (the route checks its JSON part)."""
    body = b"--b\r\nContent-Type: application/json\r\n\r\n{}\r\n--b\r\nX-Experience-API-Hash: x\r\n\r\n\x00\xff\r\n--b--\r\n"
    kept = await client.post("/echo", content=body, headers={"content-type": "multipart/mixed; boundary=b"})
    assert kept.status_code == 200 and kept.json()["size"] == len(body)
    too_large = await client.post("/echo", content=b"x" * 1025, headers={"content-type": "multipart/mixed; boundary=b"})
    assert too_large.status_code == 413
