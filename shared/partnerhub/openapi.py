"""The OpenAPI document tells the truth about errors: every 4xx is RFC 9457 problem+json.

``install_openapi(app)`` replaces the app's ``openapi()`` with FastAPI's document post-processed:

- one shared ``Problem`` schema under ``components/schemas`` (FastAPI's ``HTTPValidationError`` and
  ``ValidationError`` are gone); every 4xx response has ``application/problem+json`` content with it;
- 422 (validation, or a rule not met) where FastAPI declares it (the operation has parameters or a body);
- 401 (with ``WWW-Authenticate``) on every operation with the bearer security requirement;
- 403 on every operation guarded by ``require_roles`` (other refusals are declared by the route);
- 404 on every operation with path parameters (the object may not exist, or be another partner's);
- 400 (unparsable) and 413 (too large: the body limit) on every operation with a request body, and
  422 there and wherever the operation takes parameters (the platform's NUL and nesting refusals);
- other 2xx answers a route declares without content get the success answer's content.

Routes declare the rest with ``responses={409: {"description": ...}}`` (no content needed: the
Problem content is added) and drop a default the operation can never answer with
``openapi_extra=never(404)`` (an upsert by path, say).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from partnerhub.errors import PROBLEM_BASE, PROBLEM_MEDIA_TYPE

PROBLEM_REF = "#/components/schemas/Problem"
NEVER = "x-partnerhub-never"
_FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")

DESCRIPTIONS = {
    400: "The request could not be parsed (e.g. a body that is not UTF-8 JSON, a broken multipart form)",
    401: "No bearer token, or one that is not valid",
    403: "The caller's roles do not allow this",
    404: "Not found, or not visible to the caller (another partner's objects answer 404, as if absent)",
    409: "Conflicts with the current state",
    413: "The body is larger than the service accepts",
    415: "The body's media type is not accepted",
    422: "The request is not valid (`errors` lists each problem), or a rule is not met",
}


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


class ValidationIssue(BaseModel):
    loc: list[str] = Field(description="where: `body`, `query`, `path` or `header`, then the field names")
    msg: str
    type: str = Field(description="the kind of problem, e.g. `missing`, `string_pattern_mismatch`")


class ProblemDocument(BaseModel):
    """RFC 9457 problem details, the body of every error (media type ``application/problem+json``).

    Extension members may follow (e.g. ``cco_id``, ``unmet``); ``errors`` comes with request validation."""

    model_config = ConfigDict(extra="allow", title="Problem")
    type: str = Field(description="a stable URN naming the problem", examples=[PROBLEM_BASE + "not-found"])
    title: str = Field(description="a short summary of the problem type")
    status: int = Field(ge=400, le=599, description="the HTTP status code")
    detail: str = Field(description="what went wrong in this occurrence")
    # absent rather than null when there is none: the schema says so (no `null`, no default)
    instance: str | SkipJsonSchema[None] = Field(None, description="the path of the request", json_schema_extra=_no_default)
    errors: list[ValidationIssue] | SkipJsonSchema[None] = Field(
        None, description="each validation problem (422 `invalid-request`)", json_schema_extra=_no_default
    )


def never(*codes: int) -> dict[str, Any]:
    """``openapi_extra=never(404)``: the operation cannot answer ``codes`` although a default would declare them."""
    return {NEVER: list(codes)}


def problem_schemas() -> dict[str, Any]:
    """``Problem`` and the schemas it refers to, as ``components/schemas`` entries."""
    schema = ProblemDocument.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions = schema.pop("$defs", {})
    return {"Problem": schema, **definitions}


def problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_REF}}}}


def operation_id(route: APIRoute) -> str:
    """A route's operationId: the name of its function (``get_exam``, ``healthz``), not FastAPI's default
    with the path and method glued on (``get_exam_v1_exams__number__get``). Pass it to ``FastAPI(...)`` as
    ``generate_unique_id_function``; ``check_operation_ids`` keeps them unique per service."""
    return route.name


def check_operation_ids(app: FastAPI) -> None:
    """Refuse an app whose documented operations share an operationId (two handlers of one name)."""
    seen: dict[str, list[str]] = {}
    for route in app.routes:
        if isinstance(route, APIRoute) and route.include_in_schema:
            oid = route.operation_id or route.unique_id
            for method in sorted(route.methods or ()):
                seen.setdefault(oid, []).append(f"{method} {route.path_format}")
    duplicates = {oid: where for oid, where in seen.items() if len(where) > 1}
    if duplicates:
        raise ValueError(f"operationIds must be unique; give these handlers distinct names: {duplicates}")


# the platform's own request bodies (every service and the standalone root serve these routes)
PLATFORM_EXAMPLES: dict[str, Any] = {"PUT /v1/admin/today": {"date": "2027-01-31"}}


def install_openapi(app: FastAPI, examples: Mapping[str, Any] | None = None) -> None:
    """Make ``app.openapi()`` (and so ``/openapi.json``) the post-processed document.

    ``examples``: a request body to show for each operation, keyed ``"METHOD /path"`` (the path as
    the document spells it); a value keyed by a media type (``{"text/csv": "..."}``) is per media type.
    FastAPI builds the document once (again when routes change) and caches it; each new one is refined.
    Its operationIds are checked unique first (``check_operation_ids``)."""
    generate = app.openapi
    refined: list[int] = []
    bodies = {**PLATFORM_EXAMPLES, **(examples or {})}

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            check_operation_ids(app)
        document = generate()
        if refined != [id(document)]:
            refine(document, app)
            add_examples(document, bodies)
            refined[:] = [id(document)]
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def add_examples(document: dict[str, Any], examples: Mapping[str, Any]) -> None:
    """Put each operation's example request body beside its schema, where FastAPI gave none."""
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            example = examples.get(f"{method.upper()} {path}")
            content = operation.get("requestBody", {}).get("content", {})
            if example is None or not content:
                continue
            per_type = example if isinstance(example, dict) and set(example) <= set(content) and example else None
            for media_type, body in content.items():
                chosen = per_type.get(media_type) if per_type is not None else example
                if chosen is not None and "example" not in body and "examples" not in body:
                    body["example"] = chosen


