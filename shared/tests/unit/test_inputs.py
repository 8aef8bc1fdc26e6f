"""The platform's input checks: text kinds, mail-safe names and addresses, ISO dates, pages,
and the body scanner that runs before any JSON parser (partnerhub.inputs, .pagination, .limits)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from pydantic import BaseModel, ValidationError

from partnerhub.inputs import (
    BusinessDate,
    Email,
    Name,
    Reason,
    Timestamp,
    UnsafeHeader,
    UnsafeText,
    check_address,
    check_header_text,
    check_single_line,
    check_text,
    parse_timestamp,
    visible,
)
from partnerhub.limits import body_problem, has_escaped_nul, json_depth, url_problem
from partnerhub.pagination import MAX_OFFSET, Page


class Person(BaseModel):
    name: Name
    email: Email


class Entry(BaseModel):
    on: BusinessDate
    at: Timestamp | None = None
    reason: Reason | None = None


# text --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value", ["a\x00b", "a\nb", "a\rb", "a\tb", "a\x1bb", "a\x7fb", "a\x85b", "a\x9fb", "a\u2028b", "a\u2029b", "a\ud800b"]
)
def test_single_line_text_refuses_every_control_character_and_separator(value: str) -> None:
    with pytest.raises(UnsafeText, match="U\\+"):
        check_single_line(value)


def test_free_text_allows_tab_and_line_breaks_but_no_other_control() -> None:
    assert check_text("first line\r\n\tsecond\u2028third") == "first line\r\n\tsecond\u2028third"
    for value in ("a\x00", "a\x0b", "a\x85", "a\x9b", "a\udfff"):
        with pytest.raises(UnsafeText):
            check_text(value)


def test_visible_replaces_what_single_line_text_refuses() -> None:
    assert visible("a\x00b\u2028c\td") == "a\ufffdb\ufffdc\ufffdd"
    assert visible("Zoë O'Brien") == "Zoë O'Brien"


@pytest.mark.parametrize("name", ["Jo\u2028Bcc: x@y.io", "Jo\x85Bcc: x@y.io", "Jo\r\nBcc: x@y.io", "Jo\x00", "   "])
def test_names_notify_could_not_put_in_a_header_are_refused(name: str) -> None:
    """The rule behind NO-3: identity refuses the same names notify's header check refuses."""
    with pytest.raises(ValidationError):
        Person(name=name, email="jo@example.com")
    if name.strip():
        with pytest.raises(UnsafeHeader):
            check_header_text(name)


@pytest.mark.parametrize(
    "email", ["jo@example.com\u2028", "jo\x85@example.com", "zoë@exämple.com", "jo@exämple.com", "jo@example.com\r\nBcc: x@y.io"]
)
def test_addresses_notify_could_not_send_to_are_refused(email: str) -> None:
    with pytest.raises(ValidationError):
        Person(name="Jo", email=email)


def test_plain_names_and_addresses_pass_as_notify_takes_them() -> None:
    person = Person(name="  Zoë \"Q\" O'Brien, Jr.  ", email="first.last+tag@Sub.Example.com")
    assert person.name == "Zoë \"Q\" O'Brien, Jr."
    assert check_address(person.email) == person.email == "first.last+tag@sub.example.com"


# dates -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value", [20260301, 1_772_323_200, "1772323200", "20260301", "2026-03-01T00:00:00", "2026-3-1", "2026-02-30", True, 2026.0]
)
def test_dates_are_iso_strings_only_never_numbers(value: object) -> None:
    with pytest.raises(ValidationError):
        Entry(on=value)


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01"])
def test_dates_outside_the_platform_range_are_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="outside 1900-01-01..2999-12-31"):
        Entry(on=value)


def test_dates_inside_the_range_pass_as_strings_or_objects() -> None:
    assert Entry(on="2026-03-01").on == date(2026, 3, 1)
    assert Entry(on=date(1900, 1, 1)).on == date(1900, 1, 1)
    assert Entry(on="2999-12-31").on == date(2999, 12, 31)


@pytest.mark.parametrize(
    "value",
    [
        1_772_323_200,  # a Unix time is not a timestamp here
        "1772323200",
        "2026-03-01T10:00:00",  # no offset
        "2026-03-01",
        "yesterday",
        "0001-01-01T00:00:00+01:00",  # before year 1 in UTC: an OverflowError once
        "9999-12-31T23:00:00-01:00",
        "9999-12-31T00:00:00Z",
    ],
)
def test_timestamps_are_iso_with_an_offset_and_in_range(value: object) -> None:
    with pytest.raises(ValidationError):
        Entry(on="2026-03-01", at=value)


