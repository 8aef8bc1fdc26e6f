"""A service: its definition (what it is) and its runtime (it, wired and running).

``ServiceRuntime(definition, settings)`` is the composition root: it builds the
engine, the transport, the outbox relay, the consumer, the clock and the HTTP
app from the settings passed in. Nothing is created at import time.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from fastapi import APIRouter, FastAPI, Request
from fastapi_offline import FastAPIOffline
from sqlalchemy import MetaData

from partnerhub import faults, tracing
from partnerhub.auth import Authenticator
from partnerhub.bus.asyncapi import asyncapi_document
from partnerhub.bus.consumer import EventConsumer, EventHandler
from partnerhub.bus.envelope import Event
from partnerhub.bus.inprocess import InProcessBroker, InProcessTransport
from partnerhub.bus.outbox import OutboxRelay
from partnerhub.bus.rabbitmq import RabbitTransport
from partnerhub.bus.transport import Subscription, Transport, cancel_tasks
from partnerhub.clock import Clock, DailyJob
from partnerhub.db.engine import database_unreachable, make_engine
from partnerhub.db.migrations import migrate
from partnerhub.db.uow import Database
from partnerhub.errors import install_problem_handlers
from partnerhub.http import (
    DOCS_PATHS,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
    platform_router,
)
from partnerhub.limits import InputLimitsMiddleware
from partnerhub.logging import configure_logging, get_logger
from partnerhub.metrics import ServiceMetrics
from partnerhub.openapi import check_operation_ids, install_openapi, operation_id
from partnerhub.settings import ServiceSettings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

log = get_logger(__name__)


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    title: str
    port: int
    settings_cls: type[ServiceSettings]
    metadata: MetaData
    migrations_dir: Path
    routers: Sequence[APIRouter] = ()  # matched in this order: the everyday paths first
    subscriptions: Mapping[type[Event], EventHandler] = field(default_factory=dict)
    produces: Sequence[type[Event]] = ()
    jobs: Sequence[DailyJob] = ()
    seed: Callable[[ServiceRuntime], Awaitable[None]] | None = None
    description: str = ""
    # named hooks a service offers to the platform or CLI (e.g. "mint_token"); the platform never imports services
    extras: Mapping[str, Any] = field(default_factory=dict)
    # long-running loops of the service (e.g. a mail sender): each is started as a task by
    # ServiceRuntime.start and cancelled by ServiceRuntime.stop; it should not return while running
    background: Sequence[Callable[[ServiceRuntime], Awaitable[None]]] = ()
    # path prefixes of routes that stream a file upload themselves, each with its own size limit:
    # the platform's body limits (partnerhub.limits) leave their bodies alone, as they do multipart ones
    raw_bodies: Sequence[str] = ()
    # an example request body per operation, keyed "METHOD /path", shown in the OpenAPI (api/examples.py)
    request_examples: Mapping[str, Any] = field(default_factory=dict)

    @property
    def queue(self) -> str:
        return f"{self.name}.events"

    def settings(self, **overrides: Any) -> ServiceSettings:
        return self.settings_cls(**overrides)


def build_transport(settings: ServiceSettings, service: str, broker: InProcessBroker | None = None) -> Transport:
    if settings.bus == "inprocess":
        return InProcessTransport(broker or InProcessBroker())
    return RabbitTransport(
        settings.broker_urls(),
        namespace=settings.namespace,
        publish_timeout=settings.publish_timeout,
        service=service,
        heartbeat=settings.rabbitmq_heartbeat,
        quorum_size=settings.rabbitmq_quorum_size,
        transient=database_unreachable,
    )


S = TypeVar("S", bound=ServiceSettings)


class ServiceRuntime:
    def __init__(
        self,
        definition: ServiceDefinition,
        settings: ServiceSettings,
        *,
        transport: Transport | None = None,
        own_lifespan: bool = True,
        tracer_provider: TracerProvider | None = None,
        freeze_heap: bool = False,
    ) -> None:
        self.definition = definition
        self.name = definition.name
        self._freeze_heap = freeze_heap  # a served process: see freeze_started_heap
        self.settings = settings
        self.metrics = ServiceMetrics(definition.name)
        # traces: the provider handed in (tests, standalone), else one from the OTEL_* variables, else none (off)
        self._owns_tracer_provider = tracer_provider is None
        self.tracer_provider = tracer_provider if tracer_provider is not None else tracing.provider_from_env(self.name)
        tracer = self.tracer_provider.get_tracer(tracing.TRACER_NAME) if self.tracer_provider is not None else None
        self.db = Database(make_engine(settings.database_url, pool_size=settings.database_pool_size), definition.metadata, producer=definition.name)
        if self.tracer_provider is not None:
            tracing.instrument_engine(self.db.engine, self.tracer_provider)
        self.transport = transport or build_transport(settings, definition.name)
        self.metrics.watch_broker(self.transport.is_ready)
        self.relay = OutboxRelay(
            self.db,
            self.transport,
            self.metrics,
            batch_size=settings.outbox_batch_size,
            poll_interval=settings.outbox_poll_interval,
            lease_seconds=settings.outbox_lease_seconds,
            publish_timeout=max(settings.publish_timeout * 3, 30.0),
            retention=timedelta(hours=settings.outbox_retention_hours),
            tracer=tracer,
        )
        self.clock = Clock(
            self.db,
            mode=settings.clock,
            start_date=settings.start_date,
            jobs=definition.jobs,
            max_jump_days=settings.clock_max_jump_days,
            max_jump_setting=f"{settings.env_prefix()}CLOCK_MAX_JUMP_DAYS (or PARTNERHUB_CLOCK_MAX_JUMP_DAYS)",
            settings=settings,
        )
        # handlers get the business date and the settings from the unit of work the consumer opens for them
        self.consumer = EventConsumer(
            self.db, definition.subscriptions, self.metrics, tracer=tracer, today=self.clock.today, settings=settings
        )
        self.auth = Authenticator(settings)
        self.started = False
        self._background: list[asyncio.Task[None]] = []
        self.app = self._build_app(own_lifespan)

    def settings_as(self, cls: type[S]) -> S:
        """The settings as the service's own class (``LearningSettings`` …); a TypeError when they are not."""
        if not isinstance(self.settings, cls):
            raise TypeError(f"{self.name} runs with {type(self.settings).__name__}, not {cls.__name__}")
        return self.settings

    # the HTTP app -----------------------------------------------------------------------------
    def _build_app(self, own_lifespan: bool) -> FastAPI:
        @asynccontextmanager
        async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
            if own_lifespan:
                await self.start()
                if self._freeze_heap:
                    freeze_started_heap()
            try:
                yield
            finally:
                if own_lifespan:
                    await self.stop()

        # Swagger UI and ReDoc from the package's own files: the docs work with no internet (fastapi-offline)
        app = FastAPIOffline(
            title=f"partnerhub {self.definition.title}",
            description=self.definition.description,
            version="1.0.0",
            lifespan=lifespan,
            generate_unique_id_function=operation_id,  # readable operationIds: the handler's name
            telemetry=NO_NATIVE_TELEMETRY,
        )
        app.state.runtime = self
        install_problem_handlers(app)
        app.add_middleware(
            InputLimitsMiddleware,
            max_bytes=self.settings.json_max_bytes,
            max_depth=self.settings.json_max_depth,
            raw_bodies=self.definition.raw_bodies,
        )
        app.add_middleware(RequestContextMiddleware, service=self.name)  # refusals are logged too
        app.add_middleware(
            SecurityHeadersMiddleware, docs_paths=DOCS_PATHS
        )
        install_openapi(app, self.definition.request_examples)
        docs_routes = len(app.router.routes)  # the OpenAPI document, Swagger UI and ReDoc, added by FastAPI
        for router in self.definition.routers:
            app.include_router(router)
        app.include_router(platform_router)
        # a request is matched against the routes in order, and FastAPI tries each router it passes: the
        # service's own routes first (its everyday paths first among them, ServiceDefinition.routers), then the
        # probes, the clock and the documents. No path of one is a path of another, so the order only saves work
        app.router.routes[:] = app.router.routes[docs_routes:] + app.router.routes[:docs_routes]
        check_operation_ids(app)
        self.metrics.instrument(app)  # the outermost middleware: it sees the refusals of the others too
        if self.tracer_provider is not None:
            tracing.instrument_app(app, self.tracer_provider)
        return app

    def asyncapi(self) -> dict[str, Any]:
        return asyncapi_document(
            f"partnerhub {self.definition.title} events",
            self.definition.produces,
            self.definition.subscriptions.keys(),
            exchange=f"{self.settings.namespace}partner.events",
        )

    # lifecycle --------------------------------------------------------------------------------
    async def start(self) -> None:
        if self.started:
            return
        configure_logging(self.settings.log_format, self.settings.log_level)
        faults.configure(self.settings.fault_points)  # test-only; empty (off) unless a fault test sets it
        if self.settings.migrate_on_start:
            await migrate(self.name, self.definition.migrations_dir, self.settings.database_url, settings=self.settings)
        await self.clock.initialise()
        if self.consumer.bindings:
            self.transport.subscribe(
                Subscription(
                    queue=self.definition.queue,
                    bindings=self.consumer.bindings,
                    handler=self.consumer.handle,
                    delivery_limit=self.settings.delivery_limit,
                    prefetch=self.settings.prefetch,
                    on_dead_letter=lambda t, _e: self.metrics.dead_lettered.labels(self.name, t).inc(),
                    batch_handler=self.consumer.handle_batch if self.settings.consumer_batch_size > 1 else None,
                    batch_size=self.settings.consumer_batch_size,
                )
            )
        await self.transport.start()
        self.relay.start()
        await self.clock.start()
        self._background = [
            asyncio.create_task(loop(self), name=f"{self.name}:background:{i}")
            for i, loop in enumerate(self.definition.background)
        ]
        self.started = True
        log.info("service started", service=self.name, bus=self.settings.bus, clock=self.settings.clock)

    async def stop(self) -> None:
        if not self.started:
            await self.db.dispose()
            return
        await cancel_tasks(self._background)
        self._background = []
        await self.clock.stop()
        await self.relay.stop()
        await self.transport.stop()
        await self.db.dispose()
        if self._owns_tracer_provider and self.tracer_provider is not None:
            self.tracer_provider.shutdown()  # exports what is left
        self.started = False
        log.info("service stopped", service=self.name)

    async def ready(self) -> dict[str, str]:
        """``database``: ``ok`` or why not; ``broker``: ``ok`` or ``down``. Ready means the database answers:
        without the broker a service still serves reads and writes (its events wait in the outbox)."""
        checks: dict[str, str] = {}
        try:
            await asyncio.wait_for(self.db.ping(), 3)
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"unreachable: {type(exc).__name__}"
        checks["broker"] = "ok" if self.transport.is_ready() else "down"
        return checks


