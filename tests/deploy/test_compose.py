"""docker-compose.yml: valid against the Compose specification and linted by dclint (npm, installed by
the Makefile into .tools/npm), and the rules the README promises, checked here without a Docker engine:
ports on 127.0.0.1 only, pinned images, a healthcheck on every server, start order by health, identity's
dev tokens off unless asked for."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from deploy_files import ROOT, compose, tool
from partnerhub.registry import discover

SERVICES = discover()
FLOATING_TAGS = {"latest", "stable", "edge", "dev", "test", "nightly", "beta", "canary", "lts", "mainline"}
INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\}")


def _interpolate(value: str, environment: dict[str, str]) -> str:
    """Compose's ${VAR} and ${VAR:-default}, as `docker compose config` resolves them."""
    return INTERPOLATION.sub(lambda m: environment.get(m["name"]) or (m["default"] or ""), value)


def _published(port: str | dict) -> tuple[str, str]:
    """(host address, host port) of one `ports` entry, short or long syntax."""
    if isinstance(port, dict):
        return str(port.get("host_ip", "")), str(port.get("published", ""))
    parts = str(port).rsplit(":", 2)
    if len(parts) == 3:
        return parts[0], parts[1]
    return "", parts[0] if len(parts) == 2 else ""


def test_compose_file_is_valid_against_the_compose_specification() -> None:
    """The Compose specification's JSON schema (the copy dclint ships), with the jsonschema package."""
    import jsonschema

    dclint = Path(tool("dclint", "npm: make deploy-tools")).resolve()
    schema_file = dclint.parents[1] / "schemas" / "compose.schema.json"
    assert schema_file.is_file(), schema_file
    jsonschema.Draft7Validator(json.loads(schema_file.read_text())).validate(compose())


def test_dclint_finds_nothing() -> None:
    dclint = tool("dclint", "npm: make deploy-tools")
    result = subprocess.run(
        [dclint, "--config", str(ROOT / ".dclintrc"), "--max-warnings", "0", "--color", "false", "docker-compose.yml"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dclint_does_flag_a_port_on_every_address_and_a_floating_tag(tmp_path: Path) -> None:
    """The lint above can fail: with this project's rules, "8001:8001" and :latest are errors."""
    dclint = tool("dclint", "npm: make deploy-tools")
    bad = tmp_path / "docker-compose.yml"
    bad.write_text('name: x\nservices:\n  web:\n    image: nginx:latest\n    ports:\n      - "8001:8001"\n')
    result = subprocess.run(
        [dclint, "--config", str(ROOT / ".dclintrc"), "--color", "false", str(bad)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "no-unbound-port-interfaces" in result.stdout and "service-image-require-explicit-tag" in result.stdout


@pytest.mark.parametrize("name", sorted(compose()["services"]))
def test_every_port_is_published_on_127_0_0_1_only(name: str) -> None:
    for port in compose()["services"][name].get("ports", []):
        address, _ = _published(port)
        assert address == "127.0.0.1", f"{name}: {port!r} is published on every address"


@pytest.mark.parametrize("name", sorted(compose()["services"]))
def test_every_image_is_pinned(name: str) -> None:
    spec = compose()["services"][name]
    image = spec["image"]
    repository, _, tag = image.rpartition(":") if ":" in image.split("/")[-1] else (image, "", "")
    assert tag and tag not in FLOATING_TAGS, f"{name}: {image} has no fixed tag"
    assert re.search(r"\d", tag), f"{name}: {image}: the tag names no version"
    if "build" in spec:
        assert spec.get("pull_policy") == "build", f"{name}: {image} is built here, never pulled"


@pytest.mark.parametrize("name", sorted(compose()["services"]))
def test_every_server_has_a_healthcheck_and_waits_for_healthy_dependencies(name: str) -> None:
    services = compose()["services"]
    spec = services[name]
    one_shot = spec.get("restart") == "no"
    waited_for = [
        other[name]["condition"] for other in (s.get("depends_on", {}) for s in services.values()) if name in other
    ]
    if one_shot:
        # the migrate step: it exits, and whoever waits for it waits for its success
        assert waited_for and set(waited_for) == {"service_completed_successfully"}, name
    else:
        check = spec.get("healthcheck", {})
        assert check.get("test") and not check.get("disable"), f"{name}: no healthcheck"
        assert not waited_for or set(waited_for) == {"service_healthy"}, f"{name}: {waited_for}"
    depends = spec.get("depends_on", {})
    assert isinstance(depends, dict), f"{name}: depends_on without conditions"
    for other, condition in depends.items():
        expected = "service_completed_successfully" if services[other].get("restart") == "no" else "service_healthy"
        assert condition == {"condition": expected}, f"{name} -> {other}: {condition}"


def test_every_service_waits_for_the_migrations_postgres_and_rabbitmq_and_health_checks_readyz() -> None:
    services = compose()["services"]
    for name, definition in SERVICES.items():
        spec = services[name]
        assert {"migrate", "postgres", "rabbitmq"} <= set(spec["depends_on"]), name
        assert spec["environment"]["PARTNERHUB_MIGRATE_ON_START"] == "false"
        assert f"127.0.0.1:{definition.port}/readyz" in " ".join(spec["healthcheck"]["test"]), name
    assert "mailcatcher" in services["notify"]["depends_on"]
    assert services["notify"]["environment"]["NOTIFY_SMTP_HOST"] == "mailcatcher"


def test_identity_dev_tokens_are_off_unless_asked_for() -> None:
    value = compose()["services"]["identity"]["environment"]["IDENTITY_DEV_TOKENS"]
    assert _interpolate(value, {}) == "false"
    assert _interpolate(value, {"PARTNERHUB_DEV_TOKENS": "true"}) == "true"
    for name, spec in compose()["services"].items():
        for key, raw in (spec.get("environment") or {}).items():
            if key.endswith("DEV_TOKENS"):
                assert _interpolate(str(raw), {}) == "false", f"{name}: {key} is on by default"


def test_the_compose_yaml_merges_resolve_like_compose_does() -> None:
    """The x- anchors are merged (YAML merge keys, which PyYAML and Compose both resolve)."""
    raw = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert raw["services"]["identity"]["build"] == {"context": ".", "dockerfile": "deploy/Dockerfile"}
    assert (ROOT / "deploy" / "Dockerfile").is_file()
