"""xAPI 1.0.3 statements resource (systems, program staff): POST one or many, PUT one by id.

The actor's account name is the CCO ID; the object id names the library activity (its
last path segment); completed/attended/experienced/downloaded become completions. A
statement id makes a replay harmless. Other verbs, and activities not in the library,
are accepted and ignored, as an LRS would store them without them counting here.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response

from learning.api.access import SETTINGS
from learning.api.schemas import CCO_ID_PATTERN
from learning.domain.points import occurred_problem
from learning.domain.xapi import (
    SUPPORTED_VERSION,
    StatementError,
    StatementFacts,
    read_statement,
    version_problem,
)
from learning.settings import LearningSettings
from learning.use_cases import completions
from learning.use_cases.completions import CompletionIn
from partnerhub.auth import Principal, require_roles
from partnerhub.errors import Problem, Unprocessable
from partnerhub.service import ServiceRuntime, runtime_of, today_of

router = APIRouter(prefix="/v1/xapi", tags=["xapi"])
VERSION_HEADER = "X-Experience-API-Version"
_STATEMENT = {"type": "object", "description": "an xAPI 1.0.3 statement", "additionalProperties": True}
_VERSION_OUT = {
    VERSION_HEADER: {"description": "the xAPI version spoken", "required": True, "schema": {"type": "string"}},
    "X-Learning-Outcome": {"description": "what the statements did here, e.g. `earned=1, ignored=2`", "schema": {"type": "string"}},
}
_VERSION_IN = {
    "name": VERSION_HEADER,
    "in": "header",
    "required": True,
    "schema": {"type": "string", "pattern": r"^1\.0(\.\d+)?$", "examples": ["1.0.3"]},
}
_BAD = {400: {"description": "malformed statements, a missing or unsupported xAPI version, or a body that is not JSON"}}
_TOO_MANY = {413: {"description": "more statements than the limit (default 1,000), or a body too large"}}
POST_DOC = {
    "parameters": [_VERSION_IN],
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"anyOf": [_STATEMENT, {"type": "array", "items": _STATEMENT}]}}},
    },
}
PUT_DOC = {
    "parameters": [_VERSION_IN],
    "requestBody": {"required": True, "content": {"application/json": {"schema": _STATEMENT}}},
}


def bad(reason: str) -> Problem:
    return Problem(f"Malformed xAPI request: {reason}", status=400, slug="xapi-malformed", title="Malformed statement")


async def _body(request: Request, runtime: ServiceRuntime) -> Any:
    problem = version_problem(request.headers.get(VERSION_HEADER))
    if problem:
        raise bad(problem)
    raw = await request.body()
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad(f"the body is not JSON ({exc})") from None
    except RecursionError:  # the platform's depth limit (partnerhub.limits) skips multipart bodies
        raise bad("the body nests too deeply") from None


async def _read_all(runtime: ServiceRuntime, today: date, statements: list[Any]) -> list[StatementFacts]:
    """Every statement read, or the request refused whole (xAPI batches are atomic): a malformed
    one is a 400; one dated after today's business date a 422, as a completion is (one rule)."""
    now = datetime.now(UTC)
    facts = []
    for index, data in enumerate(statements):
        try:
            facts.append(read_statement(data, now, CCO_ID_PATTERN))
        except StatementError as exc:
            raise bad(f"statement {index}: {exc}") from None
    ids = [f.statement_id for f in facts if f.statement_id]
    if len(ids) != len(set(ids)):
        raise bad("two statements in one request share an id")
    for index, f in enumerate(facts):
        problem = occurred_problem(f.occurred_at, today) if f.timestamped else None
        if problem:
            raise Unprocessable(f"statement {index}: {problem}", slug="statement-in-future", index=index)
    return facts


async def _record(runtime: ServiceRuntime, today: date, facts: list[StatementFacts]) -> tuple[list[str], Counter[str]]:
    ids: list[str] = []
    items: list[tuple[int, CompletionIn]] = []
    outcome: Counter[str] = Counter()
    for index, f in enumerate(facts):
        statement_id = f.statement_id or str(uuid.uuid4())
        ids.append(statement_id)
        if f.action is None or f.activity_id is None:
            outcome["ignored"] += 1
            continue
        items.append((index, CompletionIn(f"xapi:{statement_id}", f.cco_id, f.activity_id, f.action, f.occurred_at, "xapi")))
    if items:
        for result in await completions.record(runtime.db, today, items):
            outcome["ignored" if result.status == "rejected" else result.status] += 1
    return ids, outcome


def _headers(response: Response, outcome: Counter[str]) -> None:
    response.headers[VERSION_HEADER] = SUPPORTED_VERSION
    response.headers["X-Learning-Outcome"] = ", ".join(f"{k}={v}" for k, v in sorted(outcome.items()))


@router.post(
    "/statements",
    summary="Store statements: one, or an array (systems, program staff)",
    responses={200: {"description": "the statements' ids", "headers": _VERSION_OUT}, **_BAD, **_TOO_MANY},
    openapi_extra=POST_DOC,
)
async def post_statements(
    request: Request,
    response: Response,
    runtime: ServiceRuntime = Depends(runtime_of),
    today: date = Depends(today_of),
    settings: LearningSettings = Depends(SETTINGS),
    _: Principal = Depends(require_roles("system", "program_staff")),
) -> list[str]:
    body = await _body(request, runtime)
    statements = body if isinstance(body, list) else [body]
    if not statements:
        raise bad("the array holds no statements")
    limit = settings.batch_max_items
    if len(statements) > limit:
        raise Problem(f"At most {limit} statements per request; got {len(statements)}.", status=413, slug="batch-too-large")
    ids, outcome = await _record(runtime, today, await _read_all(runtime, today, statements))
    _headers(response, outcome)
    return ids


@router.put(
    "/statements",
    status_code=204,
    summary="Store one statement under its id (systems, program staff)",
    responses={204: {"description": "stored", "headers": _VERSION_OUT}, **_BAD},
    openapi_extra=PUT_DOC,
)
async def put_statement(
    request: Request,
    statement_id: str = Query(..., alias="statementId"),
    runtime: ServiceRuntime = Depends(runtime_of),
    today: date = Depends(today_of),
    _: Principal = Depends(require_roles("system", "program_staff")),
) -> Response:
    try:
        statement_id = str(uuid.UUID(statement_id))
    except ValueError:
        raise bad(f"statementId must be a UUID, got {statement_id!r}") from None
    body = await _body(request, runtime)
    if not isinstance(body, dict):
        raise bad("PUT takes a single statement object")
    if body.get("id") is not None and str(body["id"]).lower() != statement_id:
        raise bad("the statement's id differs from statementId")
    (facts,) = await _read_all(runtime, today, [{**body, "id": statement_id}])
    _, outcome = await _record(runtime, today, [facts])
    response = Response(status_code=204)
    _headers(response, outcome)
    return response
