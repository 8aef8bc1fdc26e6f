"""Settings on pydantic-settings: one env prefix per service, shared defaults.

A value is looked up as ``<SERVICE>_<FIELD>`` first (``IDENTITY_DATABASE_URL``),
then as ``PARTNERHUB_<FIELD>`` (one place for what all services share, such as
the broker URL or the JWT issuer), then the default below.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Literal
from urllib.parse import unquote, urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

DEV_JWT_SECRET = "partnerhub-dev-secret-change-me-0123456789abcdef"
CLOCK_MAX_JUMP_DAYS = 5 * 366  # five years: more than any step of the tests, the demo or the three-year scenario
SHARED_PREFIX = "PARTNERHUB_"


def namespace_prefix(namespace: str) -> str:
    """The prefix of the broker's names for ``namespace``: ``"x"`` and ``"x."`` give ``"x."``, ``""`` gives ``""``."""
    namespace = namespace.strip()
    return f"{namespace.rstrip('.')}." if namespace.strip(".") else ""


class SettingsProblems(ValueError):
    """Settings that do not fit together, each named: ``{field: what is wrong}``.

    The message joins them (``<service>: <what>: <field> <problem>; ...``); ``problems`` keeps them
    apart so that a service's start can print one line per bad setting (see ``settings_errors``).
    """

    def __init__(self, service: str, what: str, problems: dict[str, str]) -> None:
        self.service = service
        self.problems = dict(problems)
        super().__init__(f"{service}: {what}: " + "; ".join(f"{k} {v}" for k, v in problems.items()))


class InsecureSettings(SettingsProblems):
    """A production setting that must not keep its development default."""

    def __init__(self, service: str, problems: dict[str, str]) -> None:
        super().__init__(service, "insecure production settings", problems)


