"""Query helpers every service needs: IN (…) lists in chunks, and retired CCO IDs resolved to
their survivors (ID-2) through the identity mirror's ``identity_aliases`` table (columns ``retired``,
``survivor``; ``partnerhub.mirrors.identity`` defines it in every service and keeps it collapsed, so
one lookup is enough)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

T = TypeVar("T")
CHUNK = 500  # keys per IN (…) list


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def survivor_of(conn: AsyncConnection, cco_id: str, *, aliases: Table) -> str:
    """The active CCO ID for ``cco_id`` (itself unless it was retired by a merge)."""
    survivor = await conn.scalar(select(aliases.c.survivor).where(aliases.c.retired == cco_id))
    return survivor or cco_id


async def survivors_of(
    conn: AsyncConnection, cco_ids: Iterable[str], *, aliases: Table, size: int = CHUNK
) -> dict[str, str]:
    """Each ID mapped to its active ID, in one query per chunk."""
    ids = sorted(set(cco_ids))
    found: dict[str, str] = {}
    for part in chunks(ids, size):
        rows = await conn.execute(select(aliases.c.retired, aliases.c.survivor).where(aliases.c.retired.in_(part)))
        found.update({r.retired: r.survivor for r in rows})
    return {i: found.get(i, i) for i in ids}
