"""The connection pool without pre-ping: a pooled connection the server closed is not handed out
again, so the request after a PostgreSQL backend was ended still succeeds (issue 19)."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from partnerhub.db.engine import drop_database, ensure_database, make_engine

pytestmark = pytest.mark.database


async def test_a_connection_the_server_closed_is_replaced_at_checkout(databases) -> None:  # type: ignore[no-untyped-def]
    url = databases.new_url("pool")
    await ensure_database(url)
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            first = await conn.scalar(text("SELECT pg_backend_pid()"))
        parsed = make_url(url)
        admin = await asyncpg.connect(host=parsed.host, port=parsed.port, user=parsed.username, database="postgres")
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", first)
        finally:
            await admin.close()
        await asyncio.sleep(0.3)  # the pooled connection reads the server's goodbye
        async with engine.connect() as conn:
            second = await conn.scalar(text("SELECT pg_backend_pid()"))
        assert second != first, "a fresh connection, not the one the server ended"
    finally:
        await engine.dispose()
        await drop_database(url)
