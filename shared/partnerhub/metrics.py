"""Prometheus metrics, one registry per service (standalone mounts five in one process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


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
        self.service = service

    def render(self) -> bytes:
        return generate_latest(self.registry)
