"""Learning tables. The platform tables (outbox, inbox, clock) are in the same MetaData."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    false,
    text,
)

from partnerhub.db.platform import new_metadata
from partnerhub.db.types import UtcDateTime
from partnerhub.mirrors.identity import add_identity_tables

metadata = new_metadata()

ID = String(100)
CCO = String(64)
PARTNER = String(64)
SPEC = String(64)

# the library (CL-1, CL-2, CL-3, CL-6): published values in columns, a pending revision in `draft`
activities = Table(
    "activities",
    metadata,
    Column("activity_id", ID, primary_key=True),
    Column("published", Boolean, nullable=False, server_default=false()),
    Column("title", String(300), nullable=True),
    Column("kind", String(20), nullable=True),
    Column("duration_minutes", Integer, nullable=True),
    Column("specializations", JSON, nullable=True),
    Column("explicit_points", Integer, nullable=True),
    Column("extended_cap", Boolean, nullable=True),
    Column("mandatory_for", JSON, nullable=True),
    Column("exam_number", String(50), nullable=True, index=True),
    Column("points", Integer, nullable=True),
    Column("draft", JSON(none_as_null=True), nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("updated_by", String(100), nullable=False),
    Column("published_at", UtcDateTime(), nullable=True),
    Column("published_by", String(100), nullable=True),
)

# every completion received (API and xAPI), idempotent on the external id
completions = Table(
    "completions",
    metadata,
    Column("external_id", String(200), primary_key=True),
    Column("source", String(10), nullable=False),
    Column("cco_id", CCO, nullable=False),  # as sent
    Column("person", CCO, nullable=False, index=True),  # resolved through merges
    Column("activity_id", ID, nullable=False),
    Column("action", String(20), nullable=False),
    Column("occurred_at", UtcDateTime(), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
)

# each person's point ledger: one entry per activity per person (voided ones are merge duplicates)
entries = Table(
    "entries",
    metadata,
    Column("entry_id", String(36), primary_key=True),
    Column("cco_id", CCO, nullable=False),
    Column("earned_by", CCO, nullable=False),
    Column("activity_id", ID, nullable=False),
    Column("source", String(20), nullable=False),
    Column("source_ref", String(200), nullable=False),
    Column("points", Integer, nullable=False),
    Column("earned_on", Date, nullable=False),
    Column("specializations", JSON, nullable=False),
    Column("mandatory_for", JSON, nullable=False),
    Column("voided", Boolean, nullable=False, server_default=false()),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Index("ix_entries_cco_id", "cco_id"),
    Index(
        "ix_entries_active_person_activity",
        "cco_id",
        "activity_id",
        unique=True,
        postgresql_where=text("NOT voided"),
        sqlite_where=text("NOT voided"),
    ),
)

entry_specializations = Table(
    "entry_specializations",
    metadata,
    Column("entry_id", String(36), primary_key=True),
    Column("specialization", SPEC, primary_key=True),
)

# partner credits (CL-7, CL-8): one line per partner and entry; `active` false once corrected away
credits = Table(
    "credits",
    metadata,
    Column("be_geo_id", PARTNER, primary_key=True),
    Column("entry_id", String(36), primary_key=True),
    Column("cco_id", CCO, nullable=False, index=True),
    Column("activity_id", ID, nullable=False),
    Column("points", Integer, nullable=False),
    Column("earned_on", Date, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Index("ix_credits_partner_activity", "be_geo_id", "activity_id"),
    Index("ix_credits_entry_id", "entry_id"),
)

# identity's facts, as the platform's identity mirror keeps them (partnerhub.mirrors.identity, lear0009):
# people (names, the staff flag, a row to lock per person), merges, memberships
IDENTITY = add_identity_tables(metadata)
people = IDENTITY.people
aliases = IDENTITY.aliases
memberships = IDENTITY.memberships

# projections for the CL View pages: partner names, admin/PAM assignments (sign-in claims)
partners = Table(
    "partners",
    metadata,
    Column("be_geo_id", PARTNER, primary_key=True),
    Column("name", String(200), nullable=True),
)

admin_roles = Table(
    "admin_roles",
    metadata,
    Column("cco_id", CCO, primary_key=True),
    Column("be_geo_id", PARTNER, primary_key=True),
    Column("role", String(20), primary_key=True),
    Column("active", Boolean, nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
    Index("ix_admin_roles_be_geo_id", "be_geo_id"),
)

# what specialization said beyond the status: window, grace, loss, reactivation, compliance (SP-9 to SP-14)
specialization_notes = Table(
    "specialization_notes",
    metadata,
    Column("be_geo_id", PARTNER, primary_key=True),
    Column("specialization", SPEC, primary_key=True),
    Column("window_opened_on", Date, nullable=True),
    Column("grace_started_on", Date, nullable=True),
    Column("grace_ends_on", Date, nullable=True),
    Column("lost_on", Date, nullable=True),
    Column("blocked_until", Date, nullable=True),
    Column("reactivated_on", Date, nullable=True),
    Column("compliant", Boolean, nullable=True),
    Column("compliant_at", UtcDateTime(), nullable=True),
)

# vacant roles and roles at risk (SP-14, NO-4); a vacancy is cleared when the specialization is compliant again
role_alerts = Table(
    "role_alerts",
    metadata,
    Column("be_geo_id", PARTNER, primary_key=True),
    Column("specialization", SPEC, primary_key=True),
    Column("role", String(2), primary_key=True),
    Column("cco_id", CCO, primary_key=True),
    Column("kind", String(10), primary_key=True),  # vacated | at_risk
    Column("on_date", Date, nullable=False),  # vacated on / falls vacant on
    Column("detail", String(200), nullable=True),  # the reason / the expiring certification
    Column("occurred_at", UtcDateTime(), nullable=False),
)

# projection of specialization.status.changed: each partner's period per specialization, its icon (SP-7, SP-8, SP-13)
periods = Table(
    "periods",
    metadata,
    Column("be_geo_id", PARTNER, primary_key=True),
    Column("specialization", SPEC, primary_key=True),
    Column("status", String(20), nullable=True),
    Column("level", String(50), nullable=True),
    Column("anniversary", Date, nullable=True),
    Column("period_start", Date, nullable=True),
    Column("period_end", Date, nullable=True),
    Column("points_required", Integer, nullable=False, server_default=text("0")),
    Column("status_at", UtcDateTime(), nullable=True),
    Column("icon", String(20), nullable=True),  # SP-13 as specialization announced it (lear0005)
)

# specialization's names by code, from specialization.status.changed (the name is specialization's fact,
# lear0008); the pages show "Name (CODE)", the code alone until a name has been announced
specialization_names = Table(
    "specialization_names",
    metadata,
    Column("specialization", SPEC, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("named_at", UtcDateTime(), nullable=False),  # the announcing event's occurred_at: a later one wins
)

# the CL View's running totals: points per person credited to a partner in its current period
clview_points = Table(
    "clview_points",
    metadata,
    Column("be_geo_id", PARTNER, primary_key=True),
    Column("specialization", SPEC, primary_key=True),
    Column("cco_id", CCO, primary_key=True),
    Column("points", Integer, nullable=False),
    Index("ix_clview_points_partner_spec_points", "be_geo_id", "specialization", "points", "cco_id"),
)

# proofs of attendance (CL-5)
proofs = Table(
    "proofs",
    metadata,
    Column("proof_id", String(36), primary_key=True),
    Column("cco_id", CCO, nullable=False, index=True),
    Column("submitted_by", String(100), nullable=False),
    Column("event", String(200), nullable=False),
    Column("activity_id", ID, nullable=False),
    Column("specialization", SPEC, nullable=False),
    Column("attended_on", Date, nullable=False),
    Column("content_type", String(50), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("stored_as", String(200), nullable=False),
    Column("filename", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("reason", String(1000), nullable=True),
    Column("decided_by", String(100), nullable=True),
    Column("decided_at", UtcDateTime(), nullable=True),
    Column("entry_id", String(36), nullable=True),
    Column("submitted_at", UtcDateTime(), nullable=False),
)

# the proof files themselves (CL-5), in the database every replica shares; `name` is the proof's `stored_as`
proof_files = Table(
    "proof_files",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("content", LargeBinary, nullable=False),
    Column("stored_at", UtcDateTime(), nullable=False),
)

# the xAPI Learning Record Store (lear0010): every valid statement, whatever its actor or object. Long IRIs
# and agent identifiers are looked up by their SHA-256 (`*_hash`, see use_cases/lrs.py `digest`), so every
# filter of GET /statements reads down an index whatever the values' length.
xapi_statements = Table(
    "xapi_statements",
    metadata,
    Column("statement_id", String(36), primary_key=True),
    Column("stored", UtcDateTime(), nullable=False),
    Column("timestamp", UtcDateTime(), nullable=False),
    Column("actor_hash", String(64), nullable=True),  # None: an anonymous Group
    Column("verb_hash", String(64), nullable=False),
    Column("object_type", String(20), nullable=False),
    Column("object_hash", String(64), nullable=False),  # the activity IRI, agent identifier or statement id
    Column("registration", String(36), nullable=True),
    Column("voided", Boolean, nullable=False, server_default=false()),
    Column("ref_id", String(36), nullable=True),  # a StatementRef object: the statement it targets (or voids)
    Column("sent_hash", String(64), nullable=False),  # of the statement as sent: a different one under the same id is a 409
    Column("client", String(200), nullable=False),
    Column("statement", JSON, nullable=False),  # as stored, with id, timestamp, stored, authority and version
    Column("outcome", String(20), nullable=False),  # what it credited: earned, recorded, already_earned, duplicate, not_credited, ...
    Column("reason", String(1000), nullable=True),  # why it credits nothing (staff see it)
    Column("points", Integer, nullable=False, server_default=text("0")),
    Index("ix_xapi_statements_stored", "stored", "statement_id"),
    Index("ix_xapi_statements_actor", "actor_hash", "stored"),
    Index("ix_xapi_statements_verb", "verb_hash", "stored"),
    Index("ix_xapi_statements_object", "object_hash", "stored"),
    Index("ix_xapi_statements_registration", "registration", "stored"),
    Index("ix_xapi_statements_ref", "ref_id"),
    Index("ix_xapi_statements_outcome", "outcome", "stored"),
    Index("ix_xapi_statements_client", "client", "stored"),
)

# every agent and activity a statement relates to (related_agents / related_activities)
xapi_related = Table(
    "xapi_related",
    metadata,
    Column("kind", String(10), primary_key=True),  # agent | activity
    Column("key_hash", String(64), primary_key=True),
    Column("statement_id", String(36), primary_key=True),
)

# State, Activity Profile and Agent Profile documents; `scope_hash` digests (activity, agent, registration)
xapi_documents = Table(
    "xapi_documents",
    metadata,
    Column("kind", String(16), primary_key=True),  # state | activity_profile | agent_profile
    Column("scope_hash", String(64), primary_key=True),
    Column("doc_hash", String(64), primary_key=True),
    Column("document_id", String(2000), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("content_type", String(200), nullable=False),
    Column("etag", String(64), nullable=False),
    Column("updated", UtcDateTime(), nullable=False),
    Index("ix_xapi_documents_scope", "kind", "scope_hash", "updated"),
)

# Basic credentials of LMS clients (a `system` client with xAPI scopes); only the secret's SHA-256 is kept
xapi_clients = Table(
    "xapi_clients",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("secret_hash", String(64), nullable=False),
    Column("scopes", JSON, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
)

# attachment data sent with statements (multipart/mixed), by SHA-256: one copy however many statements name it
xapi_attachments = Table(
    "xapi_attachments",
    metadata,
    Column("sha2", String(64), primary_key=True),
    Column("content_type", String(200), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("stored", UtcDateTime(), nullable=False),
)