def refine(document: dict[str, Any], app: FastAPI) -> dict[str, Any]:
    """``document`` (FastAPI's for ``app``) with the error answers declared, changed in place."""
    guarded = {
        (context.path_format, method.lower())
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute) and _guarded_by_roles(context.dependant)
        for method in context.methods or ()
    }
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            _refine_operation(operation, guarded=(path, method) in guarded)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_VALIDATION:
        schemas.pop(name, None)
    schemas.update(problem_schemas())
    document["components"]["schemas"] = dict(sorted(schemas.items()))
    return document


def _refine_operation(operation: dict[str, Any], *, guarded: bool) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    never_codes = {str(code) for code in operation.pop(NEVER, [])}
    defaults: set[int] = set()
    if operation.get("security"):
        defaults.add(401)
    if guarded:
        defaults.add(403)
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        defaults.add(404)
    if "requestBody" in operation:
        defaults.update((400, 413, 422))  # 422: also the platform's NUL and nesting refusals (partnerhub.limits)
    if operation.get("parameters"):
        defaults.add(422)  # a NUL in the query or the path (partnerhub.limits), a parameter out of range
    for code in defaults:
        responses.setdefault(str(code), {})
    for code in never_codes:
        responses.pop(code, None)
    success = _success_content(responses)
    for code, response in responses.items():
        status = int(code) if code.isdigit() else 0
        if 400 <= status < 500:
            description = response.get("description")
            if not description or description == "Validation Error":
                description = DESCRIPTIONS.get(status, "A client error")
            responses[code] = {**response, **problem_response(description)}
        elif 200 <= status < 300 and status != 204 and "content" not in response and success is not None:
            response["content"] = success
    if "401" in responses:
        responses["401"]["headers"] = {
            "WWW-Authenticate": {"description": "`Bearer`", "required": True, "schema": {"type": "string"}}
        }
    operation["responses"] = dict(sorted(responses.items()))


def _success_content(responses: dict[str, Any]) -> dict[str, Any] | None:
    for code in sorted(responses):
        if code.startswith("2") and responses[code].get("content"):
            return dict(responses[code]["content"])
    return None


def _guarded_by_roles(dependant: Dependant) -> bool:
    """Whether ``require_roles(...)`` guards the route (it answers 403 to other roles)."""
    return any(_is_role_check(d.call) for d in _walk(dependant))


def _walk(dependant: Dependant) -> Iterator[Dependant]:
    for dependency in dependant.dependencies:
        yield dependency
        yield from _walk(dependency)


def _is_role_check(call: Callable[..., Any] | None) -> bool:
    if call is None or getattr(call, "__module__", None) != "partnerhub.auth":
        return False
    try:
        return "roles" in inspect.getclosurevars(call).nonlocals
    except TypeError:
        return False
