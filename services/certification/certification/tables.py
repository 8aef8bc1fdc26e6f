"""Certification tables. The platform tables (outbox, inbox, clock) are in the same MetaData.

Keep in step with migrations/versions/ (cert0002 and later).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)

from partnerhub.db.platform import new_metadata
from partnerhub.db.types import UtcDateTime
from partnerhub.mirrors.identity import add_identity_tables

metadata = new_metadata()

exams = Table(
    "exams",
    metadata,
    Column("number", String(32), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("technical", Boolean, nullable=False),
    Column("replaces", String(32), nullable=True),
    Column("replacement_required", Boolean, nullable=False),
    Column("replacement_effective_on", Date, nullable=True),  # cert0003: CE-1 announcements
    Column("replacement_announced_on", Date, nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# cert0005: every version of a certification's requirements (CE-4); the first in force since always
# (effective_on NULL), each later one from its effective_on; rows are only ever added
certification_versions = Table(
    "certification_versions",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("effective_on", Date, nullable=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("required_exams", JSON, nullable=False),
    Column("renewal_exams", JSON, nullable=True),
    Column("prerequisites", JSON, nullable=False),
    Column("validity_months", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

# cert0010: one row (id 1); every write of exams or certification_versions raises version in its transaction,
# and a process reads the catalog again only when the version it cached it under has moved
catalog_stamp = Table(
    "catalog_stamp",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", BigInteger().with_variant(Integer(), "sqlite"), nullable=False),
)

exam_results = Table(
    "exam_results",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("external_id", String(128), nullable=False, unique=True),
    Column("cco_id", String(64), nullable=False),  # the owner now (a merge moves it to the survivor)
    Column("original_cco_id", String(64), nullable=False),  # as recorded
    Column("exam_number", String(32), nullable=False),
    Column("taken_on", Date, nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("import_id", String(36), nullable=True),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Index("ix_exam_results_cco_id_taken_on", "cco_id", "taken_on"),
)

# one row per individual with results or badges: the lock for recomputing them, and the
# "needs recomputing" mark a bulk import leaves (crash-safe: set in the batch's transaction)
holders = Table(
    "holders",
    metadata,
    Column("cco_id", String(64), primary_key=True),
    Column("dirty", Boolean, nullable=False),
    Index("ix_holders_dirty", "dirty", postgresql_where=text("dirty"), sqlite_where=text("dirty")),
)

# identity's facts, as the platform's identity mirror keeps them (partnerhub.mirrors.identity): people
# (only that identity knows them), memberships for CE-11, merges (ID-2), in the mirror's tables (cert0007)
IDENTITY = add_identity_tables(metadata)
aliases = IDENTITY.aliases
memberships = IDENTITY.memberships

badges = Table(
    "badges",
    metadata,
    Column("cco_id", String(64), primary_key=True),
    Column("certification", String(32), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("achieved_on", Date, nullable=False),
    Column("renewed_on", Date, nullable=True),
    Column("expires_on", Date, nullable=False),
    Column("extension_reason", String(200), nullable=True),
    Column("requirements_version", Integer, nullable=False, server_default=text("1")),  # cert0005, CE-4
    Column("next_reminder_on", Date, nullable=True),
    Column("next_reminder_months", Integer, nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
    Index("ix_badges_status_expires_on", "status", "expires_on"),
    Index("ix_badges_next_reminder_on", "next_reminder_on"),
)

reminders = Table(
    "reminders",
    metadata,
    Column("cco_id", String(64), primary_key=True),
    Column("certification", String(32), primary_key=True),
    Column("expires_on", Date, primary_key=True),
    Column("months_before", Integer, primary_key=True),
    Column("due_on", Date, nullable=False),
)

certificates = Table(
    "certificates",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("cco_id", String(64), nullable=False, index=True),
    Column("certification", String(32), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("expires_on", Date, nullable=False),
    Column("issued_on", Date, nullable=False),
    # cert0009: the number printed on the certificate and typed into the verification page, and a
    # revocation by program staff (a verification then answers "revoked")
    Column("number", String(20), nullable=False, unique=True),
    Column("revoked_on", Date, nullable=True),
    Column("revoked_reason", String(500), nullable=True),
)

# cert0009: signing keys generated in dev and test (production's key comes from the settings), kept
# so that a restart still verifies what was signed before
credential_keys = Table(
    "credential_keys",
    metadata,
    Column("kid", String(64), primary_key=True),
    Column("algorithm", String(8), nullable=False),
    Column("private_pem", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

agreements = Table(
    "agreements",
    metadata,
    Column("cco_id", String(64), primary_key=True),
    Column("version", String(64), primary_key=True),
    Column("signed_on", Date, nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
)

# projection of identity's grants (ID-4, CE-11): certification's own, not part of the mirror
grants = Table(
    "grants",
    metadata,
    Column("cco_id", String(64), primary_key=True),
    Column("be_geo_id", String(64), primary_key=True),
    Column("granted", Boolean, nullable=False),
    Column("changed_on", Date, nullable=False),
    Column("occurred_at", UtcDateTime(), nullable=False),
)

imports = Table(
    "imports",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("format", String(8), nullable=False),
    Column("filename", String(200), nullable=True),
    Column("status", String(16), nullable=False),  # running, recomputing, done, failed
    Column("lines_read", Integer, nullable=False),
    Column("lines_total", Integer, nullable=True),  # data lines in the upload (NULL: imports before cert0006)
    Column("accepted", Integer, nullable=False),
    Column("replayed", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    # recorded lines whose CCO ID identity had not told certification of (cert0008); listed in import_warnings
    Column("warned", Integer, nullable=False, server_default=text("0")),
    Column("individuals_recomputed", Integer, nullable=False),
    Column("error", Text, nullable=True),
    Column("created_by", String(64), nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("finished_at", UtcDateTime(), nullable=True),
)

import_errors = Table(
    "import_errors",
    metadata,
    Column("import_id", String(36), primary_key=True),
    Column("line", Integer, primary_key=True),
    Column("error", Text, nullable=False),
    Column("content", String(200), nullable=False),
)

# recorded lines worth a look (cert0008): a CCO ID identity had not told certification of when the line was read
import_warnings = Table(
    "import_warnings",
    metadata,
    Column("import_id", String(36), primary_key=True),
    Column("line", Integer, primary_key=True),
    Column("cco_id", String(64), nullable=False),
    Column("reason", Text, nullable=False),
)
