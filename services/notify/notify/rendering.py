"""Jinja2 templates, one set per kind in ``notify/templates``: ``<kind>.subject.txt``,
``<kind>.txt`` (plain text) and ``<kind>.html`` (HTML, autoescaped)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from notify.domain import KINDS, check_header_text


def long_date(value: str | date | None) -> str:
    """2027-03-01 → 1 March 2027 (ISO dates are what the delivery log keeps)."""
    if value is None:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return f"{day.day} {day.strftime('%B')} {day.year}"


def long_time(value: str | datetime) -> str:
    """2027-03-01T09:30:00+00:00 → 1 March 2027, 09:30 UTC."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    moment = moment.astimezone(UTC)
    return f"{long_date(moment.date())}, {moment:%H:%M} UTC"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


class Templates:
    def __init__(self) -> None:
        self.env = Environment(
            loader=PackageLoader("notify", "templates"),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["long_date"] = long_date
        self.env.filters["long_time"] = long_time
        # load every template once at start: a missing or broken one fails fast
        self._sets = {
            kind: tuple(self.env.get_template(f"{kind}.{part}") for part in ("subject.txt", "txt", "html"))
            for kind in KINDS
        }

    def render(self, kind: str, context: dict[str, Any]) -> Rendered:
        subject_t, text_t, html_t = self._sets[kind]
        # the subject template is one line: a line break in it can only come from the data
        subject = check_header_text(subject_t.render(context).strip(), "subject")
        return Rendered(subject, text_t.render(context), html_t.render(context))
