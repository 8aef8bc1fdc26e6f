"""Routes and middleware every service has: health, readiness, metrics, AsyncAPI, the clock."""

from __future__ import annotations

import re
import time
from datetime import date
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from partnerhub.auth import Principal, current_principal, require_roles
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


platform_router = APIRouter()


def _runtime(request: Request) -> ServiceRuntime:
    return request.app.state.runtime  # type: ignore[no-any-return]


@platform_router.get("/healthz", tags=["platform"], summary="The process is alive")
async def healthz(request: Request) -> dict[str, str]:
    return {"status": "ok", "service": _runtime(request).name}


class ReadyOut(BaseModel):
    status: str = Field(description="`ready`, or `not ready` (then 503)")
    service: str
    checks: dict[str, str] = Field(description="`ok`, or why not, for the database and the broker")


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
    summary="Database and broker reachable",
    response_model=ReadyOut,
    responses=READY_RESPONSES,
)
async def readyz(request: Request) -> JSONResponse:
    runtime = _runtime(request)
    checks = await runtime.ready()
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ok else "not ready", "service": runtime.name, "checks": checks},
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
    409: {"description": "the clock is not manual, or the date is in the past"}
}


class TodayOut(BaseModel):
    today: date
    clock: str
    previous: date | None = None
    days_run: int | None = None


@platform_router.get("/v1/admin/today", tags=["platform"], summary="The service's business date")
async def get_today(request: Request, _: Principal = Depends(current_principal)) -> TodayOut:
    runtime = _runtime(request)
    return TodayOut(today=await runtime.clock.today(), clock=runtime.clock.mode)


@platform_router.put(
    "/v1/admin/today",
    tags=["platform"],
    summary="Move a manual clock forward; runs the daily jobs for each day passed (program staff)",
    responses=TODAY_RESPONSES,
)
async def put_today(
    body: TodayIn, request: Request, _: Principal = Depends(require_roles("program_staff"))
) -> TodayOut:
    runtime = _runtime(request)
    result = await runtime.clock.set_today(body.date)
    return TodayOut(
        today=body.date,
        clock=runtime.clock.mode,
        previous=date.fromisoformat(str(result["previous"])),
        days_run=int(str(result["days_run"])),
    )
