"""Observability: HTTP metrics per route template next to the bus metrics, each service its own registry (also
mounted together in standalone), and one trace per request across services (identity emits, notify consumes),
with the W3C trace context in the event's envelope. Both run modes."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy import select

from partnerhub import tracing
from partnerhub.bus.contracts import PartnerRegistered
from partnerhub.registry import load
from partnerhub.standalone import Standalone
from partnerhub.testing import bearer, eventually

IDENTITY, NOTIFY = load("identity"), load("notify")
REGISTERED = PartnerRegistered.TYPE  # identity emits it, notify consumes it


def _in_memory() -> tuple[TracerProvider, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


def _sample(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample of a Prometheus text exposition, None when absent."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.rsplit(" ", 1)[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def _partner() -> dict[str, str]:
    return {"be_geo_id": str(100000 + uuid.uuid4().int % 800000), "name": "Trace Networks", "country": "DE"}


def _consumed(exporter: InMemorySpanExporter, event_type: str, service: str) -> list[ReadableSpan]:
    """The consumer's span, once the relay's publish span has finished too (the in-process bus confirms a
    publish only after its consumers handled it, so the publish span ends after the consumer's)."""
    spans = exporter.get_finished_spans()
    if not any(s.kind == SpanKind.PRODUCER and s.name == f"{event_type} publish" for s in spans):
        return []
    return [
        s for s in spans
        if s.kind == SpanKind.CONSUMER and s.name == f"{event_type} process"
        and (s.attributes or {}).get("partnerhub.service") == service
    ]


def _assert_one_trace(exporter: InMemorySpanExporter, consumed: ReadableSpan) -> None:
    spans = exporter.get_finished_spans()
    (request,) = [s for s in spans if s.kind == SpanKind.SERVER and s.name == "POST /v1/partners"]
    assert consumed.context.trace_id == request.context.trace_id, "notify's span is in identity's request trace"
    assert consumed.parent is not None and consumed.parent.span_id == request.context.span_id
    (published,) = [s for s in spans if s.kind == SpanKind.PRODUCER and s.name == f"{REGISTERED} publish"]
    assert published.context.trace_id == request.context.trace_id
    sql = [s for s in spans if s.kind == SpanKind.CLIENT and s.context.trace_id == request.context.trace_id]
    assert sql, "the request's SQL statements are spans of its trace"


async def test_one_request_to_identity_is_one_trace_with_notify_consuming_its_event(system_factory) -> None:
    provider, exporter = _in_memory()
    async with system_factory(IDENTITY, NOTIFY, tracer_provider=provider) as system:
        body = _partner()
        r = await system.clients["identity"].post("/v1/partners", json=body, headers=system.staff())
        assert r.status_code == 201, r.text

        async def consumed() -> list[ReadableSpan]:
            return _consumed(exporter, REGISTERED, "notify")

        (span,) = await eventually(consumed)
        _assert_one_trace(exporter, span)
        db = system.runtimes["identity"].db
        async with db.engine.connect() as conn:
            (envelope,) = (await conn.execute(select(db.outbox.c.envelope).where(db.outbox.c.type == REGISTERED))).scalars()
        assert envelope["traceparent"].startswith(f"00-{span.context.trace_id:032x}-{span.parent.span_id:016x}-")


async def test_untraced_services_carry_the_trace_context_in_no_event_and_cost_no_instrumentation(system_factory) -> None:
    async with system_factory(IDENTITY) as system:
        runtime = system.runtimes["identity"]
        assert runtime.tracer_provider is None and runtime.relay.tracer is None
        assert not getattr(runtime.app, "_is_instrumented_by_opentelemetry", False)
        r = await system.clients["identity"].post("/v1/partners", json=_partner(), headers=system.staff())
        assert r.status_code == 201
        async with runtime.db.engine.connect() as conn:
            (envelope,) = (await conn.execute(select(runtime.db.outbox.c.envelope))).scalars()
        assert envelope["traceparent"] is None and envelope["tracestate"] is None


def test_tracing_is_off_unless_otel_traces_exporter_names_an_exporter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_TRACES_EXPORTER", raising=False)
    assert tracing.provider_from_env("identity") is None
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    assert tracing.provider_from_env("identity") is None
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console")
    provider = tracing.provider_from_env("identity")
    assert provider is not None and provider.resource.attributes["service.name"] == "partnerhub-identity"
    provider.shutdown()
    monkeypatch.setenv("OTEL_SERVICE_NAME", "identity-eu")
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "otlp")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")  # never reached: nothing is exported
    provider = tracing.provider_from_env("identity")
    assert provider is not None and provider.resource.attributes["service.name"] == "identity-eu"
    provider.shutdown()
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    assert tracing.provider_from_env("identity") is None
    monkeypatch.delenv("OTEL_SDK_DISABLED")
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "jaeger")
    with pytest.raises(ValueError, match="unknown exporter jaeger"):
        tracing.provider_from_env("identity")