def test_timestamps_keep_their_offset_and_xapi_may_assume_utc() -> None:
    at = Entry(on="2026-03-01", at="2026-03-01T10:00:00.5+01:00").at
    assert at == datetime(2026, 3, 1, 9, 0, 0, 500_000, tzinfo=UTC)
    assert at is not None and at.utcoffset() == timedelta(hours=1)
    assert Entry(on="2026-03-01", at="2026-03-01t10:00:00z").at == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert parse_timestamp("2026-03-01T10:00:00", assume_utc=True) == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert parse_timestamp(datetime(2026, 3, 1, tzinfo=timezone(timedelta(hours=-5)))).tzinfo is not None


def test_reasons_are_free_text_with_a_length() -> None:
    assert Entry(on="2026-03-01", reason="not legible\nplease resend").reason == "not legible\nplease resend"
    with pytest.raises(ValidationError):
        Entry(on="2026-03-01", reason="x" * 1001)
    with pytest.raises(ValidationError):
        Entry(on="2026-03-01", reason="bad\x00")


# pages -------------------------------------------------------------------------------------------
def test_a_page_slices_what_is_in_memory() -> None:
    assert Page(limit=2, offset=1).of([1, 2, 3, 4]) == [2, 3]
    assert Page(limit=5, offset=MAX_OFFSET).of([1]) == []


# the body scanner --------------------------------------------------------------------------------
def test_depth_counts_brackets_outside_strings_only() -> None:
    assert json_depth(b'{"a": [1, {"b": []}]}') == 4
    assert json_depth(b'{"a": "[[[[[[[[", "b": "\\"[[[["}') == 1
    assert json_depth(b"[]") == 1 and json_depth(b'"x"') == 0 and json_depth(b"") == 0


def test_fifty_thousand_nested_arrays_are_refused_without_recursion() -> None:
    deep = b"[" * 50_000 + b"]" * 50_000
    assert json_depth(deep, stop_after=64) == 65
    problem = body_problem(deep, "application/json", 64)
    assert problem is not None and (problem.status, problem.slug) == (422, "nesting-too-deep")
    assert body_problem(b"[" * 64 + b"]" * 64, "application/json", 64) is None


def test_escaped_nul_in_a_json_string_is_found_but_an_escaped_backslash_is_not() -> None:
    assert has_escaped_nul(b'{"event": "Cisco\\u0000Live"}')
    assert has_escaped_nul(b'{"event": "x\\\\\\u0000"}')  # \\ then \u0000
    assert not has_escaped_nul(b'{"event": "x\\\\u0000"}')  # the six characters \u0000, no NUL
    problem = body_problem(b'{"event": "a\\u0000"}', "application/json", 64)
    assert problem is not None and (problem.status, problem.slug) == (422, "nul-character")


def test_raw_nul_bytes_and_utf16_bodies_are_refused() -> None:
    assert body_problem(b'{"a": "\x00"}', "application/json", 64) is not None
    assert body_problem('{"a": 1}'.encode("utf-16-le"), "application/json", 64) is not None
    assert body_problem(b"cco_id=jo%00e", "application/x-www-form-urlencoded", 64) is not None
    assert body_problem(b"cco_id=joe&next=%5B%5B", "application/x-www-form-urlencoded", 64) is None
    assert body_problem(b'{"name": "Zo\\u00eb"}', "application/json", 64) is None


def test_nul_in_the_path_or_the_query_string_is_refused() -> None:
    assert url_problem({"path": "/v1/individuals/jo\x00e", "query_string": b""}) is not None
    assert url_problem({"path": "/v1/notifications", "query_string": b"recipient=a%00b"}) is not None
    assert url_problem({"path": "/v1/notifications", "query_string": b"recipient=a%2500b"}) is None


def test_separators_at_the_ends_are_refused_not_trimmed_away() -> None:
    for name in ("Jo\u2028", "\x85Jo", "Jo\n"):
        with pytest.raises(ValidationError, match="control characters"):
            Person(name=name, email="jo@example.com")
    with pytest.raises(ValidationError, match="control characters"):
        Person(name="Jo", email="jo@example.com\u2028")
