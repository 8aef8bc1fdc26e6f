"""What text and dates a request may carry: the checks, and the annotated types every
service's request models are written with (so each rule lives here once).

- **Single-line text** (names, titles, codes, search terms): no C0 or C1 control
  character, no DEL, no Unicode line or paragraph separator (U+2028, U+2029; U+0085
  is C1), no lone surrogate. A person's or partner's name is single-line text, which is
  also exactly what a mail header accepts (notify builds mail with ``check_header_text``).
- **Free text** (a reason, a comment): the same, except that tab, LF, CR and the two
  Unicode separators are allowed.
- **Mail addresses**: a plain ``local@domain`` that notify can put into a header and hand
  to an SMTP server (``check_address``); identity refuses any other at the moment it is written.
- **Dates and timestamps**: ISO 8601 strings only (never a number read as a Unix time),
  between ``EARLIEST_DATE`` and ``LATEST_DATE``. pydantic's ``Strict()`` cannot do this
  here: FastAPI validates Python values (``validate_python``), where strict mode refuses
  even an ISO string; so the types below let a string through only in ISO form.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, EmailStr, Field, StringConstraints

# C0, DEL, C1 (which holds U+0085 NEL), the line and paragraph separators, lone surrogates
_NOT_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# the same less tab, LF and CR, and less U+2028/U+2029 (line breaks, as LF is; not control characters)
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,253}[A-Za-z0-9])?")

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?P<offset>[Zz]|[+-]\d{2}(?::?\d{2})?)?"
)


class UnsafeText(ValueError):
    """A value holds a character its field does not allow (pydantic reports it as a 422)."""


class UnsafeHeader(UnsafeText):
    """A value would break out of its mail header (CR/LF or another control character) or is no address."""


# text --------------------------------------------------------------------------------------------
def check_single_line(value: str, what: str = "value") -> str:
    """``value`` unchanged, or UnsafeText naming the first character that is not allowed."""
    found = _NOT_SINGLE_LINE.search(value)
    if found:
        raise UnsafeText(f"{what} must be one line of text without control characters (found U+{ord(found[0]):04X})")
    return value


def check_text(value: str, what: str = "value") -> str:
    """Free text: as single-line text, but tab, LF, CR, U+2028 and U+2029 are allowed."""
    found = _NOT_TEXT.search(value)
    if found:
        raise UnsafeText(f"{what} must not contain control characters (found U+{ord(found[0]):04X})")
    return value


def check_header_text(value: str, what: str = "value") -> str:
    """A display name or subject: single-line text, so no CR, LF or other break, however encoded."""
    try:
        return check_single_line(value, what)
    except UnsafeText:
        raise UnsafeHeader(f"{what} contains a line break or control character: {value!r}") from None


def check_address(value: str, what: str = "address") -> str:
    """A plain addr-spec (local@domain, ASCII) with no whitespace, comments, brackets or line breaks."""
    check_header_text(value, what)
    if not _ADDRESS.fullmatch(value) or ".." in value:
        raise UnsafeHeader(f"{what} is not a plain e-mail address: {value!r}")
    return value


def visible(value: str) -> str:
    """``value`` with every character single-line text refuses replaced by U+FFFD: for echoing
    untrusted input (a bad import line) into a stored message."""
    return _NOT_SINGLE_LINE.sub("\ufffd", value)


def _raw_single_line(value: Any) -> Any:
    """Checked as sent, before stripping: a name ending in U+2028 is refused, not quietly trimmed."""
    return check_single_line(value) if isinstance(value, str) else value


def single_line(max_length: int, *, min_length: int = 1, strip: bool = True) -> Any:
    """The type of a single-line text field of at most ``max_length`` characters."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=strip, min_length=min_length, max_length=max_length),
        BeforeValidator(_raw_single_line),
    ]


def free_text(max_length: int, *, min_length: int = 0) -> Any:
    """The type of a free-text field (tab, LF, CR allowed) of at most ``max_length`` characters."""
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length), AfterValidator(check_text)]


# names, titles and addresses as every service writes them
Name = single_line(200)
"""A person's or a partner's name: mail-safe (notify puts it into headers as it is)."""
Title = single_line(300)
"""A catalog title or name."""
SearchText = single_line(400, min_length=0, strip=False)
"""A free-text query parameter (a search term, a key prefix)."""
Reason = free_text(1000)
"""A free-text reason or comment."""
Email = Annotated[EmailStr, BeforeValidator(_raw_single_line), AfterValidator(check_address), Field(max_length=320)]
"""A mail address notify can send to: valid syntax, and plain enough for a header (``check_address``)."""


# dates -------------------------------------------------------------------------------------------
def check_date_range(day: date, what: str = "date") -> date:
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError(f"{what} {day.isoformat()} is outside {EARLIEST_DATE.isoformat()}..{LATEST_DATE.isoformat()}")
    return day


def parse_date(value: Any) -> date:
    """A date from ``YYYY-MM-DD`` (or a ``date`` object from Python code); never a number or a datetime."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return check_date_range(value)
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return check_date_range(date.fromisoformat(value))


def parse_timestamp(value: Any, *, assume_utc: bool = False) -> datetime:
    """An aware datetime from an ISO 8601 / RFC 3339 string (or a ``datetime`` from Python code).
    Without an offset it is refused, or read as UTC with ``assume_utc``; its UTC date is in range."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and (found := _ISO_MOMENT.fullmatch(value)):
        if found["offset"] is None and not assume_utc:
            raise ValueError("must carry its timezone, a UTC offset (e.g. 2026-03-01T10:00:00Z)")
        try:
            moment = datetime.fromisoformat(value.replace(",", ".").upper().replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValueError(f"is not a valid timestamp: {exc}") from None
    else:
        raise ValueError("must be an ISO 8601 timestamp written YYYY-MM-DDThh:mm:ss±hh:mm (not a number)")
    if moment.tzinfo is None:
        if not assume_utc:
            raise ValueError("must carry its timezone, a UTC offset")
        moment = moment.replace(tzinfo=UTC)
    try:
        in_utc = moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"is outside {EARLIEST_DATE.isoformat()}..{LATEST_DATE.isoformat()}") from None
    check_date_range(in_utc.date(), "timestamp")
    return moment


def _timestamp(value: Any) -> datetime:
    return parse_timestamp(value)


BusinessDate = Annotated[date, BeforeValidator(parse_date), Field(examples=["2026-03-01"])]
"""A date field: ``YYYY-MM-DD`` only, between EARLIEST_DATE and LATEST_DATE."""
Timestamp = Annotated[datetime, BeforeValidator(_timestamp), Field(examples=["2026-03-01T10:00:00Z"])]
"""A moment: ISO 8601 with its UTC offset only, its UTC date between EARLIEST_DATE and LATEST_DATE."""
