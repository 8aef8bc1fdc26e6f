"""Pure notification rules: which mail an event causes, its cause key, safe headers, backoff.

No I/O here: events in, mail plans out (NO-1, NO-2, NO-4), and the checks that keep
header values from carrying a second header (ARCHITECTURE.md, e-mail pitfall).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from partnerhub.bus.contracts import (
    GraceStarted,
    Lost,
    MergeRequested,
    Reactivated,
    ReminderDue,
    RenewalWindowOpened,
    Renewed,
    RoleAtRisk,
    RoleVacated,
)

# the header checks are the platform's: identity refuses, when a name or an address is written,
# exactly what these would refuse when the mail is built (partnerhub.inputs)
from partnerhub.inputs import UnsafeHeader as UnsafeHeader
from partnerhub.inputs import check_address as check_address
from partnerhub.inputs import check_header_text as check_header_text

ROLE_NAMES = {"AM": "Account Manager", "SE": "Systems Engineer", "FE": "Field Engineer"}

# the template set of each kind (notify/templates/<kind>.subject.txt, .txt, .html)
KINDS = (
    "reminder",
    "renewal_window_opened",
    "renewed",
    "grace_started",
    "lost",
    "reactivated",
    "role_at_risk",
    "role_vacated",
    "merge_confirmation",
)
PARTNER_KINDS = frozenset(KINDS) - {"reminder", "merge_confirmation"}
# template variables never shown in the delivery log's API (they are credentials for the mailbox's reader)
SECRET_CONTEXT = frozenset({"confirm_url"})

MESSAGE_ID_DOMAIN = "notify.partnerhub"


def message_id(cause_key: str) -> str:
    """The same cause always gives the same Message-ID (whatever the settings), so a receiving
    system can drop a repeat."""
    digest = hashlib.sha256(cause_key.encode()).hexdigest()[:40]
    return f"<{digest}@{MESSAGE_ID_DOMAIN}>"


def bounded_key(cause_key: str, limit: int = 400) -> str:
    """Cause keys fit their column; a longer one keeps its start and a hash of the whole."""
    if len(cause_key) <= limit:
        return cause_key
    return cause_key[: limit - 65] + "#" + hashlib.sha256(cause_key.encode()).hexdigest()


def backoff_seconds(attempts: int, base: float, cap: float) -> float:
    """The wait before the next attempt: base, 2×base, 4×base … at most cap."""
    return min(cap, base * 2 ** max(0, min(attempts, 30) - 1))


@dataclass(frozen=True)
class MailPlan:
    """A mail a cause asks for; partner mails are fanned out to each admin by ``for_recipient``."""

    kind: str
    cause_key: str
    context: dict[str, Any] = field(default_factory=dict)
    be_geo_id: str | None = None
    recipient: str | None = None

    def for_recipient(self, cco_id: str) -> MailPlan:
        return MailPlan(self.kind, f"{self.cause_key}|to:{cco_id}", self.context, self.be_geo_id, cco_id)


def _iso(value: date) -> str:
    return value.isoformat()


def reminder_plan(event: ReminderDue) -> MailPlan | None:
    """NO-1 / CE-6: a reminder 6 or 3 months before expiry; CE-9: never for Representative CQS."""
    if event.kind == "cqs_representative":
        return None
    cause = f"reminder|{event.cco_id}|{event.certification}|{_iso(event.expires_on)}|{event.months_before}m"
    context = {
        "certification": event.certification,
        "kind": event.kind,
        "expires_on": _iso(event.expires_on),
        "months_before": event.months_before,
    }
    return MailPlan("reminder", cause, context, None, event.cco_id)


def specialization_plan(
    event: RenewalWindowOpened | Renewed | GraceStarted | Lost | Reactivated,
) -> MailPlan:
    """NO-2: one plan per specialization event; sent to each of the partner's admins."""
    base = {"be_geo_id": event.be_geo_id, "specialization": event.specialization}
    if isinstance(event, RenewalWindowOpened):
        kind, day = "renewal_window_opened", event.opened_on
        extra = {"opened_on": _iso(event.opened_on), "anniversary": _iso(event.anniversary)}
    elif isinstance(event, Renewed):
        kind, day = "renewed", event.renewed_on
        extra = {
            "renewed_on": _iso(event.renewed_on),
            "period_start": _iso(event.period_start),
            "period_end": _iso(event.period_end),
        }
    elif isinstance(event, GraceStarted):
        kind, day = "grace_started", event.started_on
        extra = {"started_on": _iso(event.started_on), "grace_ends_on": _iso(event.grace_ends_on)}
    elif isinstance(event, Lost):
        kind, day = "lost", event.lost_on
        extra = {"lost_on": _iso(event.lost_on), "blocked_until": _iso(event.blocked_until)}
    else:
        kind, day = "reactivated", event.reactivated_on
        extra = {"reactivated_on": _iso(event.reactivated_on), "anniversary": _iso(event.anniversary)}
    cause = f"{kind}|{event.be_geo_id}|{event.specialization}|{_iso(day)}"
    return MailPlan(kind, cause, base | extra, event.be_geo_id)


def role_plan(event: RoleAtRisk | RoleVacated, person_name: str | None) -> MailPlan:
    """NO-4: the partner's admins learn which role falls vacant, whose, and on which date."""
    context: dict[str, Any] = {
        "be_geo_id": event.be_geo_id,
        "specialization": event.specialization,
        "role": event.role,
        "role_name": ROLE_NAMES.get(event.role, event.role),
        "person_cco_id": event.cco_id,
        "person_name": person_name,
    }
    if isinstance(event, RoleAtRisk):
        context |= {"certification": event.certification, "vacant_on": _iso(event.vacant_on), "reason": event.reason}
        cause = (
            f"role_at_risk|{event.be_geo_id}|{event.specialization}|{event.role}|{event.cco_id}"
            f"|{event.certification}|{_iso(event.vacant_on)}"
        )
        return MailPlan("role_at_risk", cause, context, event.be_geo_id)
    context |= {"vacated_on": _iso(event.vacated_on), "reason": event.reason}
    cause = f"role_vacated|{event.be_geo_id}|{event.specialization}|{event.role}|{event.cco_id}|{_iso(event.vacated_on)}"
    return MailPlan("role_vacated", cause, context, event.be_geo_id)


def merge_confirmation_plan(event: MergeRequested) -> MailPlan:
    """ID-2: the link that confirms a merge, to the address of the ID being retired (its owner's consent)."""
    context = {
        "survivor": event.survivor,
        "retire": event.retire,
        "requested_by": event.requested_by,
        "expires_at": event.expires_at.isoformat(),
        "confirm_url": event.confirm_url,
    }
    return MailPlan("merge_confirmation", f"merge_confirmation|{event.request_id}", context, None, event.retire)
