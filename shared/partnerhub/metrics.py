"""Prometheus metrics, one registry per service (standalone mounts five in one process, each app its own).

In every registry: the bus (events published, consumed, failed …, the outbox backlog), the broker connection,
the HTTP requests (prometheus-fastapi-instrumentator: per route template, method and status) and the process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_fastapi_instrumentator import Instrumentator
from prometheus_fastapi_instrumentator.middleware import PrometheusInstrumentatorMiddleware
from starlette.middleware import Middleware
from starlette.requests import Request

# the platform's own routes are not counted (scrapes and probes would drown the requests that matter)
UNCOUNTED_ROUTES = ("/metrics", "/healthz", "/readyz")
ROUTES_REMEMBERED = 10_000  # (method, path) -> route template; forgotten all at once when full


class _RememberedRoutes(PrometheusInstrumentatorMiddleware):
    """The instrumentator's middleware, looking up the route template of a method and path once: its lookup
    walks the app's routes on every request, 54-157 µs a request in our services (measured), more than the
    router's own match. Routes never change after start, so a remembered template stays right."""

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._handlers: dict[tuple[str, str, str], tuple[str, bool]] = {}

    def _get_handler(self, request: Request) -> tuple[str, bool]:
        scope = request.scope
        key = (scope.get("method", ""), scope.get("root_path", ""), scope.get("path", ""))
        found = self._handlers.get(key)
        if found is None:
            found = super()._get_handler(request)
            if len(self._handlers) >= ROUTES_REMEMBERED:
                self._handlers.clear()
            self._handlers[key] = found
        return found


class ServiceMetrics:
    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        labels = ["service", "type"]
        self.published = Counter(
            "partnerhub_events_published", "Events published and confirmed", labels, registry=self.registry
        )
        self.consumed = Counter(
            "partnerhub_events_consumed", "Events applied by a handler", labels, registry=self.registry
        )
        self.duplicates = Counter(
            "partnerhub_events_duplicate", "Redelivered events skipped by the inbox", labels, registry=self.registry
        )
        self.failed = Counter(
            "partnerhub_events_failed", "Handler failures (each delivery)", labels, registry=self.registry
        )
        self.dead_lettered = Counter(
            "partnerhub_events_dead_lettered", "Events sent to the dead-letter queue", labels, registry=self.registry
        )
        self.handler_latency = Histogram(
            "partnerhub_handler_seconds", "Handler latency", labels, registry=self.registry
        )
        self.outbox_backlog = Gauge(
            "partnerhub_outbox_backlog", "Outbox rows not yet published", ["service"], registry=self.registry
        )
        self.publish_errors = Counter(
            "partnerhub_publish_errors", "Outbox publish rounds that failed", ["service"], registry=self.registry
        )
        self.broker_connected = Gauge(
            "partnerhub_broker_connected",
            "1 while the service is connected to its broker (RabbitMQ, or the in-process bus), else 0",
            ["service"],
            registry=self.registry,
        )
        # what the default registry has, in this one: the process (CPU, memory, open files), Python, the GC
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.service = service

    def watch_broker(self, connected: Callable[[], bool]) -> None:
        """``partnerhub_broker_connected`` reads ``connected()`` at each scrape."""
        self.broker_connected.labels(self.service).set_function(lambda: 1.0 if connected() else 0.0)

    def instrument(self, app: FastAPI) -> None:
        """HTTP metrics of ``app``'s requests, in this registry: ``http_requests_total{handler,method,status}``,
        ``http_request_duration_seconds{handler,method}`` and ``http_request_duration_highr_seconds``,
        ``http_request_size_bytes`` and ``http_response_size_bytes``; ``handler`` is the route's template
        (``/v1/partners/{be_geo_id}``), ``none`` for a path that matches no route. Add it last: the outermost
        middleware, it counts what the others refuse (413, 422)."""
        Instrumentator(
            should_group_status_codes=False,
            should_group_untemplated=True,
            excluded_handlers=[f"^{route}$" for route in UNCOUNTED_ROUTES],
            registry=self.registry,
        ).instrument(app)
        added = app.user_middleware[0]  # what instrument() added, with its settings, as the remembering kind
        assert added.cls is PrometheusInstrumentatorMiddleware, added
        app.user_middleware[0] = Middleware(_RememberedRoutes, *added.args, **added.kwargs)

    def render(self) -> bytes:
        return generate_latest(self.registry)
