"""One page of a list: ``limit`` and ``offset``, bounded, for every paginated route.

An offset is bound into SQL as a 64-bit integer (PostgreSQL) or SQLite INTEGER; an
unbounded one (2^63) ended in a 500. Both are capped here and a larger value is a 422:
no list of ours has a million rows worth paging through one page at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from fastapi import Query

DEFAULT_LIMIT = 100
MAX_LIMIT = 1_000
MAX_OFFSET = 1_000_000
T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    limit: int = DEFAULT_LIMIT
    offset: int = 0

    def of(self, items: Sequence[T]) -> list[T]:
        """This page of a list already in memory."""
        return list(items[self.offset : self.offset + self.limit])


async def paging(
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"items per page (1..{MAX_LIMIT})"),
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description=f"items to skip (0..{MAX_OFFSET:,})"),
) -> Page:
    """FastAPI dependency: ``page: Page = Depends(paging)``."""
    return Page(limit, offset)
