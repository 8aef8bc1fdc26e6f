"""Settings: one prefix per service, shared PARTNERHUB_ defaults, production refuses dev conveniences."""

from __future__ import annotations

import pytest

from partnerhub.settings import DEV_JWT_SECRET
from probe import ProbeSettings


def test_service_prefix_beats_shared_prefix_beats_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ProbeSettings().delivery_limit == 5
    monkeypatch.setenv("PARTNERHUB_DELIVERY_LIMIT", "7")
    assert ProbeSettings().delivery_limit == 7
    monkeypatch.setenv("PROBE_DELIVERY_LIMIT", "9")
    assert ProbeSettings().delivery_limit == 9


def test_default_database_is_the_services_own_postgres_database() -> None:
    assert ProbeSettings().database_url == "postgresql+asyncpg://postgres@127.0.0.1:5432/partnerhub_probe"


def test_bad_values_are_refused_with_the_field_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROBE_BUS", "kafka")
    with pytest.raises(ValueError, match="bus"):
        ProbeSettings()


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"dev_tokens": True, "jwt_secret": "a-real-production-secret-0123456789"}, "dev_tokens"),
        ({}, "jwt_secret"),
        ({"jwt_secret": "a-real-production-secret-0123456789", "clock": "manual"}, "clock"),
    ],
)
def test_production_refuses_insecure_defaults(overrides: dict, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):  # pydantic wraps InsecureSettings
        ProbeSettings(environment="production", **overrides)


def test_production_with_real_secret_is_accepted() -> None:
    settings = ProbeSettings(environment="production", jwt_secret="a-real-production-secret-0123456789")
    assert settings.jwt_secret is not None
    assert settings.jwt_secret.get_secret_value() != DEV_JWT_SECRET


@pytest.mark.parametrize(("given", "prefix"), [("", ""), ("x", "x."), ("x.", "x."), (" team-a ", "team-a."), (".", "")])
def test_the_namespace_is_joined_to_the_names_with_one_dot(given: str, prefix: str) -> None:
    from partnerhub.bus.rabbitmq import RabbitTransport

    assert ProbeSettings(namespace=given).namespace == prefix
    transport = RabbitTransport("amqp://guest:guest@127.0.0.1:5672/", namespace=given)
    assert (transport.exchange_name, transport.queue_name("notify.events"), transport.dlq_name("notify.events")) == (
        f"{prefix}partner.events", f"{prefix}notify.events", f"{prefix}notify.events.dlq",
    )
