"""An AsyncAPI 2.6 document generated from the event contracts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from partnerhub.bus.envelope import Envelope, Event


def asyncapi_document(
    title: str,
    produces: Iterable[type[Event]],
    consumes: Iterable[type[Event]],
    *,
    exchange: str = "partner.events",
    version: str = "1.0.0",
) -> dict[str, Any]:
    channels: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Envelope": _envelope_schema()}
    for cls, operation in [*((c, "subscribe") for c in produces), *((c, "publish") for c in consumes)]:
        schema = cls.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in schema.pop("$defs", {}).items():
            schemas[name] = definition
        schemas[cls.__name__] = schema
        channel = channels.setdefault(cls.TYPE, _channel(cls, exchange))
        channel[operation] = _operation(cls, operation)
    return {
        "asyncapi": "2.6.0",
        "info": {
            "title": title,
            "version": version,
            "description": "Events on the topic exchange; the routing key is the event type. "
            "`subscribe` = this service publishes it (you may subscribe); `publish` = this service consumes it.",
        },
        "defaultContentType": "application/json",
        "channels": dict(sorted(channels.items())),
        "components": {"schemas": schemas},
    }


def _channel(cls: type[Event], exchange: str) -> dict[str, Any]:
    """The event type's channel: its routing key on the topic exchange."""
    return {
        "description": cls.SUMMARY,
        "bindings": {
            "amqp": {
                "is": "routingKey",
                "exchange": {"name": exchange, "type": "topic", "durable": True, "vhost": "/"},
            }
        },
    }


def _operation(cls: type[Event], operation: str) -> dict[str, Any]:
    """``subscribe`` (the service publishes it) or ``publish`` (it consumes it): the envelope with this payload."""
    return {
        "operationId": f"{operation}_{cls.TYPE.replace('.', '_')}",
        "summary": cls.SUMMARY,
        "message": {
            "name": cls.TYPE,
            "title": cls.__name__,
            "contentType": "application/json",
            "payload": {
                "allOf": [
                    {"$ref": "#/components/schemas/Envelope"},
                    {
                        "type": "object",
                        "properties": {
                            "type": {"const": cls.TYPE},
                            "payload": {"$ref": f"#/components/schemas/{cls.__name__}"},
                        },
                    },
                ]
            },
        },
    }


def _envelope_schema() -> dict[str, Any]:
    schema = Envelope.model_json_schema()
    schema.pop("title", None)
    return schema
