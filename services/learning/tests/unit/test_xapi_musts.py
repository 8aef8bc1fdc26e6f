"""xAPI 1.0.3: each MUST of the statement format that this LRS checks, one case per requirement.

Each case's id names the requirement (the spec's section and the ADL suite's XAPI-nnnnn where it has
one). A refused statement raises StatementError (the LRS answers 400 with its message); the valid
variants beside them prove the check is not simply refusing everything.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from learning.domain.xapi import (
    StatementError,
    accepted_languages,
    canonical_format,
    check_statement,
    ids_format,
    merge_definitions,
    related,
)

MBOX = {"mbox": "mailto:ann@example.com"}


def base() -> dict[str, Any]:
    return {
        "id": "9e1b3d52-8d32-4c5a-9a47-3f1d2b1c0a11",
        "actor": {"objectType": "Agent", "name": "Ann", **MBOX},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
        "object": {"objectType": "Activity", "id": "https://lms.example.com/courses/DC-101"},
        "timestamp": "2026-02-01T10:00:00Z",
    }


def with_(path: str, value: Any) -> dict[str, Any]:
    st = base()
    *parents, last = path.split(".")
    node = st
    for p in parents:
        node = node.setdefault(p, {})
    node[last] = value
    return st


def without(key: str) -> dict[str, Any]:
    st = base()
    del st[key]
    return st


SUB = {"objectType": "SubStatement", "actor": MBOX, "verb": {"id": "http://x.example/v"},
       "object": {"id": "http://x.example/a"}}
REFUSED = {
    # Data 2.2: properties
    "2.2.s4.b1 null values are refused (XAPI-00001)": with_("result", {"success": None}),
    "2.2.s4.b3 keys are case-sensitive: 'Actor' beside actor is unknown (XAPI-00002)": {**base(), "Actor": MBOX},
    "2.2.s4.b3 unknown top-level properties are refused": {**base(), "foo": 1},
    "2.2 actor is required (XAPI-00003)": without("actor"),
    "2.2 verb is required (XAPI-00003)": without("verb"),
    "2.2 object is required (XAPI-00003)": without("object"),
    # Data 2.4.1 id
    "2.4.1 id is a UUID (XAPI-00027)": with_("id", "not-a-uuid"),
    "2.4.1 id is a string": with_("id", 12),
    # Data 2.4.2 actor / agents / groups
    "2.4.2.1 an Agent has exactly one identifier, not none (XAPI-00038)": with_("actor", {"name": "Ann"}),
    "2.4.2.1 an Agent has exactly one identifier, not two (XAPI-00038)": with_("actor", {**MBOX, "openid": "http://o.example/ann"}),
    "2.4.2.2 an anonymous Group lists members (XAPI-00045)": with_("actor", {"objectType": "Group"}),
    "2.4.2.2 an identified Group has one identifier (XAPI-00047)": with_(
        "actor", {"objectType": "Group", **MBOX, "openid": "http://o.example/g"}),
    "2.4.2.2 a Group's members are Agents, not Groups (XAPI-00049)": with_(
        "actor", {"objectType": "Group", "member": [{"objectType": "Group", "member": [MBOX]}]}),
    "2.4.2.3 mbox is a mailto IRI (XAPI-00051)": with_("actor", {"mbox": "ann@example.com"}),
    "2.4.2.3 mbox_sha1sum is 40 hex digits (XAPI-00052)": with_("actor", {"mbox_sha1sum": "abc"}),
    "2.4.2.3 openid is a URI (XAPI-00053)": with_("actor", {"openid": "not a uri"}),
    "2.4.2.4 account has homePage and name (XAPI-00055)": with_("actor", {"account": {"name": "ann"}}),
    "2.4.2.4 account homePage is an IRL (XAPI-00056)": with_("actor", {"account": {"homePage": "nope", "name": "ann"}}),
    "2.4.2 actor objectType is Agent or Group (XAPI-00039)": with_("actor", {"objectType": "Person", **MBOX}),
    # Data 2.4.3 verb
    "2.4.3 verb id is an IRI (XAPI-00062)": with_("verb", {"id": "completed"}),
    "2.4.3 verb display is a language map (XAPI-00063)": with_("verb", {"id": "http://x.example/v", "display": "done"}),
    "4.2 language map keys are RFC 5646 tags (XAPI-00119)": with_(
        "verb", {"id": "http://x.example/v", "display": {"not a tag": "x"}}),
    # Data 2.4.4 object
    "2.4.4.1 an Activity id is an IRI (XAPI-00066)": with_("object", {"id": "DC 101"}),
    "2.4.4.1 an Activity definition type is an IRI (XAPI-00071)": with_(
        "object", {"id": "http://x.example/a", "definition": {"type": "course"}}),
    "2.4.4.1 moreInfo is an IRL (XAPI-00072)": with_(
        "object", {"id": "http://x.example/a", "definition": {"moreInfo": "here"}}),
    "2.4.4.1 interactionType is one of the spec's (XAPI-00073)": with_(
        "object", {"id": "http://x.example/a", "definition": {"interactionType": "essay"}}),
    "2.4.4.1 interactionType is a string, not an object (XAPI-00073)": with_(
        "object", {"id": "http://x.example/a", "definition": {"interactionType": {"x": 1}}}),
    "2.4.4.1 interaction components need interactionType (XAPI-00074)": with_(
        "object", {"id": "http://x.example/a", "definition": {"choices": [{"id": "a"}]}}),
    "2.4.4.1 interaction component ids are unique (XAPI-00075)": with_(
        "object", {"id": "http://x.example/a", "definition": {"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]}}),
    "2.4.4.2 an Agent object states objectType (XAPI-00081)": with_("object", MBOX),
    "2.4.4.3 a SubStatement has no id (XAPI-00088)": with_("object", {**SUB, "id": "9e1b3d52-8d32-4c5a-9a47-3f1d2b1c0a12"}),
    "2.4.4.3 a SubStatement has no stored, version or authority (XAPI-00089)": with_("object", {**SUB, "stored": "2026-02-01T10:00:00Z"}),
    "2.4.4.3 a SubStatement does not nest a SubStatement (XAPI-00090)": with_("object", {**SUB, "object": SUB}),
    "2.4.4.3 a StatementRef's id is a UUID (XAPI-00086)": with_("object", {"objectType": "StatementRef", "id": "x"}),
    "2.4.8 a voiding statement's object is a StatementRef (XAPI-00020)": {
        **base(), "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"}},
    # Data 2.4.5 result
    "2.4.5.1 score.scaled lies in -1..1 (XAPI-00091)": with_("result", {"score": {"scaled": 1.01}}),
    "2.4.5.1 score.raw lies in min..max (XAPI-00092)": with_("result", {"score": {"raw": 11, "min": 0, "max": 10}}),
    "2.4.5.1 score.min is less than max (XAPI-00094)": with_("result", {"score": {"min": 10, "max": 10}}),
    "2.4.5.1 score values are numbers": with_("result", {"score": {"raw": "5"}}),
    "2.4.5 success is a boolean (XAPI-00095)": with_("result", {"success": "yes"}),
    "2.4.5 completion is a boolean (XAPI-00096)": with_("result", {"completion": 1}),
    "4.6 duration is ISO 8601 (XAPI-00124)": with_("result", {"duration": "1 hour"}),
    "4.6 weeks do not combine with other units (XAPI-00124)": with_("result", {"duration": "P4W1D"}),
    "2.4.5 result extensions keys are IRIs (XAPI-00118)": with_("result", {"extensions": {"score2": 1}}),
    # Data 2.4.6 context
    "2.4.6 registration is a UUID (XAPI-00098)": with_("context", {"registration": "r1"}),
    "2.4.6 instructor is an Agent or Group (XAPI-00099)": with_("context", {"instructor": {"name": "x"}}),
    "2.4.6 team is a Group (XAPI-00100)": with_("context", {"team": MBOX}),
    "2.4.6 revision only with an Activity object (XAPI-00101)": {
        **with_("context", {"revision": "2"}), "object": {"objectType": "Agent", **MBOX}},
    "2.4.6 platform only with an Activity object (XAPI-00102)": {
        **with_("context", {"platform": "web"}), "object": {"objectType": "Agent", **MBOX}},
    "2.4.6 language is an RFC 5646 tag (XAPI-00103)": with_("context", {"language": "english!"}),
    "2.4.6 contextActivities keys are parent/grouping/category/other (XAPI-00104)": with_(
        "context", {"contextActivities": {"sibling": [{"id": "http://x.example/a"}]}}),
    "2.4.6 context statement is a StatementRef (XAPI-00105)": with_("context", {"statement": {"id": "x"}}),
    # Data 2.4.7 timestamp, 2.4.9 authority, 2.4.10 version
    "2.4.7 timestamp is ISO 8601 (XAPI-00121)": with_("timestamp", "yesterday"),
    "4.5 the offset -00:00 is refused (XAPI-00122)": with_("timestamp", "2026-02-01T10:00:00-00:00"),
    "2.4.9 authority is an Agent or Group (XAPI-00097)": with_("authority", {"name": "x"}),
    "2.4.9 an OAuth Group authority has two members (XAPI-00100)": with_(
        "authority", {"objectType": "Group", "member": [{"account": {"homePage": "http://h.example", "name": "c"}}]}),
    "2.4.9 a Group authority is anonymous (XAPI-00100)": with_(
        "authority", {"objectType": "Group", **MBOX, "member": [MBOX, {"account": {"homePage": "http://h.example", "name": "c"}}]}),
    "2.4.9 a Group authority names its OAuth consumer by an account (XAPI-00100)": with_(
        "authority", {"objectType": "Group", "member": [MBOX, {"mbox": "mailto:b@example.com"}]}),
    "2.4.10 version is 1.0.x (XAPI-00106)": with_("version", "2.0.0"),
    # Data 2.4.11 attachments
    "2.4.11 an attachment has usageType, display, contentType, length and sha2 (XAPI-00107)": with_(
        "attachments", [{"usageType": "http://x.example/u", "display": {"en": "x"}, "contentType": "text/plain", "length": 1}]),
    "2.4.11 an attachment's length is a whole number (XAPI-00111)": with_(
        "attachments", [{"usageType": "http://x.example/u", "display": {"en": "x"}, "contentType": "text/plain", "length": "1", "sha2": "ab"}]),
    "2.4.11 an attachment's contentType is a media type (XAPI-00110)": with_(
        "attachments", [{"usageType": "http://x.example/u", "display": {"en": "x"}, "contentType": "text", "length": 1, "sha2": "ab"}]),
    "2.4.11 an attachment's usageType is an IRI (XAPI-00108)": with_(
        "attachments", [{"usageType": "usage", "display": {"en": "x"}, "contentType": "text/plain", "length": 1, "sha2": "ab"}]),
}

ACCEPTED = {
    "2.4.2 an actor by mbox": base(),
    "2.4.2 an actor by mbox_sha1sum": with_("actor", {"mbox_sha1sum": "a" * 40}),
    "2.4.2 an actor by openid": with_("actor", {"openid": "http://openid.example/ann"}),
    "2.4.2 an actor by account": with_("actor", {"account": {"homePage": "https://id.cisco.com", "name": "ann"}}),
    "2.4.2.2 an anonymous Group actor": with_("actor", {"objectType": "Group", "member": [MBOX]}),
    "2.4.2.2 an identified Group actor": with_("actor", {"objectType": "Group", "openid": "http://o.example/g"}),
    "2.4.4.2 an Agent object": with_("object", {"objectType": "Agent", **MBOX}),
    "2.4.4.2 a Group object": with_("object", {"objectType": "Group", "member": [MBOX]}),
    "2.4.4.3 a SubStatement object": with_("object", SUB),
    "2.4.4.3 a StatementRef object": with_("object", {"objectType": "StatementRef", "id": "9e1b3d52-8d32-4c5a-9a47-3f1d2b1c0a12"}),
    "2.4.8 a voiding statement": {**base(), "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
                                  "object": {"objectType": "StatementRef", "id": "9e1b3d52-8d32-4c5a-9a47-3f1d2b1c0a12"}},
    "2.4.9 an OAuth Group authority": with_(
        "authority", {"objectType": "Group", "member": [MBOX, {"account": {"homePage": "http://h.example", "name": "c"}}]}),
    "2.4.5 a full result": with_("result", {"score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10}, "success": True,
                                            "completion": True, "response": "x", "duration": "PT1H30M"}),
    "4.6 weeks alone": with_("result", {"duration": "P4W"}),
    "2.4.6 a full context": with_("context", {
        "registration": "9e1b3d52-8d32-4c5a-9a47-3f1d2b1c0a13", "instructor": MBOX,
        "team": {"objectType": "Group", "member": [MBOX]}, "revision": "2", "platform": "web", "language": "en-US",
        "contextActivities": {"parent": {"id": "http://x.example/p"}, "category": [{"id": "http://x.example/c"}]},
        "statement": {"objectType": "StatementRef", "id": "9e1b3d52-8d32-4c5a-9a47-3f1d2b1c0a12"},
        "extensions": {"http://x.example/ext": {"any": None}}}),
    "2.4.11 a fileUrl attachment": with_("attachments", [{
        "usageType": "http://x.example/u", "display": {"en": "x"}, "contentType": "text/plain", "length": 1,
        "sha2": "ab", "fileUrl": "http://files.example/x.txt"}]),
    "2.4.1 an id in capitals": with_("id", "9E1B3D52-8D32-4C5A-9A47-3F1D2B1C0A11"),
    "4.2 language tags with script and region": with_("verb", {"id": "http://x.example/v", "display": {"zh-Hant-TW": "x", "sr-Latn": "y"}}),
}


@pytest.mark.parametrize("statement", list(REFUSED.values()), ids=list(REFUSED))
def test_xapi_must_refuses(statement: dict[str, Any]) -> None:
    with pytest.raises(StatementError):
        check_statement(statement)


@pytest.mark.parametrize("statement", list(ACCEPTED.values()), ids=list(ACCEPTED))
def test_xapi_valid_statements_are_accepted_whatever_their_actor_or_object(statement: dict[str, Any]) -> None:
    check_statement(copy.deepcopy(statement))


def test_xapi_related_agents_and_activities_include_context_authority_and_substatements() -> None:
    st = with_("context", {"instructor": {"mbox": "mailto:i@example.com"},
                           "contextActivities": {"parent": [{"id": "http://x.example/p"}]}})
    st["object"] = {**SUB, "object": {"id": "http://x.example/inner"}}
    agents, activities = related(st)
    assert {"mbox:mailto:ann@example.com", "mbox:mailto:i@example.com"} <= agents
    assert activities == {"http://x.example/p", "http://x.example/inner"}


def test_xapi_formats_ids_and_canonical_2_1_3() -> None:
    st = base()
    st["object"] = {"id": "http://x.example/a", "definition": {"name": {"en-GB": "colour", "en-US": "color"}}}
    st["verb"]["display"] = {"en-GB": "finished", "en-US": "completed"}
    assert ids_format(st)["actor"] == {"objectType": "Agent", **MBOX} and ids_format(st)["object"] == {"id": "http://x.example/a"}
    us = canonical_format(st, accepted_languages("de;q=0.9, en-US"))
    assert us["verb"]["display"] == {"en-US": "completed"} and us["object"]["definition"]["name"] == {"en-US": "color"}
    assert canonical_format(st, [])["verb"]["display"] == {"en-GB": "finished"}
    merged = merge_definitions([{"name": {"en-GB": "meeting"}}, {"name": {"en-US": "a meeting"}, "type": "http://t.example"}])
    assert merged == {"name": {"en-GB": "meeting", "en-US": "a meeting"}, "type": "http://t.example"}


# attachments (communication 1.5.2) and signed statements (data 2.6) ----------------------------------
def _multipart(statement: dict[str, Any], parts: list[tuple[str, bytes]], boundary: str = "b0und") -> tuple[bytes, str]:
    import json

    chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), json.dumps(statement).encode(), b"\r\n"]
    for sha2, content in parts:
        chunks += [f"--{boundary}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n"
                   f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode(), content, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/mixed; boundary={boundary}"


def _signed(algorithm: str = "RS256", payload: dict[str, Any] | None = None) -> tuple[dict[str, Any], bytes]:
    import hashlib

    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    st = base()
    token = jwt.api_jws.PyJWS().encode(
        __import__("json").dumps(payload or st).encode(), key if algorithm.startswith("RS") else "s" * 32, algorithm=algorithm
    ).encode()
    st["attachments"] = [{"usageType": "http://adlnet.gov/expapi/attachments/signature", "display": {"en-US": "signature"},
                          "contentType": "application/octet-stream", "length": len(token), "sha2": hashlib.sha256(token).hexdigest()}]
    return st, token


def test_xapi_1_5_2_attachment_parts_match_their_statements_by_hash() -> None:
    import hashlib

    from learning.domain.xapi_attachments import check_parts, multipart_body, parse_multipart

    data = b"here is a simple attachment\x00\xff"
    sha2 = hashlib.sha256(data).hexdigest()
    st = with_("attachments", [{"usageType": "http://x.example/u", "display": {"en": "x"}, "contentType": "text/plain",
                                "length": len(data), "sha2": sha2}])
    body, content_type = _multipart(st, [(sha2, data)])
    statements, parts = parse_multipart(body, content_type)
    assert statements == st and parts[0].content == data and check_parts([st], parts)[sha2].content == data
    with pytest.raises(StatementError, match="no part holds"):  # XAPI-00129: the data is missing
        check_parts([st], [])
    with pytest.raises(StatementError, match="no statement's attachment"):  # XAPI-00128: an excess part
        check_parts([base()], parts)
    with pytest.raises(StatementError, match="boundary"):  # XAPI-00130
        parse_multipart(body, "multipart/mixed")
    with pytest.raises(StatementError, match="hash"):  # XAPI-00134: the hash does not match the content
        parse_multipart(*_multipart(st, [("0" * 64, data)]))
    with pytest.raises(StatementError, match="application/json"):  # XAPI-00131: the statements come first
        parse_multipart(body.replace(b"application/json", b"text/plain", 1), content_type)
    answer, boundary = multipart_body({"statements": [st]}, [(sha2, "text/plain", data)])
    assert parse_multipart(answer, f"multipart/mixed; boundary={boundary}")[1][0].content == data


@pytest.mark.parametrize("algorithm", ["RS256", "RS384", "RS512"])
def test_xapi_2_6_signed_statements_with_rs_algorithms_are_accepted(algorithm: str) -> None:
    from learning.domain.xapi_attachments import check_parts, check_signatures, parse_multipart

    st, token = _signed(algorithm)
    statements, parts = parse_multipart(*_multipart(st, [(st["attachments"][0]["sha2"], token)]))
    check_signatures([statements], check_parts([statements], parts))


def test_xapi_2_6_signatures_must_use_rs_algorithms_and_sign_the_statement() -> None:
    from learning.domain.xapi_attachments import check_parts, check_signatures, parse_multipart

    for st, token, reason in [
        (*_signed("HS256"), "RS256"),  # XAPI-00117
        (*_signed(payload={**base(), "verb": {"id": "http://x.example/other"}}), "not this statement"),  # XAPI-00116
    ]:
        statements, parts = parse_multipart(*_multipart(st, [(st["attachments"][0]["sha2"], token)]))
        with pytest.raises(StatementError, match=reason):
            check_signatures([statements], check_parts([statements], parts))
    st, token = _signed()
    st["attachments"][0]["contentType"] = "text/plain"  # XAPI-00115
    statements, parts = parse_multipart(*_multipart(st, [(st["attachments"][0]["sha2"], token)]))
    with pytest.raises(StatementError, match="octet-stream"):
        check_signatures([statements], check_parts([statements], parts))
