"""Notify settings: the shared fields, read with the ``NOTIFY_`` prefix, plus mail delivery."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict
from sqlalchemy.engine import make_url

from partnerhub.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    service_name: ClassVar[str] = "notify"
    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore")

    smtp_host: str = Field("", description="SMTP server; empty means no server: mails are written as .eml files")
    smtp_port: int = Field(25, ge=1, le=65535, description="SMTP port (25, 587 with STARTTLS, 465 with TLS)")
    smtp_starttls: bool = Field(False, description="upgrade the connection with STARTTLS (required when on)")
    smtp_tls: bool = Field(False, description="connect with implicit TLS (port 465); excludes smtp_starttls")
    smtp_username: str = Field("", description="SMTP AUTH user; empty means no authentication")
    smtp_password: SecretStr = Field(SecretStr(""), description="SMTP AUTH password")
    smtp_timeout: float = Field(30.0, gt=0, description="seconds for each SMTP command (connect, RCPT, DATA …)")
    smtp_connections: int = Field(8, ge=1, le=100, description="SMTP connections kept open and used at once")
    mail_from: str = Field(
        "partnerhub <no-reply@partnerhub.example>", description="From header and envelope sender"
    )
    outbox_dir: str = Field(
        "", description="folder for .eml files when smtp_host is empty; empty means <SQLite data folder>/mail"
    )
    retry_base_seconds: float = Field(30.0, gt=0, description="first retry delay after a 4xx or connection error")
    retry_max_seconds: float = Field(900.0, gt=0, description="longest retry delay (the delay doubles up to it)")
    sending_lease_seconds: float = Field(
        300.0, gt=0, description="a mail left 'sending' this long (a crashed sender) is tried again"
    )
    sender_batch_size: int = Field(200, ge=1, le=5000, description="mails claimed per sender round")
    sender_poll_interval: float = Field(1.0, gt=0, description="seconds between sender rounds when idle")

    @model_validator(mode="after")
    def _mail_settings(self) -> NotifySettings:
        if self.smtp_tls and self.smtp_starttls:
            raise ValueError("smtp_tls and smtp_starttls exclude each other: choose implicit TLS or STARTTLS")
        if self.retry_max_seconds < self.retry_base_seconds:
            raise ValueError("retry_max_seconds must be at least retry_base_seconds")
        return self

    def mail_folder(self) -> Path:
        """Where .eml files go when no SMTP server is configured."""
        if self.outbox_dir:
            return Path(self.outbox_dir)
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            return Path(url.database).resolve().parent / "mail"
        return Path("data") / "mail"
