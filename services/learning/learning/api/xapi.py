"""The xAPI 1.0.3 Learning Record Store under /v1/xapi: statements, documents, agents, activities, about.

Who: `system` clients and program staff, by bearer JWT or by the Basic credentials of an LMS client
(``/v1/xapi-clients``), within its xAPI scopes. Every answer (errors too) carries
``X-Experience-API-Version`` and ``X-Experience-API-Consistent-Through``; malformed input is a 400, as the
spec says, except a statement dated after today's business date: 422, by the rule that refuses such a
completion (CL-9).
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime
from email.utils import format_datetime
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPBasic, HTTPBearer

from learning.api.schemas import CCO_ID_PATTERN
from learning.domain.points import occurred_problem
from learning.domain.xapi import (
    SUPPORTED_VERSION,
    StatementError,
    accepted_languages,
    agent_key,
    canonical_format,
    check_actor,
    check_statement,
    check_timestamp,
    check_uuid,
    ids_format,
    iri,
    merge_definitions,
    version_problem,
)
from learning.domain.xapi_attachments import (
    check_parts,
    check_signatures,
    hashes_of,
    multipart_body,
    parse_multipart,
)
from learning.settings import LearningSettings
from learning.use_cases import lrs, lrs_clients, lrs_documents
from learning.use_cases.lrs import Incoming, Query, iso
from learning.use_cases.lrs_documents import Scope
from partnerhub.auth import Principal
from partnerhub.errors import (
    Forbidden,
    NotFound,
    Problem,
    Unauthenticated,
    Unprocessable,
    problem_response,
)
from partnerhub.service import ServiceRuntime, runtime_of

VERSION_HEADER = "X-Experience-API-Version"
CONSISTENT_HEADER = "X-Experience-API-Consistent-Through"


class XapiRoute(APIRoute):
    """Every answer of the LRS carries the xAPI headers, and request validation errors are the spec's 400."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                if "method" in request.query_params:
                    return await _alternate(request)
                response = await original(request)
            except Problem as exc:
                response = problem_response(exc, request)
                if exc.status == 401:
                    response.headers["WWW-Authenticate"] = 'Basic realm="partnerhub LRS", Bearer'
            except RequestValidationError as exc:
                where = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5])
                response = problem_response(bad(f"the request is not valid: {where}"), request)
            response.headers[VERSION_HEADER] = SUPPORTED_VERSION
            response.headers[CONSISTENT_HEADER] = iso(datetime.now(UTC))
            return response

        return handler


FORM_HEADERS = {"authorization", "x-experience-api-version", "content-type", "content-length", "if-match", "if-none-match"}


class _Redispatch(Response):
    """The request an Alternate Request Syntax POST stands for, answered by the app itself."""

    def __init__(self, app: Any, scope: dict[str, Any], body: bytes) -> None:
        super().__init__(status_code=200)
        self.app, self.inner, self.content = app, scope, body

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": self.content, "more_body": False}

        await self.app(self.inner, replay, send)


