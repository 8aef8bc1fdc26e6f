"""The envelope every event travels in, and the base of every event contract."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from partnerhub.ids import new_uuid
from partnerhub.logging import current_correlation_id


class Event(BaseModel):
    """A versioned event contract. ``TYPE`` is the routing key, ``KEY`` names the aggregate field.

    Consumers ignore fields they do not know (a minor version only adds optional fields).
    """

    model_config = ConfigDict(frozen=True, extra="ignore")
    TYPE: ClassVar[str] = ""
    KEY: ClassVar[str] = ""
    SUMMARY: ClassVar[str] = ""

    def aggregate_key(self) -> str:
        return str(getattr(self, self.KEY)) if self.KEY else ""


class Envelope(BaseModel):
    """Metadata apart from payload; JSON on the wire."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: uuid.UUID = Field(description="unique per event; consumers deduplicate on it")
    type: str = Field(description="the event type, also the routing key")
    occurred_at: datetime
    producer: str = Field(description="the service that produced the event")
    correlation_id: str
    key: str = Field("", description="the aggregate, e.g. a CCO ID or a BE GEO ID")
    payload: dict[str, Any]
    # minor, additive (1.1): the W3C trace context the event was emitted in; the consumer's span is its child
    traceparent: str | None = Field(None, description="W3C traceparent of the span that emitted the event")
    tracestate: str | None = Field(None, description="W3C tracestate that came with it")

    @classmethod
    def wrap(
        cls,
        event: Event,
        *,
        producer: str,
        correlation_id: str | None = None,
        key: str | None = None,
        event_id: uuid.UUID | None = None,
        trace_context: dict[str, str] | None = None,
    ) -> Envelope:
        # the event was validated when it was built, and the other fields are ours: no second validation
        trace_context = trace_context or {}
        return cls.model_construct(
            id=event_id or new_uuid(),
            type=event.TYPE,
            occurred_at=datetime.now(UTC),
            producer=producer,
            correlation_id=correlation_id or current_correlation_id(),
            key=key if key is not None else event.aggregate_key(),
            payload=event.model_dump(mode="json"),
            traceparent=trace_context.get("traceparent"),
            tracestate=trace_context.get("tracestate"),
        )

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, body: bytes) -> Envelope:
        return cls.model_validate_json(body)
