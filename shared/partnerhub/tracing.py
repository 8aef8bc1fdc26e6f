"""Traces with OpenTelemetry: one request is one trace, across services.

Off unless ``OTEL_TRACES_EXPORTER`` names an exporter (``otlp`` or ``console``; absent or ``none``: off, and
nothing is instrumented). The other standard variables apply as the SDK reads them: ``OTEL_SERVICE_NAME`` (else
the service's name), ``OTEL_RESOURCE_ATTRIBUTES``, ``OTEL_EXPORTER_OTLP_ENDPOINT`` /
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` (OTLP over HTTP/protobuf), ``OTEL_TRACES_SAMPLER`` (+ ``_ARG``),
``OTEL_BSP_*``, ``OTEL_PROPAGATORS``, ``OTEL_SDK_DISABLED``.

Each service runtime has its own tracer provider (standalone runs five services in one process; each names
itself). What is traced: every HTTP request (FastAPI), every SQL statement (SQLAlchemy), the outbox's publish of
each event (a producer span) and each event a consumer applies (a consumer span). The W3C trace context rides in
the event's envelope (``traceparent``, ``tracestate``): set from the span current when the event is emitted, it
is the parent of the consumer's span, whose own emissions carry it on. A service that does not trace still
carries the context on from the events it consumes to those it emits.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer

if TYPE_CHECKING:
    from fastapi import FastAPI
    from opentelemetry.sdk.trace import TracerProvider
    from sqlalchemy.ext.asyncio import AsyncEngine

    from partnerhub.bus.envelope import Envelope

TRACER_NAME = "partnerhub"
EXPORTERS = ("otlp", "console")
UNTRACED_URLS = "/healthz$,/readyz$,/metrics$"


def exporter_names() -> list[str]:
    """The exporters ``OTEL_TRACES_EXPORTER`` asks for (empty: tracing is off)."""
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return []
    names = [n.strip().lower() for n in os.environ.get("OTEL_TRACES_EXPORTER", "").split(",") if n.strip()]
    if "none" in names:
        return []
    unknown = [n for n in names if n not in EXPORTERS]
    if unknown:
        raise ValueError(f"OTEL_TRACES_EXPORTER: unknown exporter {', '.join(unknown)}; use otlp, console or none")
    return names


def provider_from_env(service: str) -> TracerProvider | None:
    """A tracer provider exporting as the ``OTEL_*`` variables say, or None when tracing is off."""
    names = exporter_names()
    if not names:
        return None
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

    attributes = {} if os.environ.get("OTEL_SERVICE_NAME") else {SERVICE_NAME: f"partnerhub-{service}"}
    provider = TracerProvider(resource=Resource.create(attributes))  # the sampler from OTEL_TRACES_SAMPLER
    for name in names:
        if name == "otlp":
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        else:
            provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    return provider


def instrument_app(app: FastAPI, provider: TracerProvider) -> None:
    """A server span per request, named by the route's template (``POST /v1/partners``)."""
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(
        app, tracer_provider=provider, excluded_urls=UNTRACED_URLS, exclude_spans=["receive", "send"]
    )


def instrument_engine(engine: AsyncEngine, provider: TracerProvider) -> None:
    """A client span per SQL statement of this engine (not process-wide: each service its own provider)."""
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.metrics import NoOpMeter

    usage = NoOpMeter(TRACER_NAME).create_up_down_counter("db.client.connections.usage")
    EngineTracer(provider.get_tracer("opentelemetry.instrumentation.sqlalchemy"), engine.sync_engine, usage)


# the trace context in the envelope ---------------------------------------------------------------------
def current_trace_context() -> dict[str, str]:
    """``traceparent`` (and ``tracestate``) of the current span; empty when there is none."""
    carrier: dict[str, str] = {}
    if trace.get_current_span().get_span_context().is_valid:
        propagate.inject(carrier)
    return {k: v for k, v in carrier.items() if k in ("traceparent", "tracestate")}


def context_of(envelope: Envelope) -> otel_context.Context | None:
    """The trace context an event was emitted in, or None when it carries none."""
    if not envelope.traceparent:
        return None
    carrier = {"traceparent": envelope.traceparent}
    if envelope.tracestate:
        carrier["tracestate"] = envelope.tracestate
    return propagate.extract(carrier)


def _attributes(envelope: Envelope, service: str, operation: str) -> dict[str, Any]:
    return {
        "messaging.system": "partnerhub",
        "messaging.operation.type": operation,
        "messaging.destination.name": envelope.type,
        "messaging.message.id": str(envelope.id),
        "messaging.message.conversation_id": envelope.correlation_id,
        "partnerhub.service": service,
        "partnerhub.producer": envelope.producer,
    }


@contextmanager
def consuming(tracer: Tracer | None, envelope: Envelope, service: str) -> Iterator[None]:
    """Around a consumer applying an event: a consumer span whose parent is the emitter's span, or without a
    tracer, the emitter's context made current, so that what the handler emits carries it on."""
    parent = context_of(envelope)
    if tracer is not None:
        with tracer.start_as_current_span(
            f"{envelope.type} process", context=parent, kind=SpanKind.CONSUMER,
            attributes=_attributes(envelope, service, "process"),
        ):
            yield
        return
    token = otel_context.attach(parent) if parent is not None else None
    try:
        yield
    finally:
        if token is not None:
            otel_context.detach(token)


class PublishSpans:
    """Producer spans around one outbox batch's publish: one per event, each a child of its emitter's span."""

    def __init__(self, tracer: Tracer | None, envelopes: list[Envelope], service: str) -> None:
        self.spans = (
            [
                tracer.start_span(
                    f"{e.type} publish", context=context_of(e), kind=SpanKind.PRODUCER,
                    attributes=_attributes(e, service, "publish"),
                )
                for e in envelopes
            ]
            if tracer is not None
            else []
        )

    def end(self, error: BaseException | None = None) -> None:
        for span in self.spans:
            if error is not None:
                span.record_exception(error)
                span.set_status(Status(StatusCode.ERROR, repr(error)))
            span.end()
