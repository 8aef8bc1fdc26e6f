"""Standalone: every service in one process, mounted under ``/<service>`` on one port,
each on its own SQLite file, all on one in-process bus. For a newcomer's first run
and for demos: dev tokens on, manual clock, demo data. Not for production.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from partnerhub.auth import Authenticator, Principal, current_principal, mint_token, require_roles
from partnerhub.bus.asyncapi import asyncapi_document
from partnerhub.bus.inprocess import InProcessBroker, InProcessTransport
from partnerhub.clocks import Clocks
from partnerhub.errors import install_problem_handlers
from partnerhub.http import (
    TODAY_RESPONSES,
    WAIT_QUERY,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
    TodayIn,
)
from partnerhub.limits import InputLimitsMiddleware
from partnerhub.logging import configure_logging, get_logger
from partnerhub.openapi import check_operation_ids, install_openapi, operation_id
from partnerhub.registry import discover
from partnerhub.service import NO_NATIVE_TELEMETRY, ServiceDefinition, ServiceRuntime
from partnerhub.settings import ServiceSettings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

log = get_logger(__name__)
ADDRESS_FILE = "standalone.json"  # in the data folder while the system runs: {"url": ..., "pid": ...}
# the other services' pages (partnerhub.ui): banner label, the overview's link text, who uses them
OTHER_PAGES = {
    "identity": ("My identity", "ui/", "My identity: my partner, my other CCO IDs and merges, who may see my records", "individuals"),
    "specialization": ("applications", "ui/", "Apply for and renew specializations", "partner admins, PAMs, program staff"),
    "certification": ("certifications", "ui/", "My certifications", "individuals, partner admins; program staff: exam replacements"),
    "learning": ("proofs, review", "ui/proofs", "Cisco Live proofs and staff review", "individuals; program staff: ui/review"),
    "notify": ("failed mail", "ui/failed", "Failed mail to retry", "program staff"),
}
INDEX_CSS = "body { font-family: system-ui; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }\n"


class SystemReadyOut(BaseModel):
    status: str = Field(description="`ready` while every service's database answers, else `not ready` (then 503)")
    checks: dict[str, dict[str, str]] = Field(
        description="per service: its `database` (`ok`, or why not) and its `broker` (`ok` or `down`)"
    )


READY_RESPONSES: dict[int | str, dict[str, Any]] = {
    503: {"model": SystemReadyOut, "description": "Not ready: see `checks`"}
}


def _demo_story_path() -> Path | None:
    """``PARTNERHUB_DEMO_STORY`` (``none``: no story), else the repository's ``deploy/demo/story.py`` if present."""
    import os

    named = os.environ.get("PARTNERHUB_DEMO_STORY", "")
    if named.lower() == "none":
        return None
    path = Path(named) if named else Path(__file__).resolve().parents[2] / "deploy" / "demo" / "story.py"
    return path if path.is_file() else None


