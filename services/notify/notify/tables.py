"""Notify tables. The platform tables (outbox, inbox, clock) are in the same MetaData."""

from __future__ import annotations

from sqlalchemy import Column, String, Table

from partnerhub.db.platform import new_metadata
from partnerhub.db.types import UtcDateTime

metadata = new_metadata()

recipients = Table(
    "recipients",
    metadata,
    Column("cco_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", String(320), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)
