"""xAPI statement reading and proof file types (CL-5)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from learning.api.schemas import CCO_ID_PATTERN
from learning.domain.proofs import detect_type
from learning.domain.xapi import StatementError, activity_id_of, read_statement, version_problem

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def statement(**over):
    base = {
        "id": "9e1b3d52-8d32-4c5a-9a47-3f1d2b1c0a11",
        "actor": {"objectType": "Agent", "account": {"homePage": "https://id.cisco.com", "name": "alice"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"objectType": "Activity", "id": "https://learning.example.com/activities/VID-1"},
        "timestamp": "2026-02-01T10:00:00Z",
    }
    base.update(over)
    return base


def test_statement_maps_to_a_completion() -> None:
    facts = read_statement(statement(), NOW, CCO_ID_PATTERN)
    assert (facts.cco_id, facts.activity_id, facts.action) == ("alice", "VID-1", "viewed")
    assert facts.occurred_at == datetime(2026, 2, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"actor": {"mbox": "mailto:a@example.com"}}, "account"),
        ({"verb": {"display": {"en-US": "did"}}}, "verb.id"),
        ({"object": {"objectType": "Agent", "id": "x:y"}}, "Activity"),
        ({"id": "not-a-uuid"}, "UUID"),
        ({"timestamp": "yesterday"}, "timestamp"),
        ({"object": "VID-1"}, "object"),
    ],
)
def test_malformed_statements_say_why(change, reason) -> None:
    with pytest.raises(StatementError, match=reason):
        read_statement(statement(**change), NOW, CCO_ID_PATTERN)


def test_unknown_verbs_are_not_completions_and_versions_are_checked() -> None:
    facts = read_statement(statement(verb={"id": "http://adlnet.gov/expapi/verbs/initialized"}), NOW, CCO_ID_PATTERN)
    assert facts.action is None
    assert version_problem("1.0.3") is None and version_problem(None) and version_problem("2.0.0")
    assert activity_id_of("https://lms.example.com/courses/DC-101/") == "DC-101"
    assert activity_id_of("DC-101") == "DC-101"


def test_cl5_proof_types_by_content() -> None:
    assert detect_type(b"%PDF-1.7\n...") == "application/pdf"
    assert detect_type(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert detect_type(b"\xff\xd8\xff\xe0....JFIF") == "image/jpeg"
    assert detect_type(b"From: a@example.com\r\nSubject: Your Cisco Live registration\r\n\r\nHello") == "message/rfc822"
    assert detect_type(b"MZ\x90\x00 an executable") is None
    assert detect_type(b"<html><body>certificate</body></html>") is None
    assert detect_type(b"Subject: no sender\r\n\r\nbody") is None


def test_cl9_one_rule_refuses_what_happened_after_today_in_utc() -> None:
    from datetime import date, timedelta, timezone

    from learning.domain.points import occurred_problem

    today = date(2026, 3, 1)
    assert occurred_problem(datetime(2026, 3, 1, 23, 59, tzinfo=UTC), today) is None
    assert occurred_problem(datetime(2026, 3, 2, tzinfo=UTC), today) == "occurred_at 2026-03-02T00:00:00+00:00 is after today (2026-03-01)"
    late_evening_west = datetime(2026, 3, 1, 23, 30, tzinfo=timezone(timedelta(hours=-1)))  # 00:30 UTC on the 2nd
    assert occurred_problem(late_evening_west, today) is not None


@pytest.mark.parametrize(
    "timestamp", ["9999-12-31T00:00:00Z", "0001-01-01T00:00:00+01:00", "1772323200", "2026-02-01"]
)
def test_xapi_timestamps_out_of_range_or_not_iso_are_malformed(timestamp: str) -> None:
    with pytest.raises(StatementError, match="timestamp"):
        read_statement(statement(timestamp=timestamp), NOW, CCO_ID_PATTERN)


def test_xapi_ids_with_a_trailing_newline_are_malformed_and_untimed_statements_say_so() -> None:
    with pytest.raises(StatementError, match="CCO ID"):
        read_statement(statement(actor={"account": {"name": "alice\n"}}), NOW, CCO_ID_PATTERN)
    untimed = {k: v for k, v in statement().items() if k != "timestamp"}
    facts = read_statement(untimed, NOW, CCO_ID_PATTERN)
    assert facts.occurred_at == NOW and not facts.timestamped
    assert read_statement(statement(timestamp="2026-02-01T10:00:00"), NOW, CCO_ID_PATTERN).occurred_at.tzinfo is not None
