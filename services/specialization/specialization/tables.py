"""Specialization tables. The platform tables (outbox, inbox, clock) are in the same MetaData."""

from __future__ import annotations

from partnerhub.db.platform import new_metadata

metadata = new_metadata()
