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
        ({"jwt_secret": "a-real-production-secret-0123456789", "fault_points": "relay.after_publish:5"}, "fault_points"),
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


def test_rabbitmq_url_lists_the_nodes_of_a_cluster_each_with_the_heartbeat() -> None:
    settings = ProbeSettings(
        rabbitmq_url="amqp://u:p@rmq-1:5672/ph, amqp://u:p@rmq-2:5672/ph", rabbitmq_heartbeat=4
    )
    assert settings.broker_urls() == ["amqp://u:p@rmq-1:5672/ph?heartbeat=4", "amqp://u:p@rmq-2:5672/ph?heartbeat=4"]


def test_rabbitmq_nodes_take_the_first_urls_credentials_and_vhost() -> None:
    settings = ProbeSettings(rabbitmq_url="amqps://u:p@rmq-1:5671/ph?heartbeat=7", rabbitmq_nodes="rmq-2:5671,rmq-3:5671,rmq-1:5671")
    assert settings.broker_urls() == [
        "amqps://u:p@rmq-1:5671/ph?heartbeat=7",
        "amqps://u:p@rmq-2:5671/ph?heartbeat=7",
        "amqps://u:p@rmq-3:5671/ph?heartbeat=7",
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rabbitmq_url", "amqp://u:p@rmq-1:5672/,http://rmq-2/"),
        ("rabbitmq_url", " , "),
        ("rabbitmq_nodes", "rmq-2:56x72"),
        ("rabbitmq_nodes", "amqp://rmq-2:5672"),
        ("fault_points", "consumer.somewhere:3"),
        ("fault_points", "relay.after_publish:0"),
    ],
)
def test_bad_broker_lists_and_fault_points_are_refused(field: str, value: str) -> None:
    with pytest.raises(ValueError, match=field):
        ProbeSettings(**{field: value})


def test_fault_hook_exits_at_every_kth_message(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test-only hook (partnerhub.faults): off unless configured; then every k-th message exits."""
    from partnerhub import faults

    exits: list[int] = []
    monkeypatch.setattr(faults.os, "_exit", exits.append)
    faults.configure("")
    faults.point("consumer.after_commit", 100)
    assert exits == []
    faults.configure("consumer.after_commit:3")
    for _ in range(2):
        faults.point("consumer.after_commit")
    faults.point("relay.after_publish", 50)
    assert exits == []
    faults.point("consumer.after_commit")
    assert exits == [faults.FAULT_EXIT_CODE]
    faults.point("consumer.after_commit", 2)  # a batch of two reaching 5: no multiple of 3 crossed
    assert len(exits) == 1
    faults.point("consumer.after_commit", 5)  # 10: crossed 6 and 9
    assert len(exits) == 2
    faults.configure("")
