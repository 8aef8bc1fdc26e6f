"""Reading and writing the certification tables inside a unit of work (never commits)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from functools import partial
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from certification.domain.badges import BadgeState
from certification.domain.catalog import Catalog, CertificationDef, ExamDef, version_in_force
from certification.tables import (
    IDENTITY,
    badges,
    catalog_stamp,
    certification_versions,
    exams,
    holders,
)
from partnerhub.db import lookups
from partnerhub.db.uow import Database

CHUNK = 1000  # keys per IN (…) list


chunks = partial(lookups.chunks, size=CHUNK)


def exam_def(row: Any) -> ExamDef:
    return ExamDef(
        row.number,
        row.title,
        row.technical,
        row.replaces,
        row.replacement_required,
        row.replacement_effective_on,
        row.replacement_announced_on,
    )


def certification_def(row: Any) -> CertificationDef:
    """One version of a certification (a ``certification_versions`` row)."""
    return CertificationDef(
        code=row.code,
        name=row.name,
        kind=row.kind,
        required_exams=tuple(tuple(alt) for alt in row.required_exams),
        validity_months=row.validity_months,
        prerequisites=tuple(row.prerequisites),
        renewal_exams=tuple(tuple(alt) for alt in row.renewal_exams) if row.renewal_exams else None,
        version=row.version,
        effective_on=row.effective_on,
    )


def version_row(cert: CertificationDef) -> dict[str, Any]:
    return {
        "code": cert.code,
        "version": cert.version,
        "effective_on": cert.effective_on,
        "name": cert.name,
        "kind": cert.kind,
        "required_exams": [list(a) for a in cert.required_exams],
        "renewal_exams": [list(a) for a in cert.renewal_exams] if cert.renewal_exams else None,
        "prerequisites": list(cert.prerequisites),
        "validity_months": cert.validity_months,
    }


async def load_versions(conn: AsyncConnection, code: str | None = None) -> list[CertificationDef]:
    """Every version (of one certification, or of all), by code and version."""
    stmt = select(certification_versions).order_by(certification_versions.c.code, certification_versions.c.version)
    if code is not None:
        stmt = stmt.where(certification_versions.c.code == code)
    return [certification_def(r) for r in await conn.execute(stmt)]


async def names_in_force(conn: AsyncConnection, day: date) -> dict[str, str]:
    """Each certification's name as the version in force on ``day`` has it."""
    grouped: dict[str, list[CertificationDef]] = {}
    for version in await load_versions(conn):
        grouped.setdefault(version.code, []).append(version)
    return {code: version_in_force(history, day).name for code, history in grouped.items()}


async def load_catalog(conn: AsyncConnection) -> Catalog:
    exam_rows = (await conn.execute(select(exams))).all()
    return Catalog.of((exam_def(r) for r in exam_rows), await load_versions(conn))


class CatalogCache:
    """A process's catalog as it last read it, under the ``catalog_stamp`` version it read first: a reader pays
    one one-row statement while the catalog is unchanged. The stamp is read before the catalog, so a cached
    catalog is never older than its stamp (a write committed in between makes the next reader load again)."""

    def __init__(self) -> None:
        self.stamp: int | None = None
        self.catalog: Catalog | None = None

    async def get(self, conn: AsyncConnection) -> Catalog:
        stamp = (await conn.execute(select(catalog_stamp.c.version).where(catalog_stamp.c.id == 1))).scalar_one()
        if self.catalog is None or stamp != self.stamp:
            self.catalog = await load_catalog(conn)
            self.stamp = stamp
        return self.catalog


_CATALOGS: WeakKeyDictionary[Database, CatalogCache] = WeakKeyDictionary()


async def catalog_of(db: Database, conn: AsyncConnection) -> Catalog:
    """The catalog for rules that only read it (the writers read it fresh, in their own transaction)."""
    cache = _CATALOGS.get(db)
    if cache is None:
        cache = _CATALOGS[db] = CatalogCache()
    return await cache.get(conn)


async def catalog_changed(conn: AsyncConnection) -> None:
    """Every reader's cached catalog is out of date once this transaction commits."""
    await conn.execute(update(catalog_stamp).where(catalog_stamp.c.id == 1).values(version=catalog_stamp.c.version + 1))


async def resolve(conn: AsyncConnection, cco_id: str) -> str:
    """ID-2: a retired CCO ID resolves to its survivor."""
    return await IDENTITY.resolve(conn, cco_id)


async def resolve_many(conn: AsyncConnection, cco_ids: Iterable[str]) -> dict[str, str]:
    return await IDENTITY.resolve_many(conn, cco_ids, size=CHUNK)


def upsert(db: Database, table: Any, index: list[str], values: dict[str, Any] | None = None) -> Any:
    """INSERT … ON CONFLICT (index) DO UPDATE SET values (both dialects)."""
    stmt = db.insert(table)
    if not values:
        return stmt.on_conflict_do_nothing(index_elements=index)
    return stmt.on_conflict_do_update(index_elements=index, set_=values)


def upsert_columns(db: Database, table: Any, index: list[str], columns: Sequence[str]) -> Any:
    """INSERT … ON CONFLICT (index) DO UPDATE SET each column to the inserted value."""
    stmt = db.insert(table)
    return stmt.on_conflict_do_update(index_elements=index, set_={c: stmt.excluded[c] for c in columns})


async def mark_dirty(db: Database, conn: AsyncConnection, cco_ids: Iterable[str]) -> None:
    """Holders whose badges need recomputing; sorted so concurrent writers lock in one order."""
    rows = [{"cco_id": c, "dirty": True} for c in sorted(set(cco_ids))]
    if rows:
        await conn.execute(upsert(db, holders, ["cco_id"], {"dirty": True}), rows)


async def claim_holders(db: Database, conn: AsyncConnection, cco_ids: Sequence[str]) -> None:
    """Lock the people for a recomputation and clear their "needs recomputing" mark, in one statement: the
    upsert row-locks each holder (in sorted order, so concurrent writers never deadlock) until the commit, and a
    mark set by another transaction after it waits for that commit and stands."""
    await conn.execute(
        upsert(db, holders, ["cco_id"], {"dirty": False}), [{"cco_id": c, "dirty": False} for c in sorted(set(cco_ids))]
    )


async def lock_holders(db: Database, conn: AsyncConnection, cco_ids: Sequence[str]) -> None:
    """Serialise recomputations of the same people (PostgreSQL row locks; SQLite writers queue)."""
    await conn.execute(
        upsert(db, holders, ["cco_id"]), [{"cco_id": c, "dirty": False} for c in sorted(set(cco_ids))]
    )
    await db.lock_keys(conn, holders.c.cco_id, cco_ids, size=CHUNK)


def badge_state(row: Any) -> BadgeState:
    return BadgeState(
        certification=row.certification,
        kind=row.kind,
        achieved_on=row.achieved_on,
        expires_on=row.expires_on,
        renewed_on=row.renewed_on,
        extension_reason=row.extension_reason,
        status=row.status,
        version=row.requirements_version,
    )


async def load_badges(conn: AsyncConnection, cco_ids: Sequence[str]) -> dict[str, dict[str, BadgeState]]:
    found: dict[str, dict[str, BadgeState]] = {}
    for part in chunks(list(cco_ids)):
        for row in await conn.execute(select(badges).where(badges.c.cco_id.in_(part))):
            found.setdefault(row.cco_id, {})[row.certification] = badge_state(row)
    return found

