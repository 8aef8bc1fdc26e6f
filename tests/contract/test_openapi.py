"""The OpenAPI documents of every service and of the standalone root, read without a server:
errors are application/problem+json with the one Problem schema, and the error codes follow the
routes' guards; non-JSON answers name their media type. (test_schemathesis.py checks them against
the running system.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import Depends, FastAPI

from partnerhub.auth import Principal, current_principal, require_roles
from partnerhub.errors import PROBLEM_MEDIA_TYPE, install_problem_handlers
from partnerhub.openapi import (
    PROBLEM_REF,
    ProblemDocument,
    check_operation_ids,
    install_openapi,
    never,
    operation_id,
)
from partnerhub.standalone import Standalone

METHODS = {"get", "put", "post", "patch", "delete"}


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    system = Standalone(Path(tmp_path_factory.mktemp("openapi")))
    return {"root": system.app.openapi(), **{name: r.app.openapi() for name, r in system.runtimes.items()}}


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(p, m, op) for p, ops in document["paths"].items() for m, op in ops.items() if m in METHODS]


def test_one_problem_schema_and_no_fastapi_validation_error(documents: dict[str, dict[str, Any]]) -> None:
    for name, document in documents.items():
        schemas = document["components"]["schemas"]
        assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas, name
        assert schemas["Problem"]["required"] == ["type", "title", "status", "detail"], name
        assert "errors" in schemas["Problem"]["properties"], name


def test_every_operation_id_is_readable_and_unique(documents: dict[str, dict[str, Any]]) -> None:
    """The handler's name (``get_exam``), never FastAPI's default with path and method (``healthz_healthz_get``)."""
    readable = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
    method_suffix = re.compile(r"_(?:get|put|post|patch|delete|head|options)$")
    for name, document in documents.items():
        ids = [operation["operationId"] for _, _, operation in _operations(document)]
        assert ids, name
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        assert not duplicates, (name, duplicates)
        for oid in ids:
            assert readable.match(oid) and not method_suffix.search(oid) and "_v1_" not in oid, (name, oid)
    learning = {op["operationId"]: (m, p) for p, m, op in _operations(documents["learning"])}
    assert learning["healthz"] == ("get", "/healthz") and learning["cl_view"] == ("get", "/v1/partners/{be_geo_id}/cl-view")


def test_two_handlers_of_one_name_are_refused() -> None:
    app = FastAPI(generate_unique_id_function=operation_id)

    def read_a() -> dict[str, int]:
        return {}

    def read_b() -> dict[str, int]:
        return {}

    read_b.__name__ = "read_a"
    app.get("/a")(read_a)
    app.get("/b")(read_b)
    with pytest.raises(ValueError, match="read_a"):
        check_operation_ids(app)
    install_openapi(app)
    with pytest.raises(ValueError, match="operationIds must be unique"):
        app.openapi()


def test_every_client_error_is_problem_json(documents: dict[str, dict[str, Any]]) -> None:
    for name, document in documents.items():
        for path, method, operation in _operations(document):
            for code, response in operation["responses"].items():
                if code.startswith("4"):
                    assert response["content"] == {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_REF}}}, (
                        name, method, path, code,
                    )  # fmt: skip


def test_the_guards_declare_their_answers(documents: dict[str, dict[str, Any]]) -> None:
    for name, document in documents.items():
        for path, method, operation in _operations(document):
            codes = set(operation["responses"])
            where = (name, method.upper(), path)
            assert ("401" in codes) == bool(operation.get("security")), where
            if "401" in codes:
                assert operation["responses"]["401"]["headers"]["WWW-Authenticate"]["required"], where
            if "requestBody" in operation:
                assert {"400", "413"} <= codes, where
            if any(p["in"] in ("path", "query") for p in operation.get("parameters", [])):
                assert "422" in codes, where
    identity = documents["identity"]["paths"]
    assert "403" in identity["/v1/duplicates"]["get"]["responses"]  # require_roles
    assert "403" not in identity["/v1/individuals/{cco_id}"]["get"]["responses"]  # others' people answer 404
    assert "404" in identity["/v1/individuals/{cco_id}"]["get"]["responses"]
    certification = documents["certification"]["paths"]
    assert "404" not in certification["/v1/exams/{number}"]["put"]["responses"]  # an upsert: never(404)
    assert "x-partnerhub-never" not in certification["/v1/exams/{number}"]["put"]
    assert {"409", "403"} <= set(documents["root"]["paths"]["/v1/admin/today"]["put"]["responses"])


def test_conflicts_are_declared_where_use_cases_raise_them(documents: dict[str, dict[str, Any]]) -> None:
    expected = {
        "identity": [("post", "/v1/individuals"), ("post", "/v1/partners"), ("post", "/v1/individuals/{cco_id}/merge"),
                     ("put", "/v1/partners/{be_geo_id}/members/{cco_id}"), ("put", "/v1/admin/today")],
        "learning": [("put", "/v1/activities/{activity_id}"), ("post", "/v1/activities/{activity_id}/publish"),
                     ("post", "/v1/proofs/{proof_id}/accept"), ("post", "/v1/proofs/{proof_id}/reject")],
        "specialization": [("post", "/v1/partners/{be_geo_id}/specializations/{code}/applications"),
                           ("put", "/v1/partners/{be_geo_id}/specializations/{code}/roles/{role}"),
                           ("post", "/v1/partners/{be_geo_id}/specializations/{code}/renewals")],
        "notify": [("post", "/v1/notifications/{notification_id}/retry")],
    }  # fmt: skip
    for name, operations in expected.items():
        for method, path in operations:
            assert "409" in documents[name]["paths"][path][method]["responses"], (name, method, path)


def test_non_json_answers_name_their_media_type(documents: dict[str, dict[str, Any]]) -> None:
    for name in documents.keys() - {"root"}:
        paths = documents[name]["paths"]
        assert list(paths["/metrics"]["get"]["responses"]["200"]["content"]) == ["text/plain"]
        ready = paths["/readyz"]["get"]["responses"]
        assert ready["503"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ReadyOut"}
    learning = documents["learning"]["paths"]
    proof_file = learning["/v1/proofs/{proof_id}/file"]["get"]["responses"]["200"]["content"]
    assert set(proof_file) == {"application/pdf", "image/png", "image/jpeg", "message/rfc822"}
    cl_view = learning["/v1/partners/{be_geo_id}/cl-view"]["get"]["responses"]["200"]["content"]
    assert set(cl_view) == {"application/json", "text/csv"}
    assert not any(path.startswith("/ui") for path in learning)  # the HTML pages are not API operations
    assert "503" in documents["root"]["paths"]["/readyz"]["get"]["responses"]


def _tiny_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    install_openapi(app)

    @app.get("/things/{thing_id}")
    async def read(thing_id: int, _: Principal = Depends(current_principal)) -> dict[str, int]:
        return {"id": thing_id}

    @app.put("/things/{thing_id}", openapi_extra=never(404), responses={409: {"description": "taken"}})
    async def write(thing_id: int, _: Principal = Depends(require_roles("program_staff"))) -> dict[str, int]:
        return {"id": thing_id}

    return app


def test_refine_on_a_tiny_app() -> None:
    responses = _tiny_app().openapi()["paths"]["/things/{thing_id}"]
    assert set(responses["get"]["responses"]) == {"200", "401", "404", "422"}
    assert set(responses["put"]["responses"]) == {"200", "401", "403", "409", "422"}
    assert responses["put"]["responses"]["409"]["description"] == "taken"


async def test_a_validation_answer_is_a_problem_document() -> None:
    app = _tiny_app()

    @app.get("/open/{number}")
    async def open_(number: int) -> dict[str, int]:
        return {"number": number}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tiny") as client:
        answer = await client.get("/open/not-a-number")
    assert answer.status_code == 422
    assert answer.headers["content-type"] == PROBLEM_MEDIA_TYPE
    problem = ProblemDocument.model_validate(answer.json())
    assert problem.errors and problem.errors[0].loc == ["path", "number"]
