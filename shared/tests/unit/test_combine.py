"""WriteBatches (group commit): concurrent single writes applied together, each answered with its own result."""

from __future__ import annotations

import asyncio

from partnerhub.combine import WriteBatches


class Store:
    """A stand-in for a bulk write path: records what each batch held; ``bad`` items fail their batch."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.bad: set[str] = set()

    async def apply(self, key: str, items: list[str]) -> list[str]:
        self.batches.append(list(items))
        await self.gate.wait()
        if self.bad & set(items):
            raise ValueError(f"refused {sorted(self.bad & set(items))}")
        return [f"{key}:{item}" for item in items]


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_lone_write_goes_at_once_and_writes_arriving_meanwhile_share_the_next_batch() -> None:
    store = Store()
    writes: WriteBatches[str, str, str] = WriteBatches(store.apply, in_flight=1)
    store.gate.clear()
    first = asyncio.ensure_future(writes("day", "a"))
    await settle()
    assert store.batches == [["a"]]  # not held back waiting for company
    rest = [asyncio.ensure_future(writes("day", x)) for x in "bcdef"]
    await settle()
    store.gate.set()
    assert await first == "day:a"
    assert await asyncio.gather(*rest) == [f"day:{x}" for x in "bcdef"]  # each its own result, in order
    assert store.batches == [["a"], list("bcdef")]
    assert (writes.batches, writes.items) == (2, 6) and len(writes) == 0


async def test_the_same_apart_key_never_shares_a_batch_and_max_items_splits() -> None:
    store = Store()
    writes: WriteBatches[str, str, str] = WriteBatches(store.apply, in_flight=1, max_items=3)
    store.gate.clear()
    first = asyncio.ensure_future(writes("day", "x0"))
    await settle()
    later = [asyncio.ensure_future(writes("day", item, apart=item[0])) for item in ("a1", "a2", "b1", "c1", "d1")]
    await settle()
    store.gate.set()
    await asyncio.gather(first, *later)
    assert store.batches == [["x0"], ["a1", "b1", "c1"], ["a2", "d1"]]


async def test_a_failing_write_fails_alone_and_keys_are_batched_apart() -> None:
    store = Store()
    writes: WriteBatches[str, str, str] = WriteBatches(store.apply, in_flight=1)
    store.gate.clear()
    blocker = asyncio.ensure_future(writes("day1", "z"))
    await settle()
    store.bad = {"bad"}
    mixed = [asyncio.ensure_future(writes("day1", x)) for x in ("ok1", "bad", "ok2")]
    other_day = asyncio.ensure_future(writes("day2", "ok3"))
    await settle()
    store.gate.set()
    outcomes = await asyncio.gather(blocker, *mixed, other_day, return_exceptions=True)
    assert outcomes[0] == "day1:z" and outcomes[1] == "day1:ok1" and outcomes[3] == "day1:ok2"
    assert isinstance(outcomes[2], ValueError) and outcomes[4] == "day2:ok3"
    assert ["ok3"] in store.batches  # another key: a batch of its own, never mixed with day1's
    assert ["ok1", "bad", "ok2"] in store.batches and ["bad"] in store.batches  # the batch, then one by one
    assert len(writes) == 0


async def test_a_request_that_goes_away_leaves_the_batch_to_the_others() -> None:
    store = Store()
    writes: WriteBatches[str, str, str] = WriteBatches(store.apply, in_flight=1)
    store.gate.clear()
    first = asyncio.ensure_future(writes("day", "a"))
    await settle()
    leaving = asyncio.ensure_future(writes("day", "b"))
    staying = asyncio.ensure_future(writes("day", "c"))
    await settle()
    leaving.cancel()
    store.gate.set()
    assert await first == "day:a" and await staying == "day:c"
    assert store.batches == [["a"], ["b", "c"]]  # the write still went in: it may have been committed anyway