async def _alternate(request: Request) -> Response:
    """Communication 1.3: POST ?method=GET|PUT|POST|DELETE|HEAD with a form whose fields are the headers
    (Authorization, X-Experience-API-Version, Content-Type, If-Match ...), `content` (the body) and the
    parameters. Anything else in the query string is a 400."""
    from urllib.parse import parse_qsl, urlencode

    method = request.query_params["method"].upper()
    if request.method != "POST" or set(request.query_params) != {"method"}:
        raise bad("the alternate request syntax is a POST whose only parameter is method")
    if method not in ("GET", "PUT", "POST", "DELETE", "HEAD"):
        raise bad(f"method {method!r} is not one of GET, PUT, POST, DELETE, HEAD")
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/x-www-form-urlencoded":
        raise bad("the alternate request syntax sends a form (application/x-www-form-urlencoded)")
    try:
        fields = parse_qsl((await request.body()).decode(), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise bad("the form is not UTF-8") from None
    headers = {k.lower(): v for k, v in request.headers.items() if k.lower() not in ("content-type", "content-length")}
    params: list[tuple[str, str]] = []
    content = b""
    for name, value in fields:
        if name.lower() in FORM_HEADERS:
            headers[name.lower()] = value
        elif name == "content":
            content = value.encode()
        else:
            params.append((name, value))
    if method in ("PUT", "POST") and not content:
        raise bad("the form has no content field")
    if content and "content-type" not in headers:
        headers["content-type"] = "application/json"
    headers["content-length"] = str(len(content))
    scope = dict(request.scope)
    scope["method"] = method
    scope["query_string"] = urlencode(params).encode()
    scope["headers"] = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    return _Redispatch(request.scope["app"], scope, content)


router = APIRouter(prefix="/v1/xapi", tags=["xapi"], route_class=XapiRoute)
_basic = HTTPBasic(auto_error=False, description="an LMS client's key and secret (POST /v1/xapi-clients)")
_bearer = HTTPBearer(auto_error=False, description="a JWT of a system client or program staff")

_HEADERS_OUT = {
    VERSION_HEADER: {"description": "the xAPI version spoken", "required": True, "schema": {"type": "string"}},
    CONSISTENT_HEADER: {"description": "every statement stored before this moment is in the answers",
                        "required": True, "schema": {"type": "string"}},
}
_VERSION_IN = {
    "name": VERSION_HEADER, "in": "header", "required": True,
    "schema": {"type": "string", "pattern": r"^1\.0(\.\d+)?$", "examples": ["1.0.3"]},
}
_STATEMENT = {"type": "object", "description": "an xAPI 1.0.3 statement", "additionalProperties": True}
_AUTH = {401: {"description": "no credentials, or not valid"}, 403: {"description": "not a system client or program staff, or outside the client's scopes"}}
_BAD = {400: {"description": "malformed input, or a missing or unsupported xAPI version"}}


def bad(reason: str) -> Problem:
    return Problem(f"Malformed xAPI request: {reason}", status=400, slug="xapi-malformed", title="Malformed statement")


# who -------------------------------------------------------------------------------------------
def lrs_access(*scopes: str) -> Callable[..., Coroutine[Any, Any, tuple[Principal, dict[str, Any]]]]:
    """Basic credentials of an LMS client with one of ``scopes``, or a bearer JWT of a system client or
    program staff. Returns the principal and the statements' authority (the client as an Agent)."""

    async def dependency(
        request: Request,
        _basic_creds: Any = Depends(_basic),
        _bearer_creds: Any = Depends(_bearer),
    ) -> tuple[Principal, dict[str, Any]]:
        runtime: ServiceRuntime = request.app.state.runtime
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        home = str(request.base_url).rstrip("/")
        if scheme.lower() == "basic":
            try:
                key, _, secret = base64.b64decode(value.strip(), validate=True).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                raise Unauthenticated("The Basic credentials are not base64 of key:secret.") from None
            client = await lrs_clients.authenticate(runtime.db, key, secret)
            if client is None:
                raise Unauthenticated("Unknown or revoked LRS client, or a wrong secret.")
            mine = "statements/read/mine" in client.scopes and "statements/read" in scopes
            if not client.may(*scopes) and not mine:
                raise Forbidden(f"The client's scopes do not include {' or '.join(scopes)}.")
            if not client.may(*scopes):  # statements/read/mine: only what this client stored
                request.state.lrs_only_client = f"lrs-client:{client.key}"
            principal = Principal(sub=f"lrs-client:{client.key}", roles=frozenset({"system"}))
            return principal, {"objectType": "Agent", "name": client.name, "account": {"homePage": home, "name": client.key}}
        if scheme.lower() == "bearer" and value.strip():
            principal = runtime.auth.verify(value.strip())
            if not principal.has_any("system", "program_staff"):
                raise Forbidden("This needs one of the roles: system, program_staff.")
            return principal, {"objectType": "Agent", "account": {"homePage": home, "name": principal.sub}}
        raise Unauthenticated("Send Basic credentials of an LRS client, or `Authorization: Bearer <token>`.")

    return dependency


WRITE = lrs_access("statements/write")
READ = lrs_access("statements/read", "all/read")
STATE = lrs_access("state")
PROFILE = lrs_access("profile")
DEFINE_READ = lrs_access("statements/read", "all/read", "profile", "define")


def _require_version(request: Request) -> None:
    problem = version_problem(request.headers.get(VERSION_HEADER))
    if problem:
        raise bad(problem)


def _params(request: Request, allowed: set[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key not in allowed:
            raise bad(f"unknown parameter {key!r}")
        if key in params:
            raise bad(f"the parameter {key!r} is given twice")
        params[key] = value
    return params


def _bool(params: dict[str, str], name: str) -> bool:
    value = params.get(name, "false").lower()
    if value not in ("true", "false"):
        raise bad(f"{name} must be true or false")
    return value == "true"


def _agent_param(raw: str | None, name: str = "agent") -> tuple[dict[str, Any], str]:
    if raw is None:
        raise bad(f"the {name} parameter is required")
    try:
        agent = check_actor(json.loads(raw), name)
    except (ValueError, StatementError) as exc:
        raise bad(f"{name} must be an Agent as JSON: {exc}") from None
    key = agent_key(agent)
    if key is None:
        raise bad(f"{name} must carry an identifier")
    return agent, key


# statements ------------------------------------------------------------------------------------
async def _statements_body(request: Request) -> tuple[Any, list[Any]]:
    """The statements sent, and the attachment parts of a multipart/mixed request."""
    _require_version(request)
    content_type = request.headers.get("content-type", "application/json")
    media = content_type.split(";")[0].strip().lower()
    raw = await request.body()
    if media == "multipart/mixed":
        try:
            return parse_multipart(raw, content_type)
        except StatementError as exc:
            raise bad(str(exc)) from None
    if media not in ("application/json", ""):
        raise bad(f"statements are sent as application/json or multipart/mixed, not {media}")
    try:
        return json.loads(raw), []
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad(f"the body is not JSON ({exc})") from None
    except RecursionError:
        raise bad("the body nests too deeply") from None


async def _incoming(runtime: ServiceRuntime, today: date, statements: list[Any], parts: list[Any]) -> list[Incoming]:
    """Every statement valid, or the request refused whole (xAPI batches are atomic): a malformed one is
    a 400; one dated after today's business date a 422, as a completion is (one rule, CL-9)."""
    now = datetime.now(UTC)
    out = []
    for index, data in enumerate(statements):
        try:
            st = check_statement(data)
        except StatementError as exc:
            raise bad(f"statement {index}: {exc}") from None
        sent = dict(st)
        sent["id"] = str(uuid.UUID(st["id"])) if "id" in st else lrs.new_statement_id()
        when = st.get("timestamp")
        out.append(Incoming(sent, check_timestamp(when, "timestamp") if when else now, when is not None))
    try:
        check_signatures(statements, check_parts(statements, parts))
    except StatementError as exc:
        raise bad(str(exc)) from None
    ids = [i.statement_id for i in out]
    if len(ids) != len(set(ids)):
        raise bad("two statements in one request share an id")
    for index, item in enumerate(out):
        problem = occurred_problem(item.occurred_at, today) if item.timestamped else None
        if problem:
            raise Unprocessable(f"statement {index}: {problem}", slug="statement-in-future", index=index)
    return out


async def _store(
    runtime: ServiceRuntime, statements: list[Any], parts: list[Any], who: tuple[Principal, dict[str, Any]]
) -> lrs.Stored:
    limit = runtime.settings_as(LearningSettings).batch_max_items
    if len(statements) > limit:
        raise Problem(f"At most {limit} statements per request; got {len(statements)}.", status=413, slug="batch-too-large")
    today = await runtime.clock.today()
    incoming = await _incoming(runtime, today, statements, parts)
    principal, authority = who
    return await lrs.store(
        runtime.db, today, incoming, authority=authority, client=principal.sub, cco_id_pattern=CCO_ID_PATTERN,
        attachments=[(p.sha2, p.content_type, p.content) for p in parts],
    )


def _outcome_header(response: Response, stored: lrs.Stored) -> None:
    response.headers["X-Learning-Outcome"] = ", ".join(f"{k}={v}" for k, v in sorted(stored.outcomes.items()))


@router.post(
    "/statements",
    summary="Store statements: one, or an array (LMS clients, systems, program staff)",
    responses={200: {"description": "the statements' ids", "headers": _HEADERS_OUT}, **_BAD, **_AUTH,
               409: {"description": "a different statement is stored under one of the ids"},
               413: {"description": "more statements than the limit (default 1,000), or a body too large"},
               422: {"description": "a statement dated after today's business date (CL-9)"}},
    openapi_extra={
        "parameters": [_VERSION_IN],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"anyOf": [_STATEMENT, {"type": "array", "items": _STATEMENT}]}}}},
    },
)
async def post_statements(
    request: Request,
    runtime: ServiceRuntime = Depends(runtime_of),
    who: tuple[Principal, dict[str, Any]] = Depends(WRITE),
) -> Response:
    if request.query_params:
        raise bad("POST /statements takes no parameters")
    body, parts = await _statements_body(request)
    statements = body if isinstance(body, list) else [body]
    if not statements:
        raise bad("the array holds no statements")
    stored = await _store(runtime, statements, parts, who)
    response = JSONResponse(stored.ids)
    _outcome_header(response, stored)
    return response


