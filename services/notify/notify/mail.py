"""Building a message safely and handing it over: SMTP (aiosmtplib) or .eml files.

Every address and display name is checked for CR/LF and other control characters before
it goes into a header (cpython#121650: the ``email`` package alone is not enough), address
headers are built with ``formataddr`` into an ``EmailMessage``, and the SMTP envelope
(sender, recipients) is always passed explicitly, never read from To/Cc/Bcc.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email._policybase import Compat32
from email.charset import QP, Charset
from email.message import EmailMessage
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path
from typing import Protocol

import aiosmtplib

from notify.domain import UnsafeHeader, check_address, check_header_text
from notify.rendering import Rendered
from notify.settings import NotifySettings


class DeliveryError(Exception):
    """Sending failed; ``permanent`` (a 5xx for this recipient or message) is not retried by itself."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Sender:
    name: str
    address: str

    @property
    def domain(self) -> str:
        return self.address.rsplit("@", 1)[1]


def parse_sender(mail_from: str) -> Sender:
    """``mail_from`` ("Name <addr>" or "addr"), checked like any other header value."""
    check_header_text(mail_from, "mail_from")
    name, address = parseaddr(mail_from)
    return Sender(check_header_text(name, "mail_from name"), check_address(address, "mail_from address"))


class GuardedPolicy(Compat32):
    """compat32 (no header-registry re-parsing, which is slow and mangles encoded display names
    holding commas or quotes), CRLF line ends, headers folded only beyond 998 characters; and a
    last guard: a header value with a line break or control character is never written."""

    def _fold(self, name: str, value: object, sanitize: bool) -> str:
        if isinstance(value, str):
            check_header_text(value, f"header {name}")
            if value.isascii() and len(name) + len(value) + 2 <= (self.max_line_length or 998):
                return f"{name}: {value}{self.linesep}"  # nothing to encode or fold
        return str(super()._fold(name, value, sanitize))


MAIL_POLICY = GuardedPolicy(linesep="\r\n", max_line_length=998)
_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP


def build_message(
    rendered: Rendered, *, sender: Sender, to_name: str, to_address: str, message_id: str
) -> EmailMessage:
    """A multipart/alternative message (plain text + HTML). Raises UnsafeHeader on any header trick:
    every value is checked before ``formataddr`` encodes (RFC 2047) and quotes it."""
    check_address(to_address, "recipient address")
    check_header_text(to_name, "recipient name")
    check_header_text(rendered.subject, "subject")
    check_header_text(message_id, "Message-ID")
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = formataddr((sender.name, sender.address))
    message["To"] = formataddr((to_name, to_address))
    message["Subject"] = rendered.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message["MIME-Version"] = "1.0"
    message.set_type("multipart/alternative")
    message.set_boundary(f"=_partnerhub_{uuid.uuid4().hex}")  # saves the generator a regex per message
    message.attach(MIMEText(rendered.text, "plain", _UTF8_QP, policy=MAIL_POLICY))
    message.attach(MIMEText(rendered.html, "html", _UTF8_QP, policy=MAIL_POLICY))
    return message


class Mailer(Protocol):
    transport: str

    async def send(self, message: EmailMessage, *, sender: str, recipients: Sequence[str], name: str) -> None: ...

    async def close(self) -> None: ...


class SmtpMailer:
    """SMTP with a small pool of open connections; every command has the configured timeout."""

    transport = "smtp"

    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings
        self._idle: list[aiosmtplib.SMTP] = []
        self._slots = asyncio.Semaphore(settings.smtp_connections)

    def _client(self) -> aiosmtplib.SMTP:
        s = self.settings
        return aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            use_tls=s.smtp_tls,
            start_tls=s.smtp_starttls,
            username=s.smtp_username or None,
            password=s.smtp_password.get_secret_value() if s.smtp_username else None,
            timeout=s.smtp_timeout,
        )

    async def send(self, message: EmailMessage, *, sender: str, recipients: Sequence[str], name: str = "") -> None:
        async with self._slots:
            client = self._idle.pop() if self._idle else self._client()
            try:
                if not client.is_connected:
                    await client.connect()
                # our own bytes (flattened once, CRLF) and our own envelope; aiosmtplib's send_message
                # would re-parse and re-flatten the message, which costs more than building it
                await client.sendmail(sender, list(recipients), message.as_bytes())
            except BaseException as exc:
                await _discard(client)
                if isinstance(exc, Exception):
                    raise classify(exc) from exc
                raise
            self._idle.append(client)

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for client in idle:
            await _discard(client, polite=True)


async def _discard(client: aiosmtplib.SMTP, *, polite: bool = False) -> None:
    try:
        if polite and client.is_connected:
            await asyncio.wait_for(client.quit(), 2)
    except Exception:
        pass
    client.close()


def classify(exc: Exception) -> DeliveryError:
    """A 5xx for the recipient or the message is permanent; everything else (4xx, connection
    errors, timeouts, authentication or greeting trouble that concerns every mail) is retried."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        detail = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
        return DeliveryError(f"recipient refused: {detail}", permanent=bool(codes) and min(codes) >= 500)
    if isinstance(exc, aiosmtplib.SMTPRecipientRefused):
        return DeliveryError(f"recipient refused: {exc.code} {exc.message}", permanent=exc.code >= 500)
    if isinstance(exc, aiosmtplib.SMTPDataError):
        return DeliveryError(f"message refused: {exc.code} {exc.message}", permanent=exc.code >= 500)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return DeliveryError(f"SMTP server answered {exc.code} {exc.message}", permanent=False)
    return DeliveryError(f"SMTP server not reachable: {type(exc).__name__}: {exc}", permanent=False)


class FileMailer:
    """No SMTP server configured: each mail becomes ``<folder>/<name>.eml``. The name comes from
    the Message-ID, so writing a mail again (after a crash) replaces the file instead of adding one."""

    transport = "file"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, message: EmailMessage, kind: str = "mail") -> Path:
        token = str(message["Message-ID"]).strip("<>").split("@", 1)[0]
        return self.folder / f"{kind}-{token}.eml"

    async def send(self, message: EmailMessage, *, sender: str, recipients: Sequence[str], name: str = "mail") -> None:
        data = message.as_bytes()
        target = self.path_for(message, name)
        try:
            await asyncio.to_thread(_write_atomically, target, data)
        except OSError as exc:
            raise DeliveryError(f"could not write {target}: {exc}", permanent=False) from exc

    async def close(self) -> None:
        return None


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".eml.partial")
    partial.write_bytes(data)
    os.replace(partial, target)


def make_mailer(settings: NotifySettings) -> Mailer:
    if settings.smtp_host:
        return SmtpMailer(settings)
    return FileMailer(settings.mail_folder())


__all__ = [
    "DeliveryError",
    "FileMailer",
    "Mailer",
    "Sender",
    "SmtpMailer",
    "UnsafeHeader",
    "build_message",
    "make_mailer",
    "parse_sender",
]

