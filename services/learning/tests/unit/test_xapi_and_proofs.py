"""xAPI statement crediting and proof file types (CL-5); the MUSTs of statements are in test_xapi_musts.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from learning.api.schemas import CCO_ID_PATTERN
from learning.domain.proofs import detect_type
from learning.domain.xapi import (
    Credit,
    StatementError,
    activity_id_of,
    check_statement,
    check_timestamp,
    credit_of,
    version_problem,
)

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
    credit = credit_of(check_statement(statement()), NOW, CCO_ID_PATTERN)
    assert isinstance(credit, Credit)
    assert (credit.cco_id, credit.activity_id, credit.action) == ("alice", "VID-1", "viewed")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"actor": {"mbox": "mailto:a@example.com"}}, "unknown person"),
        ({"actor": {"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"}]}}, "unknown person"),
        ({"actor": {"account": {"homePage": "https://id.cisco.com", "name": "alice\n"}}}, "not a CCO ID"),
        ({"verb": {"id": "http://adlnet.gov/expapi/verbs/initialized"}}, "earns nothing"),
        ({"object": {"objectType": "Agent", "mbox": "mailto:b@example.com"}}, "not an Activity"),
    ],
)
def test_valid_statements_that_credit_nothing_say_why(change, reason) -> None:
    """Stored all the same (the LRS keeps every valid statement); the reason is what staff see."""
    credit = credit_of(check_statement(statement(**change)), NOW, CCO_ID_PATTERN)
    assert isinstance(credit, str) and reason in credit


def test_versions_are_checked_and_library_ids_read_from_iris() -> None:
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
    "timestamp", ["9999-12-31T00:00:00Z", "0001-01-01T00:00:00+01:00", "1772323200", "2026-02-01", "2026-02-01T10:00:00-00:00"]
)
def test_xapi_timestamps_out_of_range_not_iso_or_minus_zero_are_malformed(timestamp: str) -> None:
    with pytest.raises(StatementError, match="timestamp"):
        check_statement(statement(timestamp=timestamp))


def test_xapi_timestamps_without_an_offset_are_utc() -> None:
    assert check_timestamp("2026-02-01T10:00:00", "timestamp").tzinfo is not None
