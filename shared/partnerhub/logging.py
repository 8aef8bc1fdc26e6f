"""structlog JSON logs, with the correlation id and service in every line."""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

import structlog
from opentelemetry import trace
from structlog.contextvars import bind_contextvars, get_contextvars, reset_contextvars

CORRELATION_HEADER = "X-Correlation-ID"
_configured: tuple[str, str] | None = None


def configure_logging(fmt: str = "json", level: str = "INFO") -> None:
    """Route structlog and the standard library (uvicorn, aio-pika) through one renderer."""
    global _configured
    if _configured == (fmt, level):
        return
    _configured = (fmt, level)
    shared = [
        structlog.contextvars.merge_contextvars,
        add_trace_ids,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
    ]
    renderer = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    # structlog's own lines are rendered at the end of its chain and handed to the standard library as
    # finished text (the formatter passes them on); only foreign records (uvicorn, aio-pika) are rendered by
    # the formatter. Rendering every line in the formatter copied each record and ran a second chain: half
    # the cost of the request line that every request writes.
    structlog.configure(
        # a line below the level is dropped before anything is done for it
        processors=[structlog.stdlib.filter_by_level, *shared, _Rendered(renderer)],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    # what no line shows is not gathered for each record (the logging HOWTO's "Optimization")
    logging._srcfile = None  # type: ignore[attr-defined]  # the caller's file, line and function
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter(foreign_pre_chain=shared, processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer]))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # httpx and httpcore log each call at INFO: the demo's in-process calls (standalone) would be logged twice,
    # by the client and by the service's own "request" line (partnerhub.http)
    for noisy in ("aiormq", "aio_pika", "uvicorn.access", "alembic.runtime.migration", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


_RENDERED = "partnerhub_rendered"


class _Rendered:
    """The last processor of structlog's chain: the line rendered, for :class:`_Formatter` to pass on."""

    def __init__(self, renderer: Any) -> None:
        self.renderer = renderer

    def __call__(self, logger: object, method: str, event: MutableMapping[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        return (self.renderer(logger, method, event),), {"extra": {_RENDERED: True}}


class _Formatter(structlog.stdlib.ProcessorFormatter):
    """Foreign records through the renderer; structlog's own lines, rendered already, as they are."""

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, _RENDERED, False):
            return str(record.msg)
        return super().format(record)


def add_trace_ids(_logger: object, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """``trace_id`` and ``span_id`` of the current span (when tracing is on), to find a line's trace."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event.setdefault("trace_id", format(context.trace_id, "032x"))
        event.setdefault("span_id", format(context.span_id, "016x"))
    return event


def get_logger(name: str | None = None) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)


def new_correlation_id() -> str:
    return str(uuid.uuid4())


def current_correlation_id() -> str:
    """The correlation id of the request or message being handled (a new one if none)."""
    value = get_contextvars().get("correlation_id")
    return value if isinstance(value, str) and value else new_correlation_id()


@contextmanager
def log_context(**values: str) -> Iterator[None]:
    """Bind values (correlation_id, service, event_id …) to every log line inside."""
    tokens = bind_contextvars(**values)
    try:
        yield
    finally:
        reset_contextvars(**tokens)