async def test_standalone_metrics_per_route_template_with_bus_and_process_metrics_and_one_trace(tmp_path: Path) -> None:
    provider, exporter = _in_memory()
    # two systems in one process: every service's metrics live in its own registry, none is registered twice
    Standalone(tmp_path / "other", definitions=[IDENTITY, NOTIFY])
    system = Standalone(tmp_path / "data", definitions=[IDENTITY, NOTIFY], tracer_provider=provider)
    staff = bearer(system.settings, "staff.metrics", "program_staff")
    await system.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=system.app), base_url="http://sa") as client:
            body = _partner()
            assert (await client.post("/identity/v1/partners", json=body, headers=staff)).status_code == 201
            assert (await client.get(f"/identity/v1/partners/{body['be_geo_id']}", headers=staff)).status_code == 200
            for _ in range(2):  # the same paths again: counted under the template remembered for them
                assert (await client.get("/identity/v1/partners/100999", headers=staff)).status_code == 404
                assert (await client.get("/identity/v1/no-such-route", headers=staff)).status_code == 404

            async def consumed() -> list[ReadableSpan]:
                return _consumed(exporter, REGISTERED, "notify")

            (span,) = await eventually(consumed)
            _assert_one_trace(exporter, span)

            async def published() -> str:
                text = (await client.get("/identity/metrics")).text
                return text if _sample(text, "partnerhub_events_published_total", type=REGISTERED) else ""

            text = await eventually(published)
            template = "/v1/partners/{be_geo_id}"
            assert _sample(text, "http_requests_total", handler=template, method="GET", status="200") == 1
            assert _sample(text, "http_requests_total", handler=template, method="GET", status="404") == 2
            assert _sample(text, "http_requests_total", handler="/v1/partners", method="POST", status="201") == 1
            assert _sample(text, "http_requests_total", handler="none", method="GET", status="404") == 2
            assert f'handler="/v1/partners/{body["be_geo_id"]}"' not in text, "raw paths are never labels"
            assert _sample(text, "http_request_duration_seconds_count", handler=template, method="GET") == 3
            assert _sample(text, "http_request_duration_highr_seconds_count") is not None
            assert 'handler="/metrics"' not in text and 'handler="/readyz"' not in text
            assert _sample(text, "process_resident_memory_bytes") is not None
            assert _sample(text, "python_info") is not None
            assert _sample(text, "partnerhub_broker_connected", service="identity") == 1
            notify = (await client.get("/notify/metrics")).text
            assert _sample(notify, "partnerhub_events_consumed_total", service="notify", type=REGISTERED) == 1
            assert _sample(notify, "http_requests_total", handler=template) is None, "notify counts its own requests"
            ready = await client.get("/readyz")
            assert ready.status_code == 200
            assert ready.json()["checks"]["identity"] == {"database": "ok", "broker": "ok"}
    finally:
        await system.stop()


def test_log_lines_inside_a_span_name_its_trace() -> None:
    from partnerhub.logging import add_trace_ids

    provider, _ = _in_memory()
    assert add_trace_ids(None, "info", {"event": "outside"}) == {"event": "outside"}
    with provider.get_tracer("t").start_as_current_span("inside") as span:
        line = add_trace_ids(None, "info", {"event": "inside"})
    assert line["trace_id"] == f"{span.get_span_context().trace_id:032x}"
    assert line["span_id"] == f"{span.get_span_context().span_id:016x}"
