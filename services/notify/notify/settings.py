"""Notify settings: the shared fields, read with the ``NOTIFY_`` prefix, plus mail delivery."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict
from sqlalchemy.engine import make_url

from partnerhub.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    service_name: ClassVar[str] = "notify"
    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore")

    smtp_host: str = Field(
        "",
        description="SMTP relay host. Empty means file mode (.eml files in outbox_dir); production refuses "
        "to start with it empty unless outbox_dir is set to a folder",
    )
    smtp_port: int = Field(25, ge=1, le=65535, description="SMTP port (25 plain, 587 with STARTTLS, 465 with TLS)")
    smtp_starttls: bool = Field(
        False,
        description="connect in plain text, then upgrade with STARTTLS (usually port 587); a server that does "
        "not offer STARTTLS is an error, never a silent plain-text send. Excludes smtp_tls",
    )
    smtp_tls: bool = Field(
        False, description="implicit TLS from the first byte (usually port 465). Excludes smtp_starttls"
    )
    smtp_username: str = Field(
        "",
        description="SMTP AUTH user; empty means no authentication. Production refuses AUTH without "
        "smtp_tls or smtp_starttls (the password would cross the network in clear)",
    )
    smtp_password: SecretStr = Field(
        SecretStr(""), description="SMTP AUTH password, used when smtp_username is set (a secret: never printed)"
    )
    smtp_timeout: float = Field(30.0, gt=0, description="seconds for each SMTP command (connect, RCPT, DATA …)")
    smtp_connections: int = Field(8, ge=1, le=100, description="SMTP connections kept open and used at once")
    mail_from: str = Field(
        "partnerhub <no-reply@partnerhub.example>", description="From header and envelope sender"
    )
    outbox_dir: str = Field(
        "",
        description="file mode: the folder for .eml files when smtp_host is empty. Production without "
        "smtp_host needs it set (an explicit choice of file mode); elsewhere empty means "
        "<SQLite data folder>/mail, else data/mail",
    )
    retry_base_seconds: float = Field(30.0, gt=0, description="first retry delay after a 4xx or connection error")
    retry_max_seconds: float = Field(900.0, gt=0, description="longest retry delay (the delay doubles up to it)")
    max_attempts: int = Field(
        100, ge=1, le=10_000,
        description="attempts after which a mail still refused with 4xx, or with no address known, is marked "
        "failed (listed for staff to retry, NO-3); 100 is about a day at the default delays",
    )
    sending_lease_seconds: float = Field(
        300.0, gt=0, description="a mail left 'sending' this long (a crashed sender) is tried again"
    )
    sender_batch_size: int = Field(200, ge=1, le=5000, description="mails claimed per sender round")
    sender_poll_interval: float = Field(1.0, gt=0, description="seconds between sender rounds when idle")

    def conflicts(self) -> dict[str, str]:
        problems = super().conflicts()
        if self.smtp_tls and self.smtp_starttls:
            problems["smtp_starttls"] = "excludes smtp_tls: choose implicit TLS or STARTTLS, not both"
        if self.retry_max_seconds < self.retry_base_seconds:
            problems["retry_max_seconds"] = "must be at least retry_base_seconds"
        return problems

    ui_csrf_secret: SecretStr | None = Field(
        None,
        description="key of the failed-mail page's form tokens, the same on every replica; "
        "empty: derived from the HS256 JWT secret (production with RS256/ES256 must set it)",
    )

    def production_problems(self) -> dict[str, str]:
        problems = super().production_problems()
        if self.jwt_algorithm != "HS256" and self.ui_csrf_secret is None:
            problems["ui_csrf_secret"] = "must be set (RS256/ES256)"
        if not self.smtp_host.strip() and not self.outbox_dir.strip():
            problems["smtp_host"] = (
                "must name the SMTP relay in production (or set NOTIFY_OUTBOX_DIR to a folder "
                "to write mail as .eml files on purpose)"
            )
        if self.smtp_host and self.smtp_username and not (self.smtp_tls or self.smtp_starttls):
            problems["smtp_username"] = (
                "needs smtp_tls or smtp_starttls in production: SMTP AUTH must not send the password in clear"
            )
        return problems

    def mail_folder(self) -> Path:
        """Where .eml files go when no SMTP server is configured."""
        if self.outbox_dir:
            return Path(self.outbox_dir)
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            return Path(url.database).resolve().parent / "mail"
        return Path("data") / "mail"
