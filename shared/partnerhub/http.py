"""Routes and middleware every service has: health, readiness, metrics, AsyncAPI, the clock,
the correlation id and the security headers."""

from __future__ import annotations

import re
import time
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from partnerhub.auth import Principal, current_principal, require_roles
from partnerhub.clock import ClockStatus, DailyJobFailed
from partnerhub.errors import Problem
from partnerhub.logging import CORRELATION_HEADER, get_logger, log_context, new_correlation_id

if TYPE_CHECKING:
    from partnerhub.service import ServiceRuntime

log = get_logger("partnerhub.http")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_SCOPE_KEY = "partnerhub.correlation_id"
_LOGGED_KEY = "partnerhub.request_logged"


class RequestContextMiddleware:
    """Correlation id from ``X-Correlation-ID`` (or a new one) on every log line and response."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        outer = _SCOPE_KEY not in scope
        if outer:
            incoming = ""
            for name, value in scope.get("headers", []):
                if name == b"x-correlation-id":
                    incoming = value.decode("latin-1")
                    break
            scope[_SCOPE_KEY] = incoming if _SAFE_ID.match(incoming) else new_correlation_id()
            scope[_LOGGED_KEY] = False
        correlation_id: str = scope[_SCOPE_KEY]
        status = 500
        started = time.perf_counter()

        async def send_with_header(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if outer:
                    headers = list(message.get("headers", []))
                    headers.append((CORRELATION_HEADER.lower().encode(), correlation_id.encode()))
                    message["headers"] = headers
            await send(message)

        with log_context(correlation_id=correlation_id, service=self.service):
            try:
                await self.app(scope, receive, send_with_header)
            finally:
                # a service mounted inside standalone logs the line; the outer app only if none did
                path = scope.get("path", "")
                if not scope.get(_LOGGED_KEY) and not path.endswith(("/healthz", "/metrics", "/readyz")):
                    scope[_LOGGED_KEY] = True
                    log.info(
                        "request",
                        method=scope.get("method"),
                        path=path,
                        status=status,
                        ms=round((time.perf_counter() - started) * 1000, 1),
                    )


# security headers ---------------------------------------------------------------------------------
# HTML pages: only the page's own assets, no inline script or style, forms only to this origin, never framed.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# JSON, CSV, files: nothing in them may run or load anything
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Swagger UI and ReDoc: their bundles are served by the service itself (fastapi-offline, no CDN) and
# start with an inline script; nothing is loaded from anywhere else
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; img-src 'self' data:; worker-src 'self' blob:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
DOCS_PATHS = ("/docs", "/redoc", "/docs/oauth2-redirect")
_COMMON_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)


class SecurityHeadersMiddleware:
    """Security headers on every response, each only where the app has not set its own:
    ``nosniff``, ``X-Frame-Options: DENY``, ``Referrer-Policy: same-origin`` (the pages' Referer check
    needs same-origin referrers) and a Content-Security-Policy by kind: ``PAGE_POLICY`` for HTML,
    ``DOCS_POLICY`` for the API docs at ``docs_paths`` (relative to the app's root path), ``API_POLICY``
    for everything else. HSTS over HTTPS. A mounted app's own middleware answers first."""

    def __init__(self, app: ASGIApp, docs_paths: tuple[str | None, ...] = ()) -> None:
        self.app = app
        self.docs_paths = frozenset(p for p in docs_paths if p)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        root: str = scope.get("root_path", "")
        relative = path[len(root):] if root and path.startswith(root) else path
        docs = relative in self.docs_paths
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                added = list(_COMMON_HEADERS)
                if b"content-security-policy" not in present:
                    added.append((b"content-security-policy", _policy(headers, docs).encode()))
                if https:
                    added.append((b"strict-transport-security", b"max-age=31536000"))
                headers += [(name, value) for name, value in added if name not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _policy(headers: list[tuple[bytes, bytes]], docs: bool) -> str:
    if docs:
        return DOCS_POLICY
    content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
    return PAGE_POLICY if content_type.lower().startswith(b"text/html") else API_POLICY


platform_router = APIRouter()


def _runtime(request: Request) -> ServiceRuntime:
    return cast("ServiceRuntime", request.app.state.runtime)


@platform_router.get("/healthz", tags=["platform"], summary="The process is alive")
async def healthz(request: Request) -> dict[str, str]:
    return {"status": "ok", "service": _runtime(request).name}


class ReadyOut(BaseModel):
    status: str = Field(description="`ready` while the database answers, else `not ready` (then 503)")
    service: str
    database: str = Field(description="`ok`, or why not")
    broker: str = Field(
        description="`ok` or `down`; a broker that is down does not make the service unready: "
        "its writes go on, their events wait in the outbox"
    )
    checks: dict[str, str] = Field(description="the same two, `database` and `broker`, as one object")


READY_RESPONSES: dict[int | str, dict[str, Any]] = {503: {"model": ReadyOut, "description": "Not ready: see `checks`"}}
METRICS_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Prometheus text exposition format 0.0.4",
        "content": {"text/plain": {"schema": {"type": "string"}}},
    }
}


