"""SharedReads: concurrent identical reads share one execution, none answered from before it arrived."""

from __future__ import annotations

import asyncio

import pytest

from partnerhub.coalesce import SharedReads


class Figures:
    """A stand-in for the database: ``version`` moves with each write; a read sees it as of its start."""

    def __init__(self) -> None:
        self.version = 0
        self.reads = 0
        self.gate = asyncio.Event()
        self.fail = False

    async def read(self) -> int:
        seen = self.version  # the snapshot is taken when the read begins
        self.reads += 1
        await self.gate.wait()
        if self.fail:
            raise RuntimeError("database away")
        return seen


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_concurrent_identical_reads_share_one_and_see_every_earlier_write() -> None:
    shared: SharedReads[int] = SharedReads()
    db = Figures()
    first = asyncio.ensure_future(shared("BG-1", db.read))
    await settle()  # the first read is in flight, it saw version 0
    db.version = 1  # a write commits; whoever asks from now on must see it
    later = [asyncio.ensure_future(shared("BG-1", db.read)) for _ in range(20)]
    await settle()
    assert db.reads == 1  # the later ones wait for the next read, they do not start twenty
    db.gate.set()
    assert await first == 0
    assert await asyncio.gather(*later) == [1] * 20  # never the read that began before they asked
    assert db.reads == 2
    assert len(shared) == 0  # nothing is kept once idle


async def test_a_request_after_the_queued_read_began_waits_for_another() -> None:
    shared: SharedReads[int] = SharedReads()
    db = Figures()
    db.gate.set()
    results = []
    for version in range(5):  # one after another: each is a read of its own
        db.version = version
        results.append(await shared("BG-1", db.read))
    assert results == [0, 1, 2, 3, 4] and db.reads == 5


async def test_keys_are_apart_and_a_failure_fails_only_the_requests_sharing_it() -> None:
    shared: SharedReads[int] = SharedReads()
    a, b = Figures(), Figures()
    a.fail = True
    ra = [asyncio.ensure_future(shared("A", a.read)) for _ in range(3)]
    rb = asyncio.ensure_future(shared("B", b.read))
    await settle()
    a.gate.set()
    b.gate.set()
    outcomes = await asyncio.gather(*ra, return_exceptions=True)
    assert [type(o) for o in outcomes] == [RuntimeError, RuntimeError, RuntimeError]
    assert await rb == 0
    a.fail = False
    assert await shared("A", a.read) == 0  # the next request reads again
    assert len(shared) == 0


async def test_a_caller_that_goes_away_does_not_cancel_the_others() -> None:
    shared: SharedReads[int] = SharedReads()
    db = Figures()
    leaving = asyncio.ensure_future(shared("BG-1", db.read))
    staying = asyncio.ensure_future(shared("BG-1", db.read))  # joins the next read
    third = asyncio.ensure_future(shared("BG-1", db.read))
    await settle()
    leaving.cancel()
    with pytest.raises(asyncio.CancelledError):
        await leaving
    db.gate.set()
    assert await staying == 0 and await third == 0
