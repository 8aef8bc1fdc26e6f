"""docker-compose.yml and the Kubernetes manifests, checked against the code (no Docker engine needed):
every env name is a setting that exists, every command is a real CLI command and service,
and the production manifests pass the production settings checks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from typer.testing import CliRunner

from partnerhub.cli import app as cli_app
from partnerhub.registry import discover
from partnerhub.settings import SHARED_PREFIX, ServiceSettings

ROOT = Path(__file__).parents[2]
SERVICES = discover()
PREFIXES = {d.settings_cls.env_prefix(): d.settings_cls for d in SERVICES.values()}


def _setting_exists(env_name: str) -> bool:
    if env_name.startswith(SHARED_PREFIX):
        field = env_name[len(SHARED_PREFIX) :].lower()
        return field in ServiceSettings.model_fields
    for prefix, cls in PREFIXES.items():
        if env_name.startswith(prefix):
            return env_name[len(prefix) :].lower() in cls.model_fields
    return False


def _check_command(args: list[str]) -> None:
    """The arguments after the `partnerhub` entry point name a real command (and service)."""
    result = CliRunner().invoke(cli_app, [*args[:1], "--help"])
    assert result.exit_code == 0, f"`partnerhub {args[0]}` is not a command: {result.output}"
    if args[0] in ("serve",):
        assert args[1] in SERVICES, f"`partnerhub serve {args[1]}`: no such service"
    if args[0] == "migrate":
        assert args[1] == "all" or args[1] in SERVICES


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_broker_database_mail_catcher_migrate_and_every_service() -> None:
    services = _compose()["services"]
    assert {"rabbitmq", "postgres", "mailcatcher", "migrate"} <= set(services)
    assert set(SERVICES) <= set(services), "every installed service runs in compose"


def test_compose_env_names_are_real_settings_and_commands_are_real() -> None:
    services = _compose()["services"]
    dockerfile_users = [s for s in services.values() if "build" in s]
    assert dockerfile_users
    for spec in dockerfile_users:
        assert (ROOT / spec["build"]["context"] / spec["build"]["dockerfile"]).is_file()
        _check_command(spec["command"])
        for name in spec.get("environment", {}):
            assert _setting_exists(name), f"{name} is not a setting of any service"


def test_compose_service_ports_match_the_architecture() -> None:
    services = _compose()["services"]
    for name, definition in SERVICES.items():
        assert services[name]["ports"] == [f"127.0.0.1:{definition.port}:{definition.port}"]
        assert services[name]["command"] == ["serve", name]


K8S = ROOT / "deploy" / "k8s"
# what the operator's Secrets hold, by key (any value of the right shape)
SECRET_VALUES = {
    "jwt-public-key": "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----",
    "rabbitmq-url": "amqps://partnerhub:secret@rabbitmq.example.com:5671/partnerhub",
    "learning-ui-csrf-secret": "a-real-csrf-secret-0123456789abcdef",
    "specialization-ui-csrf-secret": "another-real-csrf-secret-0123456789",
    "certification-ui-csrf-secret": "a-third-real-csrf-secret-0123456789",
    "notify-ui-csrf-secret": "a-fourth-real-csrf-secret-0123456789",
    "identity-ui-csrf-secret": "identity-real-csrf-secret-0123456789",
    "credential-signing-key": ec.generate_private_key(ec.SECP256R1())
    .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    .decode(),
    "username": "relay-user",
    "password": "relay-password",
}


def _config_map() -> dict[str, str]:
    documents = [d for d in yaml.safe_load_all((K8S / "config.yaml").read_text()) if d]
    return next(d for d in documents if d["kind"] == "ConfigMap")["data"]


def _value(item: dict) -> str:
    if "value" in item:
        return item["value"]
    source = item["valueFrom"]
    if "configMapKeyRef" in source:
        return _config_map()[source["configMapKeyRef"]["key"]]
    key = source["secretKeyRef"]["key"]
    if key.endswith("-database-url"):
        return f"postgresql+asyncpg://partnerhub:secret@postgres.example.com:5432/{key.removesuffix('-database-url')}"
    return SECRET_VALUES[key]


def _containers(kind: str) -> list[dict]:
    found = []
    for manifest in sorted(K8S.glob("*.yaml")):
        for document in yaml.safe_load_all(manifest.read_text()):
            if document and document["kind"] == kind:
                found.extend(document["spec"]["template"]["spec"]["containers"])
    return found


@pytest.mark.parametrize("container", _containers("Deployment"), ids=lambda c: c["name"])
def test_kubernetes_manifests_use_real_settings_and_pass_production_checks(container: dict) -> None:
    _check_command(container["args"])
    service = container["args"][1]
    prefix = SERVICES[service].settings_cls.env_prefix()
    values = {}
    for item in container["env"]:
        name = item["name"]
        assert _setting_exists(name), f"{name} is not a setting"
        field = name[len(SHARED_PREFIX) :] if name.startswith(SHARED_PREFIX) else name[len(prefix) :]
        values[field.lower()] = _value(item)
    # the manifest's values, with the ConfigMap's and the Secrets' filled in, pass the production checks
    settings = SERVICES[service].settings_cls(**values)
    assert settings.environment == "production"
    assert settings.dev_tokens is False
    assert settings.migrate_on_start is False


def test_the_migration_job_uses_real_settings_and_commands() -> None:
    (container,) = _containers("Job")
    _check_command(container["args"])
    for item in container["env"]:
        assert _setting_exists(item["name"]), f"{item['name']} is not a setting"
        _value(item)