@platform_router.get(
    "/readyz",
    tags=["platform"],
    summary="Can serve requests: the database answers (the broker's state is reported, not required)",
    response_model=ReadyOut,
    responses=READY_RESPONSES,
)
async def readyz(request: Request) -> JSONResponse:
    runtime = _runtime(request)
    checks = await runtime.ready()
    ok = checks["database"] == "ok"
    return JSONResponse(
        {"status": "ready" if ok else "not ready", "service": runtime.name, **checks, "checks": checks},
        status_code=200 if ok else 503,
    )


@platform_router.get(
    "/metrics",
    tags=["platform"],
    summary="Prometheus metrics",
    response_class=PlainTextResponse,
    responses=METRICS_RESPONSES,
)
async def metrics(request: Request) -> Response:
    runtime = _runtime(request)
    return Response(runtime.metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")


@platform_router.get("/asyncapi.json", tags=["platform"], summary="AsyncAPI document of this service's events")
async def asyncapi(request: Request) -> dict[str, Any]:
    return _runtime(request).asyncapi()


class TodayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: date


TODAY_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"description": "a long jump: its daily jobs run in the background; poll GET /v1/admin/today"},
    409: {"description": "the clock is not manual, the date is in the past, or a jump is running"},
    422: {"description": "the date is further than CLOCK_MAX_JUMP_DAYS, or past the last date the system represents"},
    500: {"description": "a daily job failed: the clock stays at the day before, the error is kept"},
}


class TodayOut(BaseModel):
    """The clock's date (the last day whose daily jobs all committed) and its latest jump."""

    today: date
    clock: str
    previous: date | None = Field(None, description="the date before this PUT")
    days_run: int | None = Field(None, description="days whose daily jobs this PUT ran (once they are done)")
    target: date | None = Field(None, description="the date the latest jump moves (or moved) to")
    running: bool = Field(False, description="the jump's daily jobs are still running")
    days_done: int = Field(0, description="days of the jump recorded so far")
    days_total: int = Field(0, description="days of the jump")
    last_error: str | None = Field(None, description="why the jump stopped short of its target (move again to resume)")

    @classmethod
    def of(cls, status: ClockStatus, **extra: Any) -> TodayOut:
        return cls(
            today=status.today,
            clock=status.mode,
            target=status.target,
            running=status.running,
            days_done=status.days_done,
            days_total=status.days_total,
            last_error=status.last_error,
            **extra,
        )


WAIT_QUERY = Query(
    None,
    description="true: answer once every day's jobs are done (200); false: answer at once (202) and run them in "
    "the background; absent: wait for a jump of up to CLOCK_WAIT_DAYS days",
)


def jobs_failed(exc: DailyJobFailed, status: ClockStatus) -> Problem:
    return Problem(
        f"The clock stopped at {status.today.isoformat()}: {exc}. Fix the cause and move it again to resume.",
        status=500,
        slug="clock-jobs-failed",
        title="Daily jobs failed",
        **status.as_dict(),
    )


@platform_router.get("/v1/admin/today", tags=["platform"], summary="The service's business date and the progress of a jump")
async def get_today(request: Request, _: Principal = Depends(current_principal)) -> TodayOut:
    return TodayOut.of(await _runtime(request).clock.status())


@platform_router.put(
    "/v1/admin/today",
    tags=["platform"],
    summary="Move a manual clock forward; runs the daily jobs for each day passed (program staff)",
    responses=TODAY_RESPONSES,
)
async def put_today(
    body: TodayIn,
    request: Request,
    response: Response,
    wait: bool | None = WAIT_QUERY,
    _: Principal = Depends(require_roles("program_staff")),
) -> TodayOut:
    runtime = _runtime(request)
    clock = runtime.clock
    began = await clock.start_jump(body.date)
    if wait is False or (wait is None and began.days_total > runtime.settings.clock_wait_days):
        response.status_code = 202
        response.headers["Location"] = request.url.path
        return TodayOut.of(began, previous=began.today)
    try:
        days = await clock.wait()
    except DailyJobFailed as exc:
        raise jobs_failed(exc, await clock.status()) from exc
    return TodayOut.of(await clock.status(), previous=began.today, days_run=days)
