"""A test-only fault hook: exit the process at a named step, every k-th message.

The fault suite (``tests/faults``) sets ``FAULT_POINTS`` (``<SERVICE>_`` or ``PARTNERHUB_``), e.g.
``consumer.after_commit:7,relay.after_publish:5``: the process then ends itself with
``os._exit(FAULT_EXIT_CODE)`` (no cleanup, no flush of anything, as a kill -9 would) the 7th, 14th …
time a consumer has committed a message and not yet acknowledged it, and so on. It is empty by
default, and production refuses to start with it set. With it empty, ``point`` is one dictionary
lookup.

The steps:

- ``consumer.in_transaction``: the handler ran, its changes and the inbox row are not committed;
- ``consumer.after_commit``: committed, not yet acknowledged to the broker;
- ``relay.after_publish``: the broker confirmed the outbox rows, they are not yet marked published;
- ``notify.after_smtp``: the SMTP server accepted a mail, notify has not recorded it as sent.
"""

from __future__ import annotations

import os
import sys

STEPS = ("consumer.in_transaction", "consumer.after_commit", "relay.after_publish", "notify.after_smtp")
FAULT_EXIT_CODE = 86

_every: dict[str, int] = {}
_seen: dict[str, int] = {}


def parse(spec: str) -> dict[str, int]:
    """``"step:k,step:k"`` → ``{step: k}``; raises ValueError on an unknown step or a bad k."""
    every: dict[str, int] = {}
    for item in (i.strip() for i in spec.split(",") if i.strip()):
        step, _, k = item.partition(":")
        if step not in STEPS:
            raise ValueError(f"unknown fault step {step!r}; known: {', '.join(STEPS)}")
        try:
            every[step] = int(k or "1")
        except ValueError:
            raise ValueError(f"fault step {step}: k must be a whole number, got {k!r}") from None
        if every[step] < 1:
            raise ValueError(f"fault step {step}: k must be 1 or more")
    return every


def configure(spec: str) -> None:
    _every.clear()
    _seen.clear()
    _every.update(parse(spec))


def point(step: str, messages: int = 1) -> None:
    """Count ``messages`` passing ``step``; exit the process when a multiple of its k is reached."""
    k = _every.get(step)
    if k is None:
        return
    before = _seen.get(step, 0)
    _seen[step] = after = before + messages
    if after // k > before // k:
        sys.stderr.write(f'{{"event": "fault point: exiting", "step": "{step}", "seen": {after}}}\n')
        sys.stderr.flush()
        os._exit(FAULT_EXIT_CODE)
