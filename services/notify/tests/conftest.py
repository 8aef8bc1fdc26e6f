"""Notify test helpers: a real SMTP server (aiosmtpd) on 127.0.0.1 and event feeding."""

from __future__ import annotations

import asyncio
import contextlib
import email
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from partnerhub.bus.envelope import Envelope, Event
from partnerhub.testing import free_port


@dataclass
class Received:
    sender: str
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=default_policy)  # type: ignore[return-value]

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        return str(body.get_content())


class SmtpSink:
    """An SMTP server that keeps what it accepts. ``rcpt_replies[address]`` is a list of replies
    given (one per attempt) before the address is accepted; ``hold_data`` keeps DATA unanswered."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.received: list[Received] = []
        self.rcpt_replies: dict[str, list[str]] = {}
        self.always_refuse: dict[str, str] = {}
        self.hold_data = threading.Event()
        self.data_seen = threading.Event()
        self.controller: Controller | None = None

    # aiosmtpd handler hooks
    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if address in self.always_refuse:
            return self.always_refuse[address]
        queued = self.rcpt_replies.get(address)
        if queued:
            return queued.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content)))
        self.data_seen.set()
        while self.hold_data.is_set():  # noqa: ASYNC110 (a threading.Event: the test thread sets it)
            await asyncio.sleep(0.05)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, ready_timeout=10)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.hold_data.clear()
            with contextlib.suppress(Exception):
                self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.recipients]

    def settings(self, **extra: Any) -> dict[str, Any]:
        """system_factory overrides that point notify at this server, with short retries."""
        values: dict[str, Any] = {
            "smtp_host": "127.0.0.1",
            "smtp_port": self.port,
            "smtp_timeout": 5.0,
            "retry_base_seconds": 0.2,
            "retry_max_seconds": 1.0,
            "sender_poll_interval": 0.1,
        }
        values.update(extra)
        return values


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp_later() -> Iterator[SmtpSink]:
    """A port for an SMTP server that is not running yet (``sink.start()`` brings it up)."""
    sink = SmtpSink()
    yield sink
    sink.stop()


async def publish(runtime: Any, *events: Event | Envelope, producer: str = "identity") -> list[Envelope]:
    envelopes = [e if isinstance(e, Envelope) else Envelope.wrap(e, producer=producer) for e in events]
    await runtime.transport.publish(envelopes)
    return envelopes


@pytest.fixture
def feed() -> Any:
    """``await feed(runtime, event, …)``: publish events on the service's own transport."""
    return publish


@pytest.fixture
def applied() -> Any:
    """``await applied(runtime, envelopes)``: wait until the events were handled."""
    from partnerhub.testing import eventually, in_inbox

    async def wait(runtime: Any, envelopes: list[Envelope], timeout: float = 30) -> None:
        await eventually(lambda: in_inbox(runtime, envelopes), timeout=timeout)

    return wait
