"""xAPI 1.0.3 statements → completions: what we read from a statement, and why one is refused."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from partnerhub.inputs import parse_timestamp

SUPPORTED_VERSION = "1.0.3"
# the last segment of the verb IRI decides (ADL and Tin Can registry verbs alike)
VERB_ACTIONS = {"completed": "completed", "attended": "attended", "experienced": "viewed", "downloaded": "downloaded"}
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_ACTIVITY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class StatementError(ValueError):
    """A malformed statement; the message is the reason given with the 400."""


@dataclass(frozen=True)
class StatementFacts:
    statement_id: str | None
    cco_id: str
    activity_ref: str  # the object's id, an IRI
    activity_id: str | None  # its last path segment, when that can be a library id
    action: str | None  # None: a verb this service does not turn into a completion
    occurred_at: datetime
    timestamped: bool = True  # False: the statement named no time, occurred_at is when it arrived


def version_problem(header: str | None) -> str | None:
    if not header:
        return "the X-Experience-API-Version header is required"
    if not re.fullmatch(r"1\.0(\.\d+)?", header.strip()):
        return f"unsupported xAPI version {header!r}; this LRS speaks {SUPPORTED_VERSION}"
    return None


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise StatementError(f"{where} must be an object")
    return value


def _iri(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _IRI.fullmatch(value):
        raise StatementError(f"{where} must be an IRI")
    return value


def _timestamp(value: Any, where: str) -> datetime:
    """An ISO 8601 timestamp (UTC when it names no offset), in the platform's date range."""
    if not isinstance(value, str):
        raise StatementError(f"{where} must be an ISO 8601 timestamp")
    try:
        return parse_timestamp(value, assume_utc=True)
    except ValueError as exc:
        raise StatementError(f"{where} {exc}: {value[:60]!r}") from None


def activity_id_of(iri: str) -> str | None:
    """The library id an object IRI names: the IRI itself when it is one, else its last path segment."""
    if _ACTIVITY_ID.fullmatch(iri):
        return iri
    path = urlsplit(iri).path.rstrip("/")
    last = path.rsplit("/", 1)[-1] if path else ""
    return last if _ACTIVITY_ID.fullmatch(last) else None


def read_statement(data: Any, now: datetime, cco_id_pattern: str) -> StatementFacts:
    """Validate the parts we rely on; raise StatementError with the reason."""
    st = _obj(data, "a statement")
    statement_id = st.get("id")
    if statement_id is not None:
        try:
            statement_id = str(uuid.UUID(str(statement_id)))
        except ValueError:
            raise StatementError(f"statement id must be a UUID, got {statement_id!r}") from None
    if "version" in st and not (isinstance(st["version"], str) and st["version"].startswith("1.0")):
        raise StatementError(f"statement version must be 1.0.x, got {st['version']!r}")
    actor = _obj(st.get("actor"), "actor")
    if actor.get("objectType", "Agent") != "Agent":
        raise StatementError("actor must be an Agent (a person)")
    account = actor.get("account")
    if not isinstance(account, dict) or not isinstance(account.get("name"), str):
        raise StatementError("actor must carry an account whose name is the person's CCO ID")
    if not re.fullmatch(cco_id_pattern, account["name"]):
        raise StatementError(f"actor account name {account['name']!r} is not a valid CCO ID")
    if "homePage" in account:
        _iri(account["homePage"], "actor.account.homePage")
    verb = _obj(st.get("verb"), "verb")
    verb_id = _iri(verb.get("id"), "verb.id")
    obj = _obj(st.get("object"), "object")
    if obj.get("objectType", "Activity") != "Activity":
        raise StatementError("object must be an Activity")
    object_id = _iri(obj.get("id"), "object.id")
    when = st.get("timestamp")
    occurred_at = _timestamp(when, "timestamp") if when is not None else now
    verb_name = urlsplit(verb_id).path.rstrip("/").rsplit("/", 1)[-1].lower()
    return StatementFacts(
        statement_id=statement_id,
        cco_id=account["name"],
        activity_ref=object_id,
        activity_id=activity_id_of(object_id),
        action=VERB_ACTIONS.get(verb_name),
        occurred_at=occurred_at,
        timestamped=when is not None,
    )
