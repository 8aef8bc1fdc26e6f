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
