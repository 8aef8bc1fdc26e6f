"""The tables every service has in its own database: outbox, inbox, clock, daily job progress.

Each service's first Alembic migration creates them with ``create_platform_tables`` (version 1
of their shape, frozen); a later change to them is a new migration in every service, calling
the helper of that version here (version 2: ``add_clock_progress``).
"""

from __future__ import annotations

from typing import Any

from alembic import op
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

from partnerhub.db.types import UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SEQ = BigInteger().with_variant(Integer(), "sqlite")
PLATFORM_VERSION = 2  # the shape ``new_metadata`` declares; each service's migrations reach it


def new_metadata() -> MetaData:
    """A service's MetaData, with the naming convention and the platform tables in it."""
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    add_platform_tables(metadata)
    return metadata


def add_platform_tables(metadata: MetaData, version: int = PLATFORM_VERSION) -> None:
    """The platform tables as of ``version`` of their shape."""
    Table(
        "outbox",
        metadata,
        Column("seq", SEQ, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("type", String(200), nullable=False),
        Column("envelope", JSON, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("claimed_until", UtcDateTime(), nullable=True),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text, nullable=True),
        Column("published_at", UtcDateTime(), nullable=True),
        Index(
            "ix_outbox_unpublished",
            "seq",
            postgresql_where=text("published_at IS NULL"),
            sqlite_where=text("published_at IS NULL"),
        ),
    )
    Table(
        "inbox",
        metadata,
        Column("event_id", String(36), primary_key=True),
        Column("type", String(200), nullable=False),
        Column("received_at", UtcDateTime(), nullable=False),
    )
    Table(
        "clock_state",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("today", Date, nullable=False),  # the last day whose daily jobs have all committed
        *(_clock_progress_columns() if version >= 2 else ()),
    )
    Table(
        "job_runs",
        metadata,
        Column("job", String(100), primary_key=True),
        Column("last_day", Date, nullable=False),
    )


def _clock_progress_columns() -> list[Column[Any]]:
    """Version 2: the clock's jump. ``target``: the date it is moving to; ``jump_from``: its date when the
    jump began; ``lease_until``: the runner renews it every day (another replica may take over once it
    expired); ``last_error``: why the jump stopped short of its target."""
    return [
        Column("target", Date, nullable=True),
        Column("jump_from", Date, nullable=True),
        Column("lease_until", UtcDateTime(), nullable=True),
        Column("last_error", Text, nullable=True),
    ]


def create_platform_tables() -> None:
    """Alembic: create the platform tables (version 1 of their shape; later versions are migrations of their own)."""
    frozen = MetaData(naming_convention=NAMING_CONVENTION)
    add_platform_tables(frozen, version=1)
    frozen.create_all(op.get_bind())


def add_clock_progress() -> None:
    """Alembic, platform tables version 2: the clock records its jump's target and progress."""
    with op.batch_alter_table("clock_state") as batch:
        for column in _clock_progress_columns():
            batch.add_column(column)


def drop_clock_progress() -> None:
    with op.batch_alter_table("clock_state") as batch:
        for column in reversed(_clock_progress_columns()):
            batch.drop_column(column.name)


def drop_platform_tables() -> None:
    frozen = MetaData(naming_convention=NAMING_CONVENTION)
    add_platform_tables(frozen)
    frozen.drop_all(op.get_bind())