class Standalone:
    def __init__(
        self,
        data_dir: Path,
        *,
        definitions: Sequence[ServiceDefinition] | None = None,
        demo: bool = False,
        clock: str = "manual",
        start_date: date | None = None,
        base_url: str = "http://127.0.0.1:8000",
        banner: bool = False,
        overrides: dict[str, Any] | None = None,
        tracer_provider: TracerProvider | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.demo = demo
        self.base_url = base_url.rstrip("/")
        self.banner = banner
        self.broker = InProcessBroker()
        definitions = list(definitions) if definitions is not None else list(discover().values())
        self.runtimes: dict[str, ServiceRuntime] = {}
        for definition in definitions:
            settings = definition.settings_cls(
                database_url=f"sqlite+aiosqlite:///{(data_dir / f'{definition.name}.db').resolve()}",
                bus="inprocess",
                clock=clock,
                start_date=start_date,
                dev_tokens=True,
                environment="dev",
                **(overrides or {}),
            )
            self.runtimes[definition.name] = ServiceRuntime(
                definition,
                settings,
                transport=InProcessTransport(self.broker),
                own_lifespan=False,
                tracer_provider=tracer_provider,
            )
        first = next(iter(self.runtimes.values()))
        self.settings: ServiceSettings = first.settings
        self.auth = Authenticator(self.settings)
        self.clocks = Clocks({name: r.clock for name, r in self.runtimes.items()})
        self.app = self._build_app()

    async def start(self) -> None:
        configure_logging(self.settings.log_format, self.settings.log_level)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        for runtime in self.runtimes.values():
            await runtime.start()
        if self.demo:
            for runtime in self.runtimes.values():
                if runtime.definition.seed is not None:
                    await runtime.definition.seed(runtime)
            await self._demo_story()
        self.address_file.write_text(json.dumps({"url": self.base_url, "pid": os.getpid()}) + "\n")
        if self.banner:
            print(self.banner_text(), flush=True)

    @property
    def address_file(self) -> Path:
        """Where a running standalone says where it listens: ``partnerhub today set`` reads it from the data
        folder, so it moves this system's clock, never a default port's."""
        return self.data_dir / ADDRESS_FILE

    async def _demo_story(self) -> None:
        """After the seeds: the optional cross-service storyline (``deploy/demo/story.py`` of the repository, or the
        file named by ``PARTNERHUB_DEMO_STORY``; ``none`` switches it off). It drives the public API and the manual
        clock; a failure is logged and the system still starts."""
        import importlib.util

        path = _demo_story_path() if self.settings.clock == "manual" else None
        if path is None:
            return
        try:
            spec = importlib.util.spec_from_file_location("partnerhub_demo_story", path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            await module.run(self)
        except Exception:  # the demo is a convenience: never stop the system from starting
            log.exception("demo story failed", path=str(path))

    async def stop(self) -> None:
        self.address_file.unlink(missing_ok=True)
        await self.clocks.stop()
        for runtime in reversed(list(self.runtimes.values())):
            await runtime.stop()

    def staff_token(self) -> str:
        return mint_token(self.settings, "staff.ana", ["program_staff"], ttl_seconds=12 * 3600)

    def _demo_people(self) -> list[tuple[str, str]]:
        """Who the demo data makes, as the service that seeds them says (its ``demo_people`` extra)."""
        if not self.demo:
            return []
        found: list[tuple[str, str]] = []
        for runtime in self.runtimes.values():
            people = runtime.definition.extras.get("demo_people")
            found += people() if callable(people) else []
        return found

    def _mail_folder(self) -> Path | None:
        notify = self.runtimes.get("notify")
        folder = getattr(notify.settings, "mail_folder", None) if notify else None
        return Path(folder()) if callable(folder) and not getattr(notify.settings, "smtp_host", "") else None

    def banner_text(self) -> str:
        lines = [
            "",
            "partnerhub standalone  (DEV ONLY: SQLite, in-process bus, dev tokens on, manual clock)",
            f"  data folder     {self.data_dir.resolve()}",
            f"  overview        {self.base_url}/",
        ]
        if "learning" in self.runtimes:
            lines.append(f"  CL View pages   {self.base_url}/learning/ui/   (partner admins, PAMs, program staff)")
        for name, (label, path, _lead, who) in OTHER_PAGES.items():
            if name in self.runtimes:
                lines.append(f"  {label:<16}{self.base_url}/{name}/{path}   ({who})")
        for name in self.runtimes:
            lines.append(f"  {name:<16}{self.base_url}/{name}/docs   (health {self.base_url}/{name}/healthz)")
        if demo_people := self._demo_people():
            lines += ["  demo people     sign in as any of them on the CL View's sign-in page:"]
            lines += [f"                  {who:<12} {what}" for who, what in demo_people]
        mail = self._mail_folder()
        if mail is not None:
            lines.append(f"  mail            written as .eml files to {mail.resolve()} (no SMTP server set)")
        lines += [
            f"  move the date   partnerhub today set YYYY-MM-DD --data-dir {self.data_dir}"
            f"   (or PUT {self.base_url}/v1/admin/today)",
            "  a program-staff token for the docs' Authorize button (12 h):",
            f"  {self.staff_token()}",
            "",
        ]
        return "\n".join(lines)

    def _build_app(self) -> FastAPI:
        @asynccontextmanager
        async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
            await self.start()
            try:
                yield
            finally:
                await self.stop()

        app = FastAPI(
            title="partnerhub (standalone)", lifespan=lifespan, docs_url=None, redoc_url=None,
            generate_unique_id_function=operation_id, telemetry=NO_NATIVE_TELEMETRY,
        )
        app.state.runtime = self
        install_problem_handlers(app)
        # the root's own routes (PUT /v1/admin/today) read JSON too; each mounted service checks its own requests
        app.add_middleware(
            InputLimitsMiddleware,
            max_bytes=self.settings.json_max_bytes,
            max_depth=self.settings.json_max_depth,
            raw_bodies=tuple(f"/{name}/" for name in self.runtimes),
        )
        install_openapi(app)
        app.add_middleware(RequestContextMiddleware, service="standalone")
        app.add_middleware(SecurityHeadersMiddleware)
        self._add_overview_routes(app)
        self._add_clock_routes(app)
        for name, runtime in self.runtimes.items():
            app.mount(f"/{name}", runtime.app)
        check_operation_ids(app)
        return app

    def _index_html(self) -> str:
        """The start page: the services with their documents, the CL View, the demo people, where mail goes."""
        items = "".join(
            f'<li><b>{html.escape(n)}</b>: {html.escape(r.definition.description)} '
            f'<a href="/{n}/docs">API docs</a> · <a href="/{n}/openapi.json">OpenAPI</a> · '
            f'<a href="/{n}/asyncapi.json">AsyncAPI</a> · <a href="/{n}/healthz">health</a></li>'
            for n, r in self.runtimes.items()
        )
        pages = (
            '<p class="lead"><a href="/learning/ui/">Open the CL View</a>: partners\' Continuous Learning '
            "points, specializations and roles, for partner admins, PAMs and program staff.</p>"
            if "learning" in self.runtimes else ""
        ) + "".join(
            f'<p class="lead"><a href="/{n}/{path}">{html.escape(lead)}</a> ({html.escape(who)}).</p>'
            for n, (_label, path, lead, who) in OTHER_PAGES.items() if n in self.runtimes
        )
        demo_people = self._demo_people()
        people = (
            "<h2>Demo people</h2><p>Sign in as any of them on the CL View's sign-in page.</p><ul>"
            + "".join(f"<li><b>{html.escape(w)}</b>: {html.escape(d)}</li>" for w, d in demo_people)
            + "</ul>"
            if demo_people else ""
        )
        mail = self._mail_folder()
        mailed = (
            f"<p>Mail is written as .eml files to <code>{html.escape(str(mail.resolve()))}</code>.</p>"
            if mail is not None else ""
        )
        return (
            "<!doctype html><html lang=en><head><meta charset=utf-8><title>partnerhub</title>"
            '<meta name=viewport content="width=device-width,initial-scale=1">'
            '<link rel=stylesheet href="/index.css"></head>'
            "<body>"
            "<h1>partnerhub</h1><p>Standalone mode: every service in one process (dev only).</p>"
            f"{pages}<h2>Services</h2><ul>{items}</ul>{people}{mailed}</body></html>"
        )

    def _add_overview_routes(self, app: FastAPI) -> None:
        """The start page and the whole system's services, health, readiness and AsyncAPI."""

        @app.get("/", response_class=HTMLResponse, include_in_schema=False)
        async def index() -> str:
            return self._index_html()

        @app.get("/index.css", include_in_schema=False)
        async def index_css() -> Response:  # a file, not a style="" attribute: the page's CSP allows no inline style
            return Response(INDEX_CSS, media_type="text/css; charset=utf-8")

        @app.get("/services")
        async def services() -> dict[str, dict[str, str]]:
            return {
                name: {"docs": f"/{name}/docs", "openapi": f"/{name}/openapi.json", "asyncapi": f"/{name}/asyncapi.json"}
                for name in self.runtimes
            }

        @app.get("/healthz")
        async def healthz() -> dict[str, Any]:
            return {"status": "ok", "services": list(self.runtimes)}

        @app.get("/readyz", response_model=SystemReadyOut, responses=READY_RESPONSES)
        async def readyz() -> JSONResponse:
            checks = {name: await r.ready() for name, r in self.runtimes.items()}
            ok = all(c["database"] == "ok" for c in checks.values())
            return JSONResponse({"status": "ready" if ok else "not ready", "checks": checks}, status_code=200 if ok else 503)

        @app.get("/asyncapi.json")
        async def asyncapi() -> dict[str, Any]:
            produces = [e for r in self.runtimes.values() for e in r.definition.produces]
            consumes = [e for r in self.runtimes.values() for e in r.definition.subscriptions]
            return asyncapi_document("partnerhub events", produces, consumes)

    def _add_clock_routes(self, app: FastAPI) -> None:
        """Every service's business date, and moving every manual clock at once."""

        @app.get("/v1/admin/today", summary="Every service's business date, and the progress of a jump of them all")
        async def get_today(_: Principal = Depends(current_principal)) -> dict[str, Any]:
            return await self.clocks.status()

        @app.put(
            "/v1/admin/today",
            summary="Move every service's manual clock forward, in order (each one's daily jobs done before the next moves)",
            responses=TODAY_RESPONSES,
        )
        async def put_today(
            body: TodayIn,
            request: Request,
            wait: bool | None = WAIT_QUERY,
            _: Principal = Depends(require_roles("program_staff")),
        ) -> JSONResponse:
            days = await self.clocks.start(body.date)
            if wait is False or (wait is None and days > self.settings.clock_wait_days):
                return JSONResponse(await self.clocks.status(), status_code=202, headers={"Location": request.url.path})
            results = await self.clocks.wait()
            return JSONResponse({"today": body.date.isoformat(), "services": results})