def freeze_started_heap() -> None:
    """Once a served process has started: what it keeps for its lifetime (the app, its routes and models, the
    table metadata, the compiled statements) is left out of the garbage collector's walks (``gc.freeze``).
    Every full collection walked all of it: 7 % of a busy service's CPU went to the collector (measured)."""
    gc.collect()
    gc.freeze()


def runtime_from(request: Request) -> ServiceRuntime:
    """The runtime of the service handling the request."""
    return cast(ServiceRuntime, request.app.state.runtime)


# FastAPI's own OpenTelemetry support, off: the spans come from the instrumentor (tracing.instrument_app) when
# tracing is configured, and the native one looked the tracer provider up in the environment on every request
NO_NATIVE_TELEMETRY: dict[str, Any] = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}


# the dependencies are ``async def``: FastAPI runs a plain ``def`` dependency in its thread pool, a hand-off
# per dependency per request for what is an attribute read
async def runtime_of(request: Request) -> ServiceRuntime:
    """FastAPI dependency: the runtime of the service handling the request."""
    return runtime_from(request)


async def database_of(request: Request) -> Database:
    return runtime_from(request).db


def settings_of(cls: type[S]) -> Callable[[Request], Awaitable[S]]:
    """FastAPI dependency: the service's settings as its own class, ``Depends(settings_of(LearningSettings))``."""

    async def dependency(request: Request) -> S:
        return runtime_from(request).settings_as(cls)

    return dependency


async def today_of(request: Request) -> date:
    """FastAPI dependency: the service's business date (its clock), read once per request."""
    return await runtime_from(request).clock.today()
