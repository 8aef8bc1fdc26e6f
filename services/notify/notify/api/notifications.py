"""The delivery log (NO-3): who got which mail for which cause, and staff retries of failed mail.

Program staff and systems see every mail; a partner admin sees the mails about their own
partners (partner mails) and, like any individual, the mails addressed to themselves.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from notify import use_cases
from notify.domain import SECRET_CONTEXT
from notify.use_cases import Visibility
from partnerhub.auth import Principal, current_principal, require_roles
from partnerhub.db.uow import Database
from partnerhub.inputs import SearchText
from partnerhub.pagination import Page, paging
from partnerhub.policy import PartnerRight, partners_with
from partnerhub.service import database_of

router = APIRouter(prefix="/v1/notifications", tags=["notifications"])
IdPath = Path(max_length=36, description="a notification id")
Status = Literal["pending", "sending", "sent", "failed", "replaced"]


class NotificationOut(BaseModel):
    id: str
    cause: str = Field(description="the cause key: one mail per cause key, ever")
    kind: str
    status: Status
    recipient: str | None = Field(description="the CCO ID the mail is for")
    to_address: str | None = Field(description="the address of the last attempt (looked up at sending time)")
    be_geo_id: str | None
    subject: str | None
    message_id: str = Field(description="deterministic from the cause key")
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    transport: str | None = Field(description="smtp, or file (.eml) when no SMTP server is configured")
    created_at: datetime
    sent_at: datetime | None
    context: dict[str, Any]

    @classmethod
    def of(cls, row: Any) -> NotificationOut:
        return cls(
            id=row.id,
            cause=row.cause_key,
            kind=row.kind,
            status=row.status,
            recipient=row.recipient,
            to_address=row.to_address,
            be_geo_id=row.be_geo_id,
            subject=row.subject,
            message_id=row.message_id,
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            last_error=row.last_error,
            transport=row.transport,
            created_at=row.created_at,
            sent_at=row.sent_at,
            context=shown_context(row.context),
        )


def shown_context(context: dict[str, Any]) -> dict[str, Any]:
    """The template variables, with secrets (a merge confirmation link, ID-2) withheld: the link is a
    credential for whoever reads the mailbox, not for readers of the log (systems, staff)."""
    return {k: ("(withheld: a single-use link)" if k in SECRET_CONTEXT else v) for k, v in context.items()}


def visibility_of(principal: Principal) -> Visibility:
    """Everything, or the mail of the partners the policy lets the caller see, and their own."""
    partners = partners_with(principal, PartnerRight.SEE_MAIL)
    if partners is None:
        return Visibility(everything=True)
    return Visibility(partners=partners, person=principal.sub)


@router.get("", summary="The delivery log (staff, systems; admins: their partners' mail; anyone: own mail)")
async def list_notifications(
    recipient: SearchText | None = Query(None, max_length=320, description="a CCO ID, or an e-mail address"),
    cause: SearchText | None = Query(None, max_length=400, description="a cause key, or its beginning"),
    status: Status | None = Query(None, description="e.g. failed: the mails staff may retry"),
    kind: SearchText | None = Query(None, max_length=40),
    page: Page = Depends(paging),
    db: Database = Depends(database_of),
    principal: Principal = Depends(current_principal),
) -> list[NotificationOut]:
    rows = await use_cases.list_notifications(
        db,
        visibility_of(principal),
        recipient=recipient,
        cause=cause,
        status=status,
        kind=kind,
        limit=page.limit,
        offset=page.offset,
    )
    return [NotificationOut.of(r) for r in rows]


@router.get("/{notification_id}", summary="One mail of the delivery log")
async def read_notification(
    notification_id: str = IdPath,
    db: Database = Depends(database_of),
    principal: Principal = Depends(current_principal),
) -> NotificationOut:
    return NotificationOut.of(await use_cases.get_notification(db, visibility_of(principal), notification_id))


@router.post(
    "/{notification_id}/retry",
    summary="Send a failed mail again (program staff)",
    responses={409: {"description": "the mail is not failed, or its partner still has no admin"}},
)
async def retry(
    notification_id: str = IdPath,
    db: Database = Depends(database_of),
    _: Principal = Depends(require_roles("program_staff")),
) -> list[NotificationOut]:
    return [NotificationOut.of(r) for r in await use_cases.retry_notification(db, notification_id)]

