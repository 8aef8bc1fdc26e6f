"""Identifiers for rows and events: UUID version 7 (RFC 9562).

Time-ordered, so rows written together land side by side in a B-tree index instead of on a
random page: large imports keep their indexes in memory. Still 122 bits of uniqueness, and
still an ordinary UUID string for every reader.
"""

from __future__ import annotations

import uuid

import uuid_utils


def new_id() -> str:
    """A new UUIDv7 as its 36-character string."""
    return str(uuid_utils.uuid7())


def new_uuid() -> uuid.UUID:
    """A new UUIDv7 as a standard-library UUID."""
    return uuid.UUID(bytes=uuid_utils.uuid7().bytes)
