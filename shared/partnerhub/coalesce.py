"""Concurrent identical reads share one execution, and none is answered from before it arrived.

Fifty partner admins opening the same CL View at once made fifty reads of the same figures from the
database (issue 19). ``SharedReads`` lets identical requests of one process share a read, without ever
answering a request with a read that began before the request arrived (read-your-writes holds: a
request sent after a commit sees it):

- no read of the key in flight: the request starts one now;
- one in flight: it may predate the request, so the request waits for the next one, which starts when
  the one in flight ends and serves everyone who arrived meanwhile.

A request thus waits at most for the read in flight plus its own, and under any number of concurrent
identical requests the database does at most one read after another per key. A failed read fails the
requests sharing it (each retries as it would have alone). Only for reads whose result depends on the key
alone: check who may see it before asking.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class _Reads(Generic[T]):
    running: asyncio.Future[T]  # began after every request sharing it arrived
    queued: asyncio.Future[T] | None = None  # starts when ``running`` ends; for whoever arrives meanwhile


class SharedReads(Generic[T]):
    """``await shared(key, read)``: ``read()``'s result, from an execution that began after this call."""

    def __init__(self) -> None:
        self._reads: dict[Hashable, _Reads[T]] = {}

    def __len__(self) -> int:
        """Keys with a read in flight (0 when idle: nothing is kept)."""
        return len(self._reads)

    async def __call__(self, key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
        reads = self._reads.get(key)
        if reads is None or reads.running.done():
            future = self._start(key, read())
            self._reads[key] = _Reads(future)
        elif reads.queued is None:
            future = reads.queued = self._after(key, reads.running, read)
        else:
            future = reads.queued
        # shielded: a caller that goes away (a closed connection) does not cancel the others' read
        return await asyncio.shield(future)

    def _start(self, key: Hashable, read: Awaitable[T]) -> asyncio.Future[T]:
        future = asyncio.ensure_future(read)
        future.add_done_callback(lambda done: self._ended(key, done))
        return future

    def _after(self, key: Hashable, running: asyncio.Future[T], read: Callable[[], Awaitable[T]]) -> asyncio.Future[T]:
        async def next_read() -> T:
            await asyncio.wait([running])  # its outcome is its own callers'
            return await read()

        return asyncio.ensure_future(next_read())

    def _ended(self, key: Hashable, done: asyncio.Future[T]) -> None:
        if not done.cancelled():
            done.exception()  # retrieved here: the callers sharing it re-raise it, none may be left
        reads = self._reads.get(key)
        if reads is None or reads.running is not done:
            return
        if reads.queued is None:
            del self._reads[key]
            return
        # the queued read starts now (``next_read`` resumes): it is the one in flight for new arrivals
        queued = reads.queued
        reads.running, reads.queued = queued, None
        queued.add_done_callback(lambda finished: self._ended(key, finished))
