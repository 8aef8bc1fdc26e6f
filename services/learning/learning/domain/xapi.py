"""xAPI 1.0.3 statements: every MUST of the spec's statement format, and what a statement credits.

Pure: ``check_statement`` raises :class:`StatementError` with the reason (the LRS answers 400 with
it); ``credit_of`` says which completion a valid statement makes, or why it makes none. The names
in the comments (``XAPI-00xxx``) are the requirement IDs of the ADL conformance suite.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from partnerhub.inputs import parse_timestamp

SUPPORTED_VERSION = "1.0.3"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
# the last segment of the verb IRI decides (ADL and Tin Can registry verbs alike)
VERB_ACTIONS = {"completed": "completed", "attended": "attended", "experienced": "viewed", "downloaded": "downloaded"}
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")
_ACTIVITY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_MAILTO = re.compile(r"^mailto:[^@\s:]+@[^@\s]+\.[^@\s]+$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
# RFC 5646 (BCP 47): language[-script][-region](-variant)*(-extension)*[-privateuse], or private use / grandfathered
_LANG = re.compile(
    r"^(?:(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?|[xX](?:-[A-Za-z0-9]{1,8})+|i-[A-Za-z]{2,8})$"
)
# PnW alone, or years..seconds (weeks never combine with the other units)
_DURATION = re.compile(
    r"^P(?:\d+(?:\.\d+)?W|(?!$)(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?D)?"
    r"(?:T(?!$)(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?)$"
)
_VERSION = re.compile(r"^1\.0(?:\.\d+)?$")
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(?:\s*;.*)?$")
INTERACTION_TYPES = {
    "true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing", "likert",
    "numeric", "other",
}
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
CONTEXT_ACTIVITY_KINDS = ("parent", "grouping", "category", "other")


class StatementError(ValueError):
    """A malformed statement; the message is the reason given with the 400."""


def version_problem(header: str | None) -> str | None:
    """XAPI-00330..00332: every request names a 1.0.x version."""
    if not header:
        return "the X-Experience-API-Version header is required"
    if not _VERSION.fullmatch(header.strip()):
        return f"unsupported xAPI version {header!r}; this LRS speaks {SUPPORTED_VERSION}"
    return None


# the building blocks -----------------------------------------------------------------------------
def _obj(value: Any, where: str, allowed: set[str] | tuple[str, ...]) -> dict[str, Any]:
    """An object with only the spec's keys (case-sensitive) and no null value."""
    if not isinstance(value, dict):
        raise StatementError(f"{where} must be an object")
    for key, item in value.items():
        if key not in allowed:
            raise StatementError(f"{where} has an unknown property {key!r}")
        if item is None:
            raise StatementError(f"{where}.{key} must not be null")
    return value


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise StatementError(f"{where} must be a string")
    return value


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise StatementError(f"{where} must be true or false")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise StatementError(f"{where} must be a number")
    return float(value)


