"""Identity tables. The platform tables (outbox, inbox, clock) are in the same MetaData."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, String, Table

from partnerhub.db.platform import new_metadata
from partnerhub.db.types import UtcDateTime

metadata = new_metadata()

individuals = Table(
    "individuals",
    metadata,
    Column("cco_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", String(320), nullable=False),
    Column("email_normalized", String(320), nullable=False, index=True),
    Column("program_staff", Boolean, nullable=False, default=False),
    Column("registered_at", UtcDateTime(), nullable=False),
)
