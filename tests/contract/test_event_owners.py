"""Every event has an owner and a reader (ARCHITECTURE.md "One fact, one owner"): a type some
service consumes is produced by exactly one service, and a type produced is consumed by some
service unless it is published for other enterprise systems (listed here with the reason)."""

from __future__ import annotations

import inspect

from partnerhub.bus import contracts
from partnerhub.bus.envelope import Event
from partnerhub.registry import discover

# produced for systems outside partnerhub; no service of ours needs them
FOR_OTHER_SYSTEMS = {
    "learning.points.earned.v1": "a person's ledger entry, for the LMS and reporting (CL-9); specialization reads partner credits",
}


def _types() -> tuple[set[str], dict[str, list[str]], dict[str, list[str]]]:
    declared = {
        cls.TYPE
        for cls in vars(contracts).values()
        if inspect.isclass(cls) and issubclass(cls, Event) and cls is not Event and hasattr(cls, "TYPE")
    }
    produced: dict[str, list[str]] = {}
    consumed: dict[str, list[str]] = {}
    for name, definition in discover().items():
        for event in definition.produces:
            produced.setdefault(event.TYPE, []).append(name)
        for event in definition.subscriptions:
            consumed.setdefault(event.TYPE, []).append(name)
    return declared, produced, consumed


def test_every_consumed_event_is_produced_by_exactly_one_service() -> None:
    _, produced, consumed = _types()
    orphans = {t: readers for t, readers in consumed.items() if t not in produced}
    assert not orphans, f"consumed but produced by no service: {orphans}"
    shared = {t: owners for t, owners in produced.items() if len(owners) > 1}
    assert not shared, f"one event type, several producers: {shared}"


def test_every_declared_event_is_produced_and_read() -> None:
    declared, produced, consumed = _types()
    assert declared == set(produced), f"declared, not produced: {sorted(declared - set(produced))}"
    unread = {t for t in produced if t not in consumed and t not in FOR_OTHER_SYSTEMS}
    assert not unread, f"produced, read by no service and not listed for other systems: {sorted(unread)}"
    stale = {t for t in FOR_OTHER_SYSTEMS if t in consumed or t not in produced}
    assert not stale, f"FOR_OTHER_SYSTEMS lists types that are now read or no longer produced: {sorted(stale)}"
