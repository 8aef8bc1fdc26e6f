"""Notify tables. The platform tables (outbox, inbox, clock) are in the same MetaData."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Index, Integer, String, Table, Text

from partnerhub.db.platform import new_metadata
from partnerhub.db.types import UtcDateTime
from partnerhub.mirrors.identity import add_identity_tables

metadata = new_metadata()

# identity's facts, as the platform's identity mirror keeps them (partnerhub.mirrors.identity, noti0004):
# each person's current name and address (``recipients``; as_of orders out-of-order updates) and merges (ID-2)
IDENTITY = add_identity_tables(metadata)
recipients = IDENTITY.people
aliases = IDENTITY.aliases

# projection of identity: partner names and their admins (role partner_admin only)
partners = Table(
    "partners",
    metadata,
    Column("be_geo_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
)

partner_admins = Table(
    "partner_admins",
    metadata,
    Column("be_geo_id", String(64), primary_key=True),
    Column("cco_id", String(64), primary_key=True),
    Column("active", Boolean, nullable=False),
    Column("as_of", UtcDateTime(), nullable=False),
)

# the delivery log: one row per mail, unique per cause key (NO-3)
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("cause_key", String(400), nullable=False, unique=True),
    Column("kind", String(40), nullable=False),
    Column("recipient", String(64), nullable=True),  # a CCO ID; its address is looked up at sending time
    Column("be_geo_id", String(64), nullable=True),  # the partner a partner mail is about
    Column("context", JSON, nullable=False),  # the template variables fixed when the cause happened
    Column("message_id", String(200), nullable=False),
    Column("status", String(16), nullable=False),  # pending, sending, sent, failed, replaced
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime(), nullable=False),
    Column("lease_until", UtcDateTime(), nullable=True),
    Column("to_address", String(320), nullable=True),
    Column("subject", Text, nullable=True),
    Column("transport", String(8), nullable=True),  # smtp or file
    Column("last_error", Text, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("sent_at", UtcDateTime(), nullable=True),
    Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    Index("ix_deliveries_recipient", "recipient"),
    Index("ix_deliveries_be_geo_id", "be_geo_id"),
)