def iri(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _IRI.fullmatch(value):
        raise StatementError(f"{where} must be an IRI")
    return value


def _irl(value: Any, where: str) -> str:
    text = iri(value, where)
    if not urlsplit(text).scheme:
        raise StatementError(f"{where} must be an IRL")
    return text


def check_uuid(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise StatementError(f"{where} must be a UUID string")
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        raise StatementError(f"{where} must be a UUID, got {value[:60]!r}") from None
    if len(value.replace("-", "")) != 32 or value.count("-") not in (0, 4):
        raise StatementError(f"{where} must be a UUID in its usual form")
    return str(parsed)


def check_timestamp(value: Any, where: str) -> datetime:
    """ISO 8601 (UTC when it names no offset); ``-00:00`` is refused (XAPI-00122)."""
    if not isinstance(value, str):
        raise StatementError(f"{where} must be an ISO 8601 timestamp")
    if value.endswith("-00:00") or value.endswith("-0000") or value.endswith("-00"):
        raise StatementError(f"{where} must not use the offset -00:00")
    try:
        return parse_timestamp(value, assume_utc=True)
    except ValueError as exc:
        raise StatementError(f"{where} {exc}: {value[:60]!r}") from None


def language_tag(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _LANG.fullmatch(value):
        raise StatementError(f"{where}: {str(value)[:40]!r} is not an RFC 5646 language tag")
    return value


def _language_map(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise StatementError(f"{where} must be a language map")
    for tag, text in value.items():
        language_tag(tag, f"{where} key")
        if not isinstance(text, str):
            raise StatementError(f"{where}[{tag!r}] must be a string")


def _extensions(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise StatementError(f"{where} must be an object")
    for key in value:
        iri(key, f"{where} key {key!r}")


# agents and groups -------------------------------------------------------------------------------
def _account(value: Any, where: str) -> None:
    account = _obj(value, where, ("homePage", "name"))
    if "homePage" not in account or "name" not in account:
        raise StatementError(f"{where} needs homePage and name")
    _irl(account["homePage"], f"{where}.homePage")
    _string(account["name"], f"{where}.name")


def _ifis(value: dict[str, Any], where: str) -> int:
    found = [k for k in IFIS if k in value]
    if "mbox" in value and not (isinstance(value["mbox"], str) and _MAILTO.fullmatch(value["mbox"])):
        raise StatementError(f"{where}.mbox must be a mailto: IRI of an e-mail address")
    if "mbox_sha1sum" in value and not (isinstance(value["mbox_sha1sum"], str) and _SHA1.fullmatch(value["mbox_sha1sum"])):
        raise StatementError(f"{where}.mbox_sha1sum must be 40 hex digits")
    if "openid" in value:
        _irl(value["openid"], f"{where}.openid")
    if "account" in value:
        _account(value["account"], f"{where}.account")
    return len(found)


def check_agent(value: Any, where: str, *, object_type_required: bool = False) -> dict[str, Any]:
    """An Agent: exactly one inverse functional identifier (XAPI-00038)."""
    agent = _obj(value, where, ("objectType", "name", *IFIS))
    kind = agent.get("objectType", None if object_type_required else "Agent")
    if kind != "Agent":
        raise StatementError(f"{where}.objectType must be \"Agent\"")
    if "name" in agent:
        _string(agent["name"], f"{where}.name")
    if _ifis(agent, where) != 1:
        raise StatementError(f"{where} must carry exactly one of {', '.join(IFIS)}")
    return agent


def check_group(value: Any, where: str, *, members: int | None = None) -> dict[str, Any]:
    """A Group: anonymous (members, no identifier) or identified (exactly one identifier)."""
    group = _obj(value, where, ("objectType", "name", "member", *IFIS))
    if group.get("objectType") != "Group":
        raise StatementError(f"{where}.objectType must be \"Group\"")
    if "name" in group:
        _string(group["name"], f"{where}.name")
    count = _ifis(group, where)
    if count > 1:
        raise StatementError(f"{where} must carry at most one of {', '.join(IFIS)}")
    if "member" in group:
        if not isinstance(group["member"], list):
            raise StatementError(f"{where}.member must be an array of Agents")
        for i, m in enumerate(group["member"]):
            check_agent(m, f"{where}.member[{i}]")
    if count == 0 and not group.get("member"):
        raise StatementError(f"{where}: an anonymous Group must list its members")
    if members is not None and len(group.get("member") or []) != members:
        raise StatementError(f"{where} must have exactly {members} members")
    return group


def check_actor(value: Any, where: str) -> dict[str, Any]:
    if isinstance(value, dict) and value.get("objectType") == "Group":
        return check_group(value, where)
    return check_agent(value, where)


def agent_key(agent: dict[str, Any]) -> str | None:
    """The identifier an Agent or identified Group is known by (None for an anonymous Group)."""
    if "mbox" in agent:
        return f"mbox:{agent['mbox'].lower()}"
    if "mbox_sha1sum" in agent:
        return f"sha1:{agent['mbox_sha1sum'].lower()}"
    if "openid" in agent:
        return f"openid:{agent['openid']}"
    if "account" in agent:
        return f"account:{agent['account']['homePage']}|{agent['account']['name']}"
    return None


# activities, objects ---------------------------------------------------------------------------
def _component_list(value: Any, where: str) -> None:
    if not isinstance(value, list):
        raise StatementError(f"{where} must be an array of interaction components")
    seen: set[str] = set()
    for i, c in enumerate(value):
        comp = _obj(c, f"{where}[{i}]", ("id", "description"))
        cid = _string(comp.get("id"), f"{where}[{i}].id")
        if cid in seen:
            raise StatementError(f"{where}: the id {cid!r} appears twice")
        seen.add(cid)
        if "description" in comp:
            _language_map(comp["description"], f"{where}[{i}].description")


def _definition(value: Any, where: str) -> None:
    d = _obj(
        value, where,
        ("name", "description", "type", "moreInfo", "interactionType", "correctResponsesPattern", *COMPONENT_LISTS,
         "extensions"),
    )
    for key in ("name", "description"):
        if key in d:
            _language_map(d[key], f"{where}.{key}")
    if "type" in d:
        iri(d["type"], f"{where}.type")
    if "moreInfo" in d:
        _irl(d["moreInfo"], f"{where}.moreInfo")
    if "interactionType" in d and not (isinstance(d["interactionType"], str) and d["interactionType"] in INTERACTION_TYPES):
        raise StatementError(f"{where}.interactionType must be one of {', '.join(sorted(INTERACTION_TYPES))}")
    if "correctResponsesPattern" in d:
        crp = d["correctResponsesPattern"]
        if not isinstance(crp, list) or not all(isinstance(x, str) for x in crp):
            raise StatementError(f"{where}.correctResponsesPattern must be an array of strings")
    has_components = any(k in d for k in COMPONENT_LISTS)
    if (has_components or "correctResponsesPattern" in d) and "interactionType" not in d:
        raise StatementError(f"{where}: interaction properties need an interactionType")
    for key in COMPONENT_LISTS:
        if key in d:
            _component_list(d[key], f"{where}.{key}")
    if "extensions" in d:
        _extensions(d["extensions"], f"{where}.extensions")


def check_activity(value: Any, where: str) -> dict[str, Any]:
    a = _obj(value, where, ("objectType", "id", "definition"))
    if a.get("objectType", "Activity") != "Activity":
        raise StatementError(f"{where}.objectType must be \"Activity\"")
    iri(a.get("id"), f"{where}.id")
    if "definition" in a:
        _definition(a["definition"], f"{where}.definition")
    return a


def _statement_ref(value: Any, where: str) -> dict[str, Any]:
    ref = _obj(value, where, ("objectType", "id"))
    if ref.get("objectType") != "StatementRef":
        raise StatementError(f"{where}.objectType must be \"StatementRef\"")
    check_uuid(ref.get("id"), f"{where}.id")
    return ref


def _object(value: Any, where: str, *, sub: bool) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise StatementError(f"{where} must be an object")
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        return check_activity(value, where)
    if kind == "Agent":
        return check_agent(value, where, object_type_required=True)
    if kind == "Group":
        return check_group(value, where)
    if kind == "StatementRef":
        return _statement_ref(value, where)
    if kind == "SubStatement" and not sub:
        _statement_body(value, where, sub=True)
        return value
    raise StatementError(f"{where}.objectType {kind!r} is not allowed here")


# results, contexts, attachments ----------------------------------------------------------------
def _result(value: Any, where: str) -> None:
    r = _obj(value, where, ("score", "success", "completion", "response", "duration", "extensions"))
    if "score" in r:
        s = _obj(r["score"], f"{where}.score", ("scaled", "raw", "min", "max"))
        nums = {k: _number(v, f"{where}.score.{k}") for k, v in s.items()}
        if "scaled" in nums and not -1 <= nums["scaled"] <= 1:
            raise StatementError(f"{where}.score.scaled must be between -1 and 1")
        if "min" in nums and "max" in nums and nums["min"] >= nums["max"]:
            raise StatementError(f"{where}.score.min must be less than max")
        if "raw" in nums and ("min" in nums and nums["raw"] < nums["min"] or "max" in nums and nums["raw"] > nums["max"]):
            raise StatementError(f"{where}.score.raw must lie between min and max")
    for key in ("success", "completion"):
        if key in r:
            _bool(r[key], f"{where}.{key}")
    if "response" in r:
        _string(r["response"], f"{where}.response")
    if "duration" in r and not (isinstance(r["duration"], str) and _DURATION.fullmatch(r["duration"])):
        raise StatementError(f"{where}.duration must be an ISO 8601 duration")
    if "extensions" in r:
        _extensions(r["extensions"], f"{where}.extensions")


def _context(value: Any, where: str, object_is_activity: bool) -> None:
    c = _obj(
        value, where,
        ("registration", "instructor", "team", "contextActivities", "revision", "platform", "language", "statement",
         "extensions"),
    )
    if "registration" in c:
        check_uuid(c["registration"], f"{where}.registration")
    if "instructor" in c:
        check_actor(c["instructor"], f"{where}.instructor")
    if "team" in c:
        check_group(c["team"], f"{where}.team")
    if "contextActivities" in c:
        ca = _obj(c["contextActivities"], f"{where}.contextActivities", CONTEXT_ACTIVITY_KINDS)
        for kind, acts in ca.items():
            for i, a in enumerate(acts if isinstance(acts, list) else [acts]):
                check_activity(a, f"{where}.contextActivities.{kind}[{i}]")
    for key in ("revision", "platform"):
        if key in c:
            _string(c[key], f"{where}.{key}")
            if not object_is_activity:
                raise StatementError(f"{where}.{key} is only allowed when the object is an Activity")
    if "language" in c:
        language_tag(c["language"], f"{where}.language")
    if "statement" in c:
        _statement_ref(c["statement"], f"{where}.statement")
    if "extensions" in c:
        _extensions(c["extensions"], f"{where}.extensions")


def _attachments(value: Any, where: str) -> None:
    if not isinstance(value, list):
        raise StatementError(f"{where} must be an array")
    for i, a in enumerate(value):
        at = f"{where}[{i}]"
        att = _obj(a, at, ("usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"))
        for key in ("usageType", "display", "contentType", "length", "sha2"):
            if key not in att:
                raise StatementError(f"{at} needs {key}")
        iri(att["usageType"], f"{at}.usageType")
        _language_map(att["display"], f"{at}.display")
        if "description" in att:
            _language_map(att["description"], f"{at}.description")
        if not (isinstance(att["contentType"], str) and _MEDIA_TYPE.fullmatch(att["contentType"])):
            raise StatementError(f"{at}.contentType must be an Internet media type")
        if isinstance(att["length"], bool) or not isinstance(att["length"], int) or att["length"] < 0:
            raise StatementError(f"{at}.length must be a whole number of octets")
        _string(att["sha2"], f"{at}.sha2")
        if "fileUrl" in att:
            _irl(att["fileUrl"], f"{at}.fileUrl")


# the statement ---------------------------------------------------------------------------------
STATEMENT_KEYS = ("id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
                  "version", "attachments")
SUB_KEYS = ("objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments")


def _statement_body(st: dict[str, Any], where: str, *, sub: bool) -> None:
    _obj(st, where, SUB_KEYS if sub else STATEMENT_KEYS)
    for key in ("actor", "verb", "object"):
        if key not in st:
            raise StatementError(f"{where} needs {key}")
    check_actor(st["actor"], f"{where}.actor")
    verb = _obj(st["verb"], f"{where}.verb", ("id", "display"))
    iri(verb.get("id"), f"{where}.verb.id")
    if "display" in verb:
        _language_map(verb["display"], f"{where}.verb.display")
    obj = _object(st["object"], f"{where}.object", sub=sub)
    if verb["id"] == VOIDED and obj.get("objectType") != "StatementRef":
        raise StatementError(f"{where}: a voiding statement's object must be a StatementRef")
    if "result" in st:
        _result(st["result"], f"{where}.result")
    if "context" in st:
        _context(st["context"], f"{where}.context", obj.get("objectType", "Activity") == "Activity")
    if "timestamp" in st:
        check_timestamp(st["timestamp"], f"{where}.timestamp")
    if "attachments" in st:
        _attachments(st["attachments"], f"{where}.attachments")


def check_statement(data: Any) -> dict[str, Any]:
    """Every MUST of xAPI 1.0.3 on a statement (as sent, before the LRS adds its own properties)."""
    if not isinstance(data, dict):
        raise StatementError("a statement must be a JSON object")
    _statement_body(data, "statement", sub=False)
    if "id" in data:
        check_uuid(data["id"], "statement.id")
    if "stored" in data:
        check_timestamp(data["stored"], "statement.stored")
    if "version" in data and not (isinstance(data["version"], str) and _VERSION.fullmatch(data["version"])):
        raise StatementError(f"statement.version must be 1.0.x, got {data['version']!r}")
    if "authority" in data:
        auth = data["authority"]
        if isinstance(auth, dict) and auth.get("objectType") == "Group":
            # three-legged OAuth: an anonymous Group of the consumer (an account) and the user
            check_group(auth, "statement.authority", members=2)
            if any(k in auth for k in IFIS):
                raise StatementError("statement.authority: a Group authority must be anonymous")
            if not any("account" in m for m in auth["member"]):
                raise StatementError("statement.authority: a Group authority names its OAuth consumer by an account")
        else:
            check_agent(auth, "statement.authority")
    return data


# what a statement credits ----------------------------------------------------------------------
@dataclass(frozen=True)
class Credit:
    cco_id: str
    activity_id: str
    action: str
    occurred_at: datetime


def activity_id_of(iri_: str) -> str | None:
    """The library id an object IRI names: the IRI itself when it is one, else its last path segment."""
    if _ACTIVITY_ID.fullmatch(iri_):
        return iri_
    path = urlsplit(iri_).path.rstrip("/")
    last = path.rsplit("/", 1)[-1] if path else ""
    return last if _ACTIVITY_ID.fullmatch(last) else None


def verb_action(verb_id: str) -> str | None:
    return VERB_ACTIONS.get(urlsplit(verb_id).path.rstrip("/").rsplit("/", 1)[-1].lower())


def credit_of(st: dict[str, Any], occurred_at: datetime, cco_id_pattern: str) -> Credit | str:
    """The completion a valid statement makes, or the reason it makes none: only an Agent identified by an
    account whose name is a CCO ID, with a verb that maps to an action, on an Activity (CL-4, CL-11 decide
    later, in the completions path, whether it earns)."""
    actor, obj = st["actor"], st["object"]
    account = actor.get("account") if actor.get("objectType", "Agent") == "Agent" else None
    if account is None:
        return "unknown person: the actor is not an Agent identified by an account"
    if not re.fullmatch(cco_id_pattern, account["name"]):
        return f"unknown person: the account name {account['name'][:64]!r} is not a CCO ID"
    if st["verb"]["id"] == VOIDED:
        return "a voiding statement earns nothing"
    action = verb_action(st["verb"]["id"])
    if action is None:
        return f"the verb {st['verb']['id'][:200]} earns nothing here"
    if obj.get("objectType", "Activity") != "Activity":
        return "the object is not an Activity"
    activity_id = activity_id_of(obj["id"])
    if activity_id is None:
        return f"not in the library: {obj['id'][:200]}"
    return Credit(account["name"], activity_id, action, occurred_at)


# reading back ----------------------------------------------------------------------------------
def related(st: dict[str, Any]) -> tuple[set[str], set[str]]:
    """The agents and activities a statement is related to (for related_agents / related_activities):
    its actor, object, authority, instructor, team, context activities, and those of a SubStatement."""
    agents: set[str] = set()
    activities: set[str] = set()

    def add_agent(a: Any) -> None:
        if isinstance(a, dict):
            if (key := agent_key(a)) is not None:
                agents.add(key)
            for m in a.get("member") or []:
                add_agent(m)

    def walk(s: dict[str, Any]) -> None:
        add_agent(s.get("actor"))
        add_agent(s.get("authority"))
        obj = s.get("object") or {}
        kind = obj.get("objectType", "Activity")
        if kind == "Activity":
            activities.add(obj["id"])
        elif kind in ("Agent", "Group"):
            add_agent(obj)
        elif kind == "SubStatement":
            walk(obj)
        ctx = s.get("context") or {}
        add_agent(ctx.get("instructor"))
        add_agent(ctx.get("team"))
        for acts in (ctx.get("contextActivities") or {}).values():
            for a in acts if isinstance(acts, list) else [acts]:
                activities.add(a["id"])

    walk(st)
    return agents, activities


def normalise(st: dict[str, Any]) -> dict[str, Any]:
    """A stored statement's context activities always as arrays (the spec's MUST for the LRS)."""
    def fix(s: dict[str, Any]) -> None:
        ca = (s.get("context") or {}).get("contextActivities")
        if isinstance(ca, dict):
            for k, v in list(ca.items()):
                if not isinstance(v, list):
                    ca[k] = [v]
        if isinstance(s.get("object"), dict) and s["object"].get("objectType") == "SubStatement":
            fix(s["object"])

    fix(st)
    return st


def _ids_agent(a: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {k: a[k] for k in ("objectType", *IFIS) if k in a}
    if "member" in a:
        out["member"] = [_ids_agent(m) for m in a["member"]]
    return out


def ids_format(st: dict[str, Any]) -> dict[str, Any]:
    """format=ids: agents, groups and activities by their identifiers only, verbs by id."""
    out = dict(st)

    def slim(s: dict[str, Any]) -> dict[str, Any]:
        s = dict(s)
        s["actor"] = _ids_agent(s["actor"])
        s["verb"] = {"id": s["verb"]["id"]}
        obj = s["object"]
        kind = obj.get("objectType", "Activity")
        if kind == "Activity":
            s["object"] = {"id": obj["id"]}
        elif kind in ("Agent", "Group"):
            s["object"] = _ids_agent(obj)
        elif kind == "SubStatement":
            s["object"] = slim(obj)
        if "authority" in s:
            s["authority"] = _ids_agent(s["authority"])
        return s

    return slim(out)


LANGUAGE_MAPS = ("display", "name", "description")


def canonical_format(st: dict[str, Any], accepted: list[str]) -> dict[str, Any]:
    """format=canonical: each language map reduced to one language, the first of ``accepted`` it has
    (Accept-Language order), else its first."""
    def pick(m: dict[str, str]) -> dict[str, str]:
        lower = {k.lower(): k for k in m}
        for tag in accepted:
            t = tag.lower()
            if t in lower:
                return {lower[t]: m[lower[t]]}
            for k in m:
                if k.lower().split("-")[0] == t.split("-")[0]:
                    return {k: m[k]}
        first = next(iter(m))
        return {first: m[first]}

    def walk(value: Any) -> Any:
        if isinstance(value, list):
            return [walk(v) for v in value]
        if not isinstance(value, dict):
            return value
        out = {}
        for k, v in value.items():
            if k == "extensions":
                out[k] = v
            elif k in LANGUAGE_MAPS and isinstance(v, dict) and v and all(isinstance(x, str) for x in v.values()):
                out[k] = pick(v)
            else:
                out[k] = walk(v)
        return out

    return walk(st)


def accepted_languages(header: str | None) -> list[str]:
    """Accept-Language's tags, most wanted first."""
    tags = []
    for i, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and tag != "*" and q > 0:
            tags.append((-q, i, tag))
    return [t for _, _, t in sorted(tags)]


def merge_definitions(definitions: list[dict[str, Any]]) -> dict[str, Any]:
    """The Activity definition from every statement about it, oldest first: language maps merged, the
    latest value of everything else (the Activities resource returns all it knows)."""
    out: dict[str, Any] = {}
    for d in definitions:
        for k, v in d.items():
            if k in ("name", "description") and isinstance(v, dict) and isinstance(out.get(k), dict):
                out[k] = {**out[k], **v}
            elif k == "extensions" and isinstance(v, dict) and isinstance(out.get(k), dict):
                out[k] = {**out[k], **v}
            else:
                out[k] = v
    return out