@router.put(
    "/statements",
    status_code=204,
    summary="Store one statement under its id (LMS clients, systems, program staff)",
    responses={204: {"description": "stored", "headers": _HEADERS_OUT}, **_BAD, **_AUTH,
               409: {"description": "a different statement is stored under this id"},
               422: {"description": "a statement dated after today's business date (CL-9)"}},
    openapi_extra={
        "parameters": [_VERSION_IN, {"name": "statementId", "in": "query", "required": True,
                                     "schema": {"type": "string", "format": "uuid"}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": _STATEMENT}}},
    },
)
async def put_statement(
    request: Request,
    runtime: ServiceRuntime = Depends(runtime_of),
    who: tuple[Principal, dict[str, Any]] = Depends(WRITE),
) -> Response:
    params = _params(request, {"statementId"})
    if "statementId" not in params:
        raise bad("PUT /statements needs the statementId parameter")
    try:
        statement_id = check_uuid(params["statementId"], "statementId")
    except StatementError as exc:
        raise bad(str(exc)) from None
    body, parts = await _statements_body(request)
    if not isinstance(body, dict):
        raise bad("PUT takes a single statement object")
    if "id" in body and (not isinstance(body["id"], str) or body["id"].lower() != statement_id):
        raise bad("the statement's id differs from statementId")
    stored = await _store(runtime, [{**body, "id": statement_id}], parts, who)
    response = Response(status_code=204)
    _outcome_header(response, stored)
    return response


STATEMENT_QUERY = {
    "statementId", "voidedStatementId", "agent", "verb", "activity", "registration", "related_activities",
    "related_agents", "since", "until", "limit", "format", "attachments", "ascending", "more",
}


def _query_of(params: dict[str, str]) -> Query:
    q = Query()
    try:
        if "agent" in params:
            q.agent = _agent_param(params["agent"])[1]
        if "verb" in params:
            q.verb = iri(params["verb"], "verb")
        if "activity" in params:
            q.activity = iri(params["activity"], "activity")
        if "registration" in params:
            q.registration = check_uuid(params["registration"], "registration")
        if "since" in params:
            q.since = check_timestamp(params["since"], "since")
        if "until" in params:
            q.until = check_timestamp(params["until"], "until")
    except StatementError as exc:
        raise bad(str(exc)) from None
    if "limit" in params:
        if not params["limit"].isdigit():
            raise bad("limit must be a whole number (0: the server's page)")
        q.limit = int(params["limit"])
    q.related_agents = _bool(params, "related_agents")
    q.related_activities = _bool(params, "related_activities")
    q.ascending = _bool(params, "ascending")
    return q


def _formatted(st: dict[str, Any], fmt: str, request: Request) -> dict[str, Any]:
    if fmt == "ids":
        return ids_format(st)
    if fmt == "canonical":
        return canonical_format(st, accepted_languages(request.headers.get("accept-language")))
    return st


@router.get(
    "/statements",
    summary="Read statements: one by statementId / voidedStatementId, or a filtered page with `more`",
    responses={200: {"description": "a statement, or {statements, more}", "headers": _HEADERS_OUT}, **_BAD, **_AUTH,
               404: {"description": "no such statement (or voided / not voided)"}},
    openapi_extra={"parameters": [_VERSION_IN] + [
        {"name": n, "in": "query", "required": False, "schema": {"type": "string"}} for n in sorted(STATEMENT_QUERY)
    ]},
)
async def get_statements(
    request: Request,
    runtime: ServiceRuntime = Depends(runtime_of),
    _: tuple[Principal, dict[str, Any]] = Depends(READ),
) -> Response:
    _require_version(request)
    params = _params(request, STATEMENT_QUERY)
    fmt = params.get("format", "exact")
    if fmt not in ("exact", "ids", "canonical"):
        raise bad("format must be exact, ids or canonical")
    with_data = _bool(params, "attachments")
    single = [k for k in ("statementId", "voidedStatementId") if k in params]
    if single:
        if len(single) == 2 or set(params) - {"statementId", "voidedStatementId", "format", "attachments"}:
            raise bad(f"{single[0]} is given only with format and attachments")
        try:
            statement_id = check_uuid(params[single[0]], single[0])
        except StatementError as exc:
            raise bad(str(exc)) from None
        found = await lrs.one(runtime.db, statement_id, voided=single[0] == "voidedStatementId",
                              client=getattr(request.state, "lrs_only_client", None))
        if found is None:
            raise NotFound(f"No statement {statement_id}" + (" that was voided" if single[0] == "voidedStatementId" else ""))
        response = await _answer(runtime, _formatted(found, fmt, request), [found], with_data)
        response.headers["Last-Modified"] = format_datetime(
            datetime.fromisoformat(found["stored"].replace("Z", "+00:00")), usegmt=True
        )
        return response
    if "more" in params:
        if len(params) > 1:
            raise bad("more is given alone")
        try:
            q, extra = Query.from_token(params["more"])
        except (ValueError, TypeError, binascii.Error):
            raise bad("more is not a link this LRS gave") from None
        fmt = extra.get("format", "exact")
        with_data = bool(extra.get("attachments"))
    else:
        q = _query_of(params)
        extra = {"format": fmt} if fmt != "exact" else {}
        if with_data:
            extra["attachments"] = True
    q.client = getattr(request.state, "lrs_only_client", None)
    statements, last = await lrs.find(runtime.db, q)
    more = ""
    if last is not None:
        more = f"{request.scope.get('root_path', '')}{router.prefix}/statements?more={q.token(last, extra)}"
    result = {"statements": [_formatted(s, fmt, request) for s in statements], "more": more}
    return await _answer(runtime, result, statements, with_data)


async def _answer(runtime: ServiceRuntime, document: Any, statements: list[dict[str, Any]], with_data: bool) -> Response:
    """JSON, or with attachments=true multipart/mixed: the JSON, then the data of each attachment (2.1.3)."""
    if not with_data:
        return JSONResponse(document)
    body, boundary = multipart_body(document, await lrs.attachment_data(runtime.db, hashes_of(statements)))
    return Response(body, media_type=f"multipart/mixed; boundary={boundary}")


@router.head("/statements", include_in_schema=False)
async def head_statements(
    request: Request,
    runtime: ServiceRuntime = Depends(runtime_of),
    who: tuple[Principal, dict[str, Any]] = Depends(READ),
) -> Response:
    answer = await get_statements(request, runtime, who)
    return Response(status_code=answer.status_code, headers={
        k: v for k, v in answer.headers.items() if k.lower() not in ("content-length",)
    })


# about, agents, activities ---------------------------------------------------------------------
@router.get(
    "/about",
    summary="The xAPI versions this LRS speaks (anyone)",
    responses={200: {"description": "versions", "headers": _HEADERS_OUT}},
)
async def about() -> dict[str, Any]:
    return {"version": ["1.0.0", "1.0.1", "1.0.2", "1.0.3"], "extensions": {}}


@router.get(
    "/agents",
    summary="The Person object of an agent: every identifier this LRS knows it by",
    responses={200: {"description": "a Person", "headers": _HEADERS_OUT}, **_BAD, **_AUTH},
    openapi_extra={"parameters": [_VERSION_IN, {"name": "agent", "in": "query", "required": True, "schema": {"type": "string"}}]},
)
async def get_agents(
    request: Request, _: tuple[Principal, dict[str, Any]] | None = Depends(DEFINE_READ)
) -> dict[str, Any]:
    _require_version(request)
    params = _params(request, {"agent"})
    agent, _key = _agent_param(params.get("agent"))
    person: dict[str, Any] = {"objectType": "Person"}
    if "name" in agent:
        person["name"] = [agent["name"]]
    for ifi in ("mbox", "mbox_sha1sum", "openid", "account"):
        if ifi in agent:
            person[ifi] = [agent[ifi]]
    return person


@router.get(
    "/activities",
    summary="The Activity object this LRS knows under an id (its latest definition)",
    responses={200: {"description": "an Activity", "headers": _HEADERS_OUT}, **_BAD, **_AUTH},
    openapi_extra={"parameters": [_VERSION_IN, {"name": "activityId", "in": "query", "required": True, "schema": {"type": "string"}}]},
)
async def get_activity(
    request: Request,
    runtime: ServiceRuntime = Depends(runtime_of),
    _: tuple[Principal, dict[str, Any]] | None = Depends(DEFINE_READ),
) -> dict[str, Any]:
    _require_version(request)
    params = _params(request, {"activityId"})
    try:
        activity_id = iri(params.get("activityId"), "activityId")
    except StatementError as exc:
        raise bad(str(exc)) from None
    activity: dict[str, Any] = {"objectType": "Activity", "id": activity_id}
    definition = merge_definitions(await lrs.definitions(runtime.db, activity_id))
    if definition:
        activity["definition"] = definition
    return activity


def _head_of(get: Callable[..., Coroutine[Any, Any, Any]], path: str, access: Any | None) -> None:
    """HEAD answers as GET would, without the body (xAPI communication 1.1)."""
    async def head(request: Request, runtime: ServiceRuntime = Depends(runtime_of)) -> Response:
        if access is not None:
            await access(request, None, None)
        if get is about:
            answer: Any = await about()
        elif get is get_agents:
            answer = await get_agents(request, None)
        else:
            answer = await get_activity(request, runtime, None)
        del answer
        return Response(status_code=200, media_type="application/json")

    router.add_api_route(path, head, methods=["HEAD"], name=f"head_{get.__name__}", include_in_schema=False)


_head_of(about, "/about", None)
_head_of(get_agents, "/agents", DEFINE_READ)
_head_of(get_activity, "/activities", DEFINE_READ)


# documents -------------------------------------------------------------------------------------
DOC_KINDS = {
    "/activities/state": ("state", "stateId", STATE),
    "/activities/profile": ("activity_profile", "profileId", PROFILE),
    "/agents/profile": ("agent_profile", "profileId", PROFILE),
}


def _scope(kind: str, params: dict[str, str]) -> Scope:
    try:
        if kind == "state":
            _agent, key = _agent_param(params.get("agent"))
            activity = iri(params.get("activityId"), "activityId")
            registration = check_uuid(params["registration"], "registration") if "registration" in params else None
            return Scope(kind, activity, key, registration)
        if kind == "activity_profile":
            return Scope(kind, iri(params.get("activityId"), "activityId"))
        return Scope(kind, None, _agent_param(params.get("agent"))[1])
    except StatementError as exc:
        raise bad(str(exc)) from None


def _doc_params(kind: str, id_name: str, request: Request, *, many: bool) -> dict[str, str]:
    allowed = {id_name, "since"} if many else {id_name}
    allowed |= {"activityId", "agent", "registration"} if kind == "state" else {"activityId"} if kind == "activity_profile" else {"agent"}
    return _params(request, allowed)


async def _document_body(request: Request, runtime: ServiceRuntime) -> bytes:
    """The document's bytes, at most LEARNING_JSON_MAX_BYTES (documents skip the platform's JSON checks)."""
    limit = runtime.settings.json_max_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Problem(f"A document holds at most {limit} bytes.", status=413, slug="payload-too-large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Problem(f"A document holds at most {limit} bytes.", status=413, slug="payload-too-large")
        chunks.append(chunk)
    return b"".join(chunks)


_DOC_WHERE = {"state": "a State document", "activity_profile": "an Activity Profile", "agent_profile": "an Agent Profile"}
Endpoint = Callable[..., Coroutine[Any, Any, Response]]


def _document_openapi(
    kind: str, id_name: str
) -> tuple[list[dict[str, Any]], dict[int, Any], dict[int, Any], dict[str, Any]]:
    """The OpenAPI of a document resource: (its parameters, the read responses, the write responses, the body)."""
    doc_params = [_VERSION_IN] + [
        {"name": n, "in": "query", "required": False, "schema": {"type": "string"}}
        for n in ([id_name, "since"] + (["activityId", "agent", "registration"] if kind == "state"
                                        else ["activityId"] if kind == "activity_profile" else ["agent"]))
    ]
    responses = {200: {"description": "the document (in the media type it was stored with), or the ids", "headers": _HEADERS_OUT,
                       "content": {"*/*": {"schema": {}}}}, **_BAD, **_AUTH,
                 404: {"description": "no such document"}}
    write_responses = {204: {"description": "stored", "headers": _HEADERS_OUT}, **_BAD, **_AUTH,
                       409: {"description": "the profile exists and no If-Match / If-None-Match was sent"},
                       412: {"description": "If-Match / If-None-Match not met"}}
    doc_body = {"schema": {"type": "string", "format": "binary"}, "example": '{"bookmark": "module-3", "progress": 0.4}'}
    body = {"requestBody": {"required": True, "content": {"application/octet-stream": doc_body}}}
    return doc_params, responses, write_responses, body


def _document_readers(kind: str, id_name: str, access: Any) -> tuple[Endpoint, Endpoint]:
    """The GET of a document resource (one document, or the ids in its scope) and its HEAD."""
    where = _DOC_WHERE[kind]

    async def read(request: Request, runtime: ServiceRuntime = Depends(runtime_of), _: Any = Depends(access)) -> Response:
        _require_version(request)
        params = _doc_params(kind, id_name, request, many=True)
        scope = _scope(kind, params)
        if id_name in params:
            if "since" in params:
                raise bad(f"since is given only without {id_name}")
            doc = await lrs_documents.get(runtime.db, scope, params[id_name])
            if doc is None:
                raise NotFound(f"No {where.split(' ', 1)[1]} {params[id_name]!r}.")
            return Response(doc.content, media_type=doc.content_type, headers={
                "ETag": f'"{doc.etag}"', "Last-Modified": format_datetime(doc.updated.astimezone(UTC), usegmt=True)})
        try:
            since = check_timestamp(params["since"], "since") if "since" in params else None
        except StatementError as exc:
            raise bad(str(exc)) from None
        return JSONResponse(await lrs_documents.ids(runtime.db, scope, since))

    async def head(request: Request, runtime: ServiceRuntime = Depends(runtime_of), who: Any = Depends(access)) -> Response:
        answer = await read(request, runtime, who)
        return Response(status_code=answer.status_code,
                        headers={k: v for k, v in answer.headers.items() if k.lower() != "content-length"})

    return read, head


def _document_writers(kind: str, id_name: str, access: Any) -> tuple[Endpoint, Endpoint, Endpoint]:
    """The PUT (store), POST (merge JSON into) and DELETE of a document resource."""
    async def store(request: Request, merge: bool, runtime: ServiceRuntime) -> Response:
        _require_version(request)
        params = _doc_params(kind, id_name, request, many=False)
        scope = _scope(kind, params)
        if id_name not in params:
            raise bad(f"the {id_name} parameter is required")
        content = await _document_body(request, runtime)
        await lrs_documents.write(
            runtime.db, scope, params[id_name], content, request.headers.get("content-type", ""),
            merge=merge, if_match=request.headers.get("if-match"), if_none_match=request.headers.get("if-none-match"),
        )
        return Response(status_code=204)

    async def put(request: Request, runtime: ServiceRuntime = Depends(runtime_of), _: Any = Depends(access)) -> Response:
        return await store(request, False, runtime)

    async def post(request: Request, runtime: ServiceRuntime = Depends(runtime_of), _: Any = Depends(access)) -> Response:
        return await store(request, True, runtime)

    async def remove(request: Request, runtime: ServiceRuntime = Depends(runtime_of), _: Any = Depends(access)) -> Response:
        _require_version(request)
        params = _doc_params(kind, id_name, request, many=False)
        scope = _scope(kind, params)
        if id_name not in params and kind != "state":
            raise bad(f"the {id_name} parameter is required")
        await lrs_documents.remove(runtime.db, scope, params.get(id_name), if_match=request.headers.get("if-match"))
        return Response(status_code=204)

    return put, post, remove


def _document_routes(path: str, kind: str, id_name: str, access: Any) -> None:
    """Registers a document resource's GET, PUT, POST, DELETE and HEAD at ``path``."""
    where = _DOC_WHERE[kind]
    doc_params, responses, write_responses, body = _document_openapi(kind, id_name)
    read, head = _document_readers(kind, id_name, access)
    put, post, remove = _document_writers(kind, id_name, access)
    name = kind
    router.add_api_route(path, read, methods=["GET"], name=f"get_{name}", summary=f"Read {where}, or the ids in its scope",
                         responses=responses, openapi_extra={"parameters": doc_params})
    router.add_api_route(path, put, methods=["PUT"], name=f"put_{name}", status_code=204, summary=f"Store {where}",
                         responses=write_responses, openapi_extra={"parameters": doc_params, **body})
    router.add_api_route(path, post, methods=["POST"], name=f"post_{name}", status_code=204,
                         summary=f"Merge JSON into {where}", responses=write_responses,
                         openapi_extra={"parameters": doc_params, **body})
    router.add_api_route(path, remove, methods=["DELETE"], name=f"delete_{name}", status_code=204,
                         summary=f"Delete {where}" + (" (or every State document of the scope)" if kind == "state" else ""),
                         responses={k: v for k, v in write_responses.items() if k != 409}, openapi_extra={"parameters": doc_params})

    router.add_api_route(path, head, methods=["HEAD"], name=f"head_{name}", include_in_schema=False)


for _path, (_kind, _id_name, _access) in DOC_KINDS.items():
    _document_routes(_path, _kind, _id_name, _access)
