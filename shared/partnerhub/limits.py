"""Input limits every service applies before FastAPI reads a request: an ASGI middleware.

- **Size**: a body (JSON, a form) larger than ``json_max_bytes`` is a 413, refused from its
  Content-Length before it is read, or as soon as it grows past the limit.
- **Nesting**: a body nested deeper than ``json_max_depth`` arrays/objects is a 422. Python's
  JSON parser recurses per level (50,000 nested arrays were a RecursionError, a 500), so the
  bytes are scanned first, without recursion: strings are cut out, the brackets counted.
- **NUL**: no NUL in any JSON string (``\\u0000``), in a body's raw bytes, in the path or in
  the query string (422). PostgreSQL cannot store it in text; no field of ours means it.

File uploads keep their own limits: multipart/form-data bodies, and the paths a service names in
``ServiceDefinition.raw_bodies`` (routes that stream their upload), are left to their routes.
Every refusal is an RFC 9457 problem, like every other 4xx.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from partnerhub.errors import PROBLEM_MEDIA_TYPE, Problem

DEFAULT_MAX_BYTES = 1024 * 1024
DEFAULT_MAX_DEPTH = 64

_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)  # a JSON string, escapes included
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_ESCAPED_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")  # \u0000 behind an even number of backslashes
_OPENING = frozenset(b"[{")


def json_depth(body: bytes, stop_after: int | None = None) -> int:
    """How deeply arrays and objects nest in ``body`` (brackets inside strings do not count);
    counting stops once it passes ``stop_after``. Needs no valid JSON and never recurses."""
    skeleton = _NOT_BRACKET.sub(b"", _STRING.sub(b"", body))
    depth = deepest = 0
    for byte in skeleton:
        if byte in _OPENING:
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_after is not None and deepest > stop_after:
                    break
        else:
            depth -= 1
    return deepest


def has_escaped_nul(body: bytes) -> bool:
    """Whether a JSON text holds ``\\u0000`` (and not merely the characters ``\\\\u0000``)."""
    return b"\\u0000" in body and _ESCAPED_NUL.search(body) is not None


def too_large(limit: int) -> Problem:
    return Problem(f"The request body is larger than {limit:,} bytes.", status=413, slug="payload-too-large", title="Payload too large")


def _nul(where: str) -> Problem:
    return Problem(f"The {where} contains a NUL character.", status=422, slug="nul-character", title="Invalid request")


def body_problem(body: bytes, content_type: str, max_depth: int) -> Problem | None:
    """Why a (non-upload) body is refused before it is parsed, or None."""
    if b"\x00" in body:  # never in JSON or a form (and UTF-16/32 JSON would hide from the scan below)
        return _nul("request body")
    if content_type.startswith("application/x-www-form-urlencoded"):
        return _nul("form") if b"%00" in body else None
    if has_escaped_nul(body):
        return _nul("JSON body")
    if json_depth(body, stop_after=max_depth) > max_depth:
        return Problem(
            f"The JSON body nests arrays or objects more than {max_depth} levels deep.",
            status=422,
            slug="nesting-too-deep",
            title="Invalid request",
        )
    return None


def url_problem(scope: Scope) -> Problem | None:
    if "\x00" in scope.get("path", ""):
        return _nul("path")
    query: bytes = scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        return _nul("query string")
    return None


def route_path(scope: Scope) -> str:
    """The path inside the app (without the prefix it is mounted under)."""
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root + "/") else path


class InputLimitsMiddleware:
    """Reads a non-upload body (up to the limit), refuses it or hands the same bytes on."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_depth: int = DEFAULT_MAX_DEPTH,
        raw_bodies: Sequence[str] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_depth = max_depth
        self.raw_bodies = tuple(raw_bodies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = url_problem(scope)
        if problem is not None:
            await _refuse(problem, scope, receive, send)
            return
        headers = Headers(scope=scope)
        content_type = headers.get("content-type", "").lower()
        path = route_path(scope)
        if content_type.startswith("multipart/form-data") or any(path.startswith(p) for p in self.raw_bodies):
            await self.app(scope, receive, send)
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await _refuse(too_large(self.max_bytes), scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _refuse(too_large(self.max_bytes), scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        # multipart/mixed (xAPI statements with attachment data): binary parts; its route checks the JSON part
        scanned = body and not content_type.startswith("multipart/mixed")
        problem = body_problem(body, content_type, self.max_depth) if scanned else None
        if problem is not None:
            await _refuse(problem, scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    delivered = False

    async def replayed() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()  # after the body: wait for the disconnect, as the server would
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


async def _refuse(problem: Problem, scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse(
        problem.body(scope.get("path") or None), status_code=problem.status, media_type=PROBLEM_MEDIA_TYPE
    )
    await response(scope, receive, send)