class ServiceSettings(BaseSettings):
    """Fields every service has. A service subclasses it with its own prefix."""

    service_name: ClassVar[str] = ""
    model_config = SettingsConfigDict(extra="ignore", env_prefix="")

    environment: Literal["dev", "test", "production"] = Field(
        "dev", description="dev and test allow insecure conveniences; production refuses them"
    )
    host: str = Field("127.0.0.1", description="address the HTTP server binds to")
    port: int = Field(0, description="HTTP port; 0 means the service's own default (8001-8005)")
    database_url: str = Field(
        "",
        description="SQLAlchemy async URL; empty means postgresql+asyncpg://postgres@127.0.0.1:5432/partnerhub_<service>",
    )
    database_pool_size: int = Field(
        15,
        ge=1,
        le=500,
        description="PostgreSQL connections kept open (5 more are opened at a peak and closed after it); requests "
        "beyond them wait for one. Every service's size, times its replicas, must fit the server's max_connections",
    )
    migrate_on_start: bool = Field(True, description="create the database if missing and migrate it at start")
    bus: Literal["rabbitmq", "inprocess"] = Field("rabbitmq", description="event transport")
    rabbitmq_url: str = Field(
        "amqp://guest:guest@127.0.0.1:5672/",
        description="AMQP URL of RabbitMQ; a comma-separated list names the nodes of a cluster, tried in turn",
    )
    rabbitmq_nodes: str = Field(
        "",
        description="more cluster nodes as host:port, comma-separated, with RABBITMQ_URL's user, password and "
        "vhost (e.g. rmq-1:5672,rmq-2:5672); empty: only the RABBITMQ_URL nodes",
    )
    rabbitmq_heartbeat: int = Field(
        15,
        ge=1,
        le=600,
        description="AMQP heartbeat in seconds; a connection that answers nothing for about twice this long "
        "is dropped and rebuilt on the next node",
    )
    rabbitmq_quorum_size: int = Field(
        3, ge=1, le=9, description="replicas of each quorum queue when it is declared (a cluster with fewer nodes uses all)"
    )
    fault_points: str = Field(
        "",
        description="TEST ONLY: exit the process at named steps, step:k comma-separated (every k-th message), "
        "see partnerhub.faults; refused in production",
    )
    namespace: str = Field(
        "",
        description="prefix for the exchange and queue names, joined with a dot: NAMESPACE=x gives the exchange "
        "x.partner.events and the queues x.<service>.events and x.<service>.events.dlq (a trailing dot is "
        "not doubled); isolates test runs or environments sharing a vhost; empty: no prefix",
    )
    delivery_limit: int = Field(5, ge=1, le=100, description="deliveries of one message before it is dead-lettered")
    prefetch: int = Field(200, ge=1, le=10_000, description="unacknowledged messages per consumer")
    consumer_batch_size: int = Field(
        100, ge=1, le=1_000, description="events applied per transaction when they arrive together (1: one by one)"
    )
    publish_timeout: float = Field(10.0, gt=0, description="seconds to wait for a publisher confirm")
    outbox_batch_size: int = Field(500, ge=1, le=10_000, description="outbox rows published per relay round")
    outbox_poll_interval: float = Field(0.5, gt=0, description="seconds between outbox polls when idle")
    outbox_lease_seconds: float = Field(30.0, gt=0, description="how long a relay owns claimed rows")
    outbox_retention_hours: float = Field(168.0, gt=0, description="published outbox rows are deleted after this")
    clock: Literal["system", "manual"] = Field("system", description="where today's date comes from")
    start_date: date | None = Field(None, description="first date of a manual clock (default: the system date)")
    clock_max_jump_days: int = Field(
        CLOCK_MAX_JUMP_DAYS,
        ge=1,
        le=100 * 366,
        description="the furthest one PUT /v1/admin/today moves a manual clock, in days; further is refused (422)",
    )
    clock_wait_days: int = Field(
        31,
        ge=0,
        description="a jump of up to this many days answers once its daily jobs are done (200); a longer one "
        "runs in the background (202, progress at GET /v1/admin/today) unless the PUT asks ?wait=true",
    )
    jwt_algorithm: Literal["HS256", "RS256", "ES256"] = Field("HS256", description="the one accepted JWT algorithm")
    jwt_secret: SecretStr | None = Field(SecretStr(DEV_JWT_SECRET), description="HS256 key (dev and test)")
    jwt_public_key: str | None = Field(None, description="PEM public key for RS256/ES256")
    jwt_private_key: SecretStr | None = Field(None, description="PEM private key, only to mint dev tokens with RS256/ES256")
    jwt_jwks_url: str | None = Field(None, description="JWKS URL of the identity provider (production)")
    jwt_issuer: str = Field("partnerhub-dev", description="required `iss` claim")
    jwt_audience: str = Field("partnerhub", description="required `aud` claim")
    dev_tokens: bool = Field(False, description="allow minting tokens (POST /v1/dev/tokens); never in production")
    json_max_bytes: int = Field(
        1024 * 1024,
        ge=1024,
        le=1024 * 1024 * 1024,
        description="largest request body accepted (JSON, forms; file uploads have their own limits): 413 beyond",
    )
    json_max_depth: int = Field(64, ge=4, le=1000, description="deepest nesting of arrays and objects in a JSON body: 422 beyond")
    log_format: Literal["json", "console"] = Field("json", description="JSON lines, or readable console lines")
    log_level: str = Field("INFO", description="log level")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        shared = EnvSettingsSource(settings_cls, env_prefix=SHARED_PREFIX)
        return init_settings, env_settings, shared, dotenv_settings, file_secret_settings

    @field_validator("namespace")
    @classmethod
    def _namespace_ends_with_a_dot(cls, value: str) -> str:
        return namespace_prefix(value)

    @field_validator("database_url")
    @classmethod
    def _database_url_parses(cls, value: str) -> str:
        # the message never repeats the value: it holds the database password
        if value:
            from sqlalchemy.engine import make_url

            try:
                url = make_url(value)
                url.get_backend_name()
                _ = url.port
            except Exception:
                raise ValueError(
                    "is not a SQLAlchemy URL such as postgresql+asyncpg://user:password@host:5432/database"
                ) from None
        return value

    @field_validator("rabbitmq_url")
    @classmethod
    def _rabbitmq_url_parses(cls, value: str) -> str:
        urls = [u.strip() for u in value.split(",") if u.strip()]
        if not urls:
            raise ValueError("is not an AMQP URL such as amqp://user:password@host:5672/vhost")
        for url in urls:
            try:
                parts = urlsplit(url)
                _ = parts.port
            except ValueError:
                raise ValueError("is not an AMQP URL such as amqp://user:password@host:5672/vhost") from None
            if parts.scheme not in ("amqp", "amqps") or not parts.hostname:
                raise ValueError("is not an AMQP URL such as amqp://user:password@host:5672/vhost")
        return value

    @field_validator("rabbitmq_nodes")
    @classmethod
    def _rabbitmq_nodes_parse(cls, value: str) -> str:
        for node in (n.strip() for n in value.split(",") if n.strip()):
            try:
                parts = urlsplit(f"amqp://{node}")
                _ = parts.port
            except ValueError:
                raise ValueError("is not a list of host:port such as rmq-1:5672,rmq-2:5672") from None
            if not parts.hostname or parts.path or parts.username:
                raise ValueError("is not a list of host:port such as rmq-1:5672,rmq-2:5672")
        return value

    @field_validator("fault_points")
    @classmethod
    def _fault_points_parse(cls, value: str) -> str:
        from partnerhub.faults import parse

        parse(value)
        return value

    def broker_urls(self) -> list[str]:
        """Every node's AMQP URL: those of RABBITMQ_URL, then RABBITMQ_NODES with the first URL's
        credentials and vhost, each with the heartbeat setting (unless its URL names one)."""
        from urllib.parse import parse_qsl, urlencode, urlunsplit

        urls = [u.strip() for u in self.rabbitmq_url.split(",") if u.strip()]
        first = urlsplit(urls[0])
        credentials = first.netloc.rsplit("@", 1)[0] + "@" if "@" in first.netloc else ""
        for node in (n.strip() for n in self.rabbitmq_nodes.split(",") if n.strip()):
            urls.append(urlunsplit((first.scheme, credentials + node, first.path, first.query, "")))
        result = []
        for url in urls:
            parts = urlsplit(url)
            query = dict(parse_qsl(parts.query))
            query.setdefault("heartbeat", str(self.rabbitmq_heartbeat))
            candidate = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query), ""))
            if candidate not in result:
                result.append(candidate)
        return result

    @model_validator(mode="after")
    def _defaults_and_safety(self) -> ServiceSettings:
        if not self.database_url:
            self.database_url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/partnerhub_{self.service_name}"
        conflicts = self.conflicts()
        insecure = self.production_problems() if self.environment == "production" else {}
        if insecure and not conflicts:
            raise InsecureSettings(self.service_name, insecure)
        if conflicts or insecure:
            raise SettingsProblems(self.service_name, "bad settings", {**conflicts, **insecure})
        return self

    def conflicts(self) -> dict[str, str]:
        """Settings that do not fit together in any environment; a service adds its own."""
        return {}

    def production_problems(self) -> dict[str, str]:
        """What ``environment=production`` refuses, by field; a service adds its own."""
        problems: dict[str, str] = {}
        if self.dev_tokens:
            problems["dev_tokens"] = "must be off"
        if self.jwt_algorithm == "HS256" and (
            self.jwt_secret is None or self.jwt_secret.get_secret_value() == DEV_JWT_SECRET
        ):
            problems["jwt_secret"] = "must not be the development secret"
        if self.clock == "manual":
            problems["clock"] = "must be system"
        if self.fault_points.strip():
            problems["fault_points"] = "is a test-only fault hook and must be empty"
        return problems

    @classmethod
    def env_prefix(cls) -> str:
        return str(cls.model_config.get("env_prefix", ""))

    def with_overrides(self, **values: Any) -> ServiceSettings:
        """A copy with some fields replaced and validated again."""
        data = self.model_dump()
        data.update(values)
        return type(self).model_validate(data)


