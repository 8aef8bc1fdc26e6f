"""Async engines for PostgreSQL (asyncpg) and SQLite (aiosqlite)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def dialect_of(url: str) -> str:
    return make_url(url).get_backend_name()


# Session settings of every PostgreSQL connection.
# - plan_cache_mode: asyncpg prepares each statement once per connection and PostgreSQL then
#   switches to a generic plan chosen while a table was still small; a table filled in one go
#   (an import, a busy ingest, before autovacuum's first ANALYZE) kept being read by sequential
#   scans: 1,000-key lookups took seconds. Planning each execution costs well under a millisecond.
# - jit: compiling a plan costs tens of milliseconds, more than the short queries here ever win.
POSTGRES_SESSION = {"plan_cache_mode": "force_custom_plan", "jit": "off"}


# connections opened beyond the pool at a peak; each is closed when it comes back to a full pool, and a new
# one costs a connect, an authentication and an empty statement cache: a pool too small for the load opened
# and closed a connection for a share of its requests (issue 19's profile: 2 % of samples in connect alone)
MAX_OVERFLOW = 5


def make_engine(url: str, *, pool_size: int = 15) -> AsyncEngine:
    """An engine; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE transactions."""
    if dialect_of(url) == "sqlite":
        engine = create_async_engine(url, connect_args={"timeout": 30})
        _make_sqlite_transactional(engine)
        return engine
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=MAX_OVERFLOW,
        # no pre-ping: a SELECT 1 on every checkout was a tenth of a request's time (issue 19's profile).
        # A connection the server closed (restart, pg_terminate_backend, idle timeout) is known closed
        # to asyncpg without a round trip, and the checkout below hands out a fresh one instead;
        # connections are also replaced after half an hour
        pool_pre_ping=False,
        pool_recycle=1800,
        connect_args={"server_settings": POSTGRES_SESSION},
    )
    event.listen(engine.sync_engine, "checkout", _refuse_closed_connection)
    return engine


def _refuse_closed_connection(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """A pooled connection whose socket the server closed is discarded; the pool tries another
    (SQLAlchemy's checkout-event recipe for disconnect handling)."""
    driver = getattr(dbapi_connection, "driver_connection", None)
    if driver is not None and driver.is_closed():
        raise DisconnectionError("the server closed this pooled connection")


WRITE_OPTION = "partnerhub_write"


def _make_sqlite_transactional(engine: AsyncEngine) -> None:
    # The recipe from SQLAlchemy's aiosqlite docs: take transaction control from the driver and
    # emit BEGIN ourselves. A unit of work (marked with WRITE_OPTION) begins IMMEDIATE, so
    # concurrent writers queue on the busy timeout instead of failing on a lock upgrade; plain
    # reads begin DEFERRED and, in WAL mode, never wait for a writer.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


async def ensure_database(url: str, *, timeout: float = 10.0) -> None:
    """Create the database of ``url`` if it does not exist (PostgreSQL) or its folder (SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return
    name = parsed.database
    if not name:
        raise ValueError(f"database URL names no database: {parsed.render_as_string(hide_password=True)}")
    conn = await asyncio.wait_for(
        asyncpg.connect(
            host=parsed.host or "127.0.0.1",
            port=parsed.port or 5432,
            user=parsed.username or "postgres",
            password=parsed.password,
            database="postgres",
        ),
        timeout,
    )
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            try:
                await conn.execute(f'CREATE DATABASE "{_quoted(name)}"')
            except (asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
                # another replica created it first; a race inside PostgreSQL's catalog reports
                # the loser as a unique violation on pg_database rather than "already exists"
                pass
    finally:
        await conn.close()


async def drop_database(url: str) -> None:
    """Drop a PostgreSQL database (tests), ending its connections first."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            for suffix in ("", "-wal", "-shm"):
                Path(parsed.database + suffix).unlink(missing_ok=True)
        return
    conn = await asyncpg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        database="postgres",
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{_quoted(parsed.database or "")}" WITH (FORCE)')
    finally:
        await conn.close()


def _quoted(name: str) -> str:
    if '"' in name or "\x00" in name:
        raise ValueError(f"unsafe database name {name!r}")
    return name


# PostgreSQL error classes that mean "the server is away or going away", not "this statement is wrong":
# 08 connection exception, 57P01-57P03 admin/crash shutdown, cannot connect now
_AWAY_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def database_unreachable(exc: BaseException) -> bool:
    """True when ``exc`` says the database cannot be reached (refused, reset, shutting down, starting up),
    as opposed to a statement or a handler that fails: a consumer holds its message then (see the
    RabbitMQ transport) instead of spending the message's deliveries during an outage."""
    from sqlalchemy.exc import DBAPIError, InterfaceError

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, InterfaceError | ConnectionError | TimeoutError):
            return True
        if isinstance(current, OSError) and not isinstance(current, FileNotFoundError | PermissionError):
            return True
        if isinstance(current, asyncpg.exceptions.InterfaceError | asyncpg.exceptions.ConnectionDoesNotExistError):
            return True
        sqlstate = getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)
        if isinstance(sqlstate, str) and sqlstate.startswith(_AWAY_SQLSTATES):
            return True
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else (current.__cause__ or current.__context__)
    return False
