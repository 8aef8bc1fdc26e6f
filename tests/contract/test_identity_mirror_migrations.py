"""cert0007, lear0009, spec0008, noti0004: each service's own copies of identity's facts move into the identity
mirror's tables with their rows kept (ID-2, ID-3), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, text

from partnerhub.db.engine import make_engine
from partnerhub.db.migrations import migrate
from partnerhub.mirrors.identity import LONG_AGO
from partnerhub.registry import discover

SERVICES = discover()
D1, D2 = date(2026, 1, 5), date(2026, 4, 1)
T = datetime(2026, 2, 1, 8, 0, tzinfo=UTC)

# service -> (revision before, the mirror's revision, old rows as SQL, expected (table, rows) after)
CASES = {
    "certification": (
        "cert0009", "cert0007",
        [
            "INSERT INTO memberships VALUES ('ann', 'P1', '2026-01-05', '2026-04-01')",
            "INSERT INTO aliases VALUES ('ann.old', 'ann', '2026-03-01')",
        ],
        {
            "identity_memberships": [("ann", "P1", D1, D2)],
            "identity_aliases": [("ann.old", "ann", date(2026, 3, 1))],
            "identity_people": [("ann", None, None, False, LONG_AGO, None)],
        },
    ),
    "learning": (
        "lear0010", "lear0009",
        [
            "INSERT INTO people (cco_id, name, program_staff) VALUES ('ann', 'Ann', false), ('lock', NULL, false)",
            "INSERT INTO memberships VALUES ('ann', 'P1', '2026-01-05', NULL)",
            "INSERT INTO aliases VALUES ('ann.old', 'ann')",
        ],
        {
            "identity_memberships": [("ann", "P1", D1, None)],
            "identity_aliases": [("ann.old", "ann", None)],
            "identity_people": [("ann", "Ann", None, False, LONG_AGO, None), ("lock", None, None, False, None, None)],
        },
    ),
    "specialization": (
        "spec0007", "spec0008",
        [
            "INSERT INTO memberships VALUES ('ann', 'P1', '2026-01-05', NULL)",
            "INSERT INTO planned_leaves VALUES ('ann', 'P1', '2026-01-05', '2026-04-01', 2)",
            "INSERT INTO aliases VALUES ('ann.old', 'ann')",
        ],
        {
            "identity_memberships": [("ann", "P1", D1, None)],
            "identity_planned_leaves": [("ann", "P1", D1, D2, 2)],
            "identity_aliases": [("ann.old", "ann", None)],
        },
    ),
    "notify": (
        "noti0003", "noti0004",
        [
            "INSERT INTO recipients (cco_id, name, email, updated_at, as_of)"
            " VALUES ('ann', 'Ann', 'ann@example.com', '2026-02-01 08:00:00', NULL)",
            # a chain left from before: a -> b -> ann
            "INSERT INTO aliases VALUES ('a', 'b'), ('b', 'ann')",
        ],
        {
            "identity_aliases": [("a", "ann", None), ("b", "ann", None)],
            "identity_people": [("ann", "Ann", "ann@example.com", False, T, T)],
        },
    ),
}


@pytest.fixture(params=["sqlite", "postgresql"])
def url_for(request, tmp_path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return lambda name: f"sqlite+aiosqlite:///{tmp_path / (name + '.db')}"
    databases = request.getfixturevalue("databases")
    return databases.new_url


def _norm(value):  # type: ignore[no-untyped-def]
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        return date.fromisoformat(value)
    return value


@pytest.mark.parametrize("name", sorted(CASES))
async def test_the_mirror_migration_keeps_every_row(name: str, url_for) -> None:  # type: ignore[no-untyped-def]
    before, mine, rows, expected = CASES[name]
    service = SERVICES[name]
    url = url_for(name)
    await migrate(name, service.migrations_dir, url, revision=before)
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            for statement in rows:
                await conn.execute(text(statement))
        await migrate(name, service.migrations_dir, url, revision=mine)
        async with engine.connect() as conn:
            for table, wanted in expected.items():
                t = service.metadata.tables[table]
                found = [tuple(_norm(v) for v in r) for r in await conn.execute(select(t).order_by(*t.primary_key.columns))]
                assert found == wanted, table
    finally:
        await engine.dispose()
