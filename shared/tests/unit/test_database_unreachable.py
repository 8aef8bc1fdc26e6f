"""Which errors mean "the database is away" (the consumer holds its message) and which are the handler's own."""

from __future__ import annotations

import asyncpg
from sqlalchemy.exc import IntegrityError, OperationalError

from partnerhub.db.engine import database_unreachable


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        self.sqlstate = sqlstate


def test_outage_errors_are_unreachable() -> None:
    assert database_unreachable(ConnectionRefusedError(111, "Connect call failed"))
    assert database_unreachable(OperationalError("SELECT 1", {}, ConnectionResetError()))
    assert database_unreachable(asyncpg.exceptions.ConnectionDoesNotExistError("closed in the middle"))
    assert database_unreachable(_PgError("57P01"))  # admin shutdown
    assert database_unreachable(_PgError("57P03"))  # cannot connect now (starting up)
    try:
        try:
            raise ConnectionResetError()
        except ConnectionResetError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert database_unreachable(outer)


def test_a_handlers_own_failure_is_not_an_outage() -> None:
    assert not database_unreachable(ValueError("bad payload"))
    assert not database_unreachable(IntegrityError("INSERT", {}, _PgError("23505")))
    assert not database_unreachable(RuntimeError("cannot apply poison-1"))
    assert not database_unreachable(FileNotFoundError("no such file"))
