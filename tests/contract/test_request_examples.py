"""Every request body in every service's OpenAPI shows an example, and each JSON example is valid against
the body's own schema (issue "for the people who use it" 2: nobody guesses a body)."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from partnerhub.registry import discover
from partnerhub.service import ServiceRuntime

DEFINITIONS = discover()


def _bodies(document: dict[str, Any]):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
                yield f"{method.upper()} {path}", media_type, content


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_every_request_body_has_an_example_valid_against_its_schema(name: str) -> None:
    definition = DEFINITIONS[name]
    document = ServiceRuntime(definition, definition.settings_cls()).app.openapi()
    seen = 0
    for operation, media_type, content in _bodies(document):
        seen += 1
        assert "example" in content or "examples" in content, f"{name}: {operation} ({media_type}) has no example"
        if media_type == "application/json":
            schema = {**content["schema"], "components": document["components"]}
            errors = [e.message for e in Draft202012Validator(schema).iter_errors(content["example"])]
            assert not errors, f"{name}: the example of {operation} does not fit its schema: {errors}"
    assert seen > 0
