"""Identity test helpers shared by the integration and page tests: a real SMTP server (aiosmtpd) on
127.0.0.1 for the merge confirmation mails that notify sends (ID-2)."""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from partnerhub.testing import free_port


class Inbox:
    """What the SMTP server accepted, by recipient address."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.received.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpts, m in self.received if address in rcpts]

    @staticmethod
    def text_of(message: EmailMessage) -> str:
        return text_of(message)

    @staticmethod
    def link_in(message: EmailMessage) -> str:
        return link_in(message)

    def notify_settings(self) -> dict[str, Any]:
        """Overrides that point notify at this server (the other services ignore them)."""
        return {"smtp_host": "127.0.0.1", "smtp_port": self.port, "smtp_timeout": 5.0, "sender_poll_interval": 0.1}


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None, "no text/plain part"
    return str(body.get_content())


def link_in(message: EmailMessage) -> str:
    """The confirmation link of a merge_confirmation mail (plain-text part)."""
    found = re.search(r"https?://\S+/ui/merge-confirmation\?token=[A-Za-z0-9_-]+", text_of(message))
    assert found, text_of(message)
    return found.group(0)


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    sink = Inbox()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port, ready_timeout=10)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