# --- reporting bad settings at start, one line each, never a secret's value ---

SECRET_WORDS = ("password", "secret", "private_key", "url", "token")


def env_names(cls: type[ServiceSettings], field: str) -> list[str]:
    """The environment variables a field is read from, in the order they are looked up."""
    return [f"{cls.env_prefix()}{field}".upper(), f"{SHARED_PREFIX}{field}".upper()]


def _env_name(cls: type[ServiceSettings], field: str) -> str:
    names = env_names(cls, field)
    return next((n for n in names if n in os.environ), names[0])


def _secret_values(cls: type[ServiceSettings]) -> list[str]:
    """The values (and URL passwords) of every secret-like setting in the environment."""
    found: list[str] = []
    for name, field in cls.model_fields.items():
        secret_type = "SecretStr" in str(field.annotation)
        if not (secret_type or any(word in name for word in SECRET_WORDS)):
            continue
        for env in env_names(cls, name):
            value = os.environ.get(env)
            if not value:
                continue
            found.append(value)
            try:
                password = urlsplit(value).password
            except ValueError:
                password = None
            if not password and "@" in value and ":" in value.split("@", 1)[0]:
                password = value.split("@", 1)[0].rsplit(":", 1)[-1]  # an URL too broken to split
            if password:
                found += [password, unquote(password)]
    return sorted({v for v in found if len(v) >= 3}, key=len, reverse=True)


def settings_errors(cls: type[ServiceSettings], exc: ValidationError) -> list[dict[str, str]]:
    """One ``{service, setting, problem}`` per bad setting of ``exc``, secrets' values blanked out."""
    rows: list[dict[str, str]] = []
    for error in exc.errors(include_url=False, include_input=False):
        loc = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
        cause = (error.get("ctx") or {}).get("error")
        if not loc and isinstance(cause, SettingsProblems):
            for field, problem in cause.problems.items():
                rows.append({"setting": _env_name(cls, field), "problem": problem})
        elif loc and loc[0] in cls.model_fields:
            rows.append({"setting": _env_name(cls, loc[0]), "problem": str(error.get("msg", "invalid"))})
        else:
            rows.append({"setting": ".".join(loc) or "(settings)", "problem": str(error.get("msg", "invalid"))})
    secrets = _secret_values(cls)
    for row in rows:
        row["problem"] = row["problem"].removeprefix("Value error, ")
        for secret in secrets:
            row["problem"] = row["problem"].replace(secret, "***")
        row["service"] = cls.service_name
    return rows


def settings_error_lines(cls: type[ServiceSettings], exc: ValidationError) -> list[str]:
    """The lines a service prints when its settings are refused: JSON unless LOG_FORMAT=console."""
    fmt = next((os.environ[n] for n in env_names(cls, "log_format") if os.environ.get(n)), "json")
    lines = []
    for row in settings_errors(cls, exc):
        if fmt.strip().lower() == "console":
            lines.append(f"error: {row['service']}: bad setting {row['setting']}: {row['problem']}")
        else:
            lines.append(
                json.dumps(
                    {
                        "event": "bad setting",
                        "level": "error",
                        "service": row["service"],
                        "setting": row["setting"],
                        "problem": row["problem"],
                        "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
                    }
                )
            )
    return lines
