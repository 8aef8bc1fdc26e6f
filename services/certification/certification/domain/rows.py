"""One exam result as it arrives (API body, CSV or JSON line): parse and check without I/O."""

from __future__ import annotations

import re
from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

CCO_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$"
EXAM_NUMBER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
EXTERNAL_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$"
EARLIEST_EXAM_DATE = date(1990, 1, 1)
FIELDS = ("external_id", "cco_id", "exam_number", "taken_on", "passed")
_CCO = re.compile(CCO_ID_PATTERN)
_EXAM = re.compile(EXAM_NUMBER_PATTERN)
_EXTERNAL = re.compile(EXTERNAL_ID_PATTERN)
_TRUE = {"true", "1", "yes", "y", "pass", "passed", "p"}
_FALSE = {"false", "0", "no", "n", "fail", "failed", "f"}


class RowError(ValueError):
    pass


@dataclass(frozen=True)
class ResultRow:
    external_id: str
    cco_id: str
    exam_number: str
    taken_on: date
    passed: bool


def check_taken_on(taken_on: date, today: date) -> None:
    if taken_on > today:
        raise RowError(f"taken_on {taken_on.isoformat()} is after today's business date {today.isoformat()}")
    if taken_on < EARLIEST_EXAM_DATE:
        raise RowError(f"taken_on {taken_on.isoformat()} is before {EARLIEST_EXAM_DATE.isoformat()}")


def parse_row(raw: Mapping[str, Any], *, today: date, known_exams: Container[str]) -> ResultRow:
    """A result from loosely typed fields (CSV strings or JSON values); RowError says what is wrong."""
    unknown = sorted(k for k in raw if k not in FIELDS)
    if unknown:
        raise RowError(f"unknown field(s): {', '.join(map(str, unknown))}; expected {', '.join(FIELDS)}")
    missing = [f for f in FIELDS if raw.get(f) in (None, "")]
    if missing:
        raise RowError(f"missing field(s): {', '.join(missing)}")
    external_id, cco_id, exam = (raw["external_id"], raw["cco_id"], raw["exam_number"])
    for name, value, pattern in (
        ("external_id", external_id, _EXTERNAL),
        ("cco_id", cco_id, _CCO),
        ("exam_number", exam, _EXAM),
    ):
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise RowError(f"{name} {str(value)[:80]!r} is not valid (pattern {pattern.pattern})")
    if exam not in known_exams:
        raise RowError(f"exam {exam} is not in the exam catalog")
    taken = raw["taken_on"]
    if not isinstance(taken, str):
        raise RowError(f"taken_on must be a date YYYY-MM-DD, got {taken!r}")
    try:
        taken_on = date.fromisoformat(taken)
    except ValueError:
        raise RowError(f"taken_on {taken[:40]!r} is not a date YYYY-MM-DD") from None
    if len(taken) != 10:
        raise RowError(f"taken_on {taken[:40]!r} is not a date YYYY-MM-DD")
    check_taken_on(taken_on, today)
    return ResultRow(external_id, cco_id, exam, taken_on, _boolean(raw["passed"]))


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    raise RowError(f"passed must be true/false (or pass/fail), got {str(value)[:40]!r}")
