"""Identity tables. The platform tables (outbox, inbox, clock) are in the same MetaData."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    text,
)

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
    # ID-2: a retired CCO ID points straight at its (final) survivor; chains are flattened on merge
    Column("survivor_id", String(64), nullable=True, index=True),
    Column("retired_on", Date, nullable=True),
)

partners = Table(
    "partners",
    metadata,
    Column("be_geo_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("country", String(2), nullable=False),
    Column("registered_at", UtcDateTime(), nullable=False),
)

memberships = Table(
    "memberships",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cco_id", String(64), nullable=False, index=True),
    Column("be_geo_id", String(64), nullable=False, index=True),
    Column("started_on", Date, nullable=False),
    Column("ended_on", Date, nullable=True),  # the first day no longer a member
    # a planned end while still active (NO-4): the job ends the membership on that day
    Column("leaves_on", Date, nullable=True),
    # counts the plan changes (planned, replaced, cancelled): the events carry it, projections keep the highest
    Column("leave_revision", Integer, nullable=False, default=0, server_default="0"),
    # ID-3: at most one active association per person
    Index(
        "uq_memberships_active_cco_id",
        "cco_id",
        unique=True,
        postgresql_where=text("ended_on IS NULL"),
        sqlite_where=text("ended_on IS NULL"),
    ),
)

partner_roles = Table(
    "partner_roles",
    metadata,
    Column("be_geo_id", String(64), nullable=False),
    Column("role", String(20), nullable=False),  # partner_admin | pam
    Column("cco_id", String(64), nullable=False, index=True),
    Column("assigned_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("be_geo_id", "role", "cco_id"),
)

grants = Table(
    "grants",
    metadata,
    Column("cco_id", String(64), nullable=False),
    Column("be_geo_id", String(64), nullable=False),
    Column("granted_on", Date, nullable=False),
    PrimaryKeyConstraint("cco_id", "be_geo_id"),
)

# ID-2 asked by the person (Partner Self-Service): a merge that waits for the mailed link to be confirmed
merge_requests = Table(
    "merge_requests",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("survivor", String(64), nullable=False, index=True),  # the active CCO ID that stays
    Column("retire", String(64), nullable=False, index=True),  # the CCO ID to retire; its address gets the link
    Column("requested_by", String(64), nullable=False),  # the token's sub: the survivor, or program staff
    Column("requested_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    # SHA-256 of the link's token: the token itself is only in the mail (and the event that carries it there)
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("status", String(16), nullable=False),  # pending | confirmed | replaced
    Column("confirmed_at", UtcDateTime(), nullable=True),
)
