"""Prometheus metrics, one registry per service (standalone mounts five in one process, each app its own).

In every registry: the bus (events published, consumed, failed …, the outbox backlog), the broker connection,
the HTTP requests (prometheus-fastapi-instrumentator: per route template, method and status) and the process.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_fastapi_instrumentator import Instrumentator

# the platform's own routes are not counted (scrapes and probes would drown the requests that matter)
UNCOUNTED_ROUTES = ("/metrics", "/healthz", "/readyz")


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

    def render(self) -> bytes:
        return generate_latest(self.registry)
