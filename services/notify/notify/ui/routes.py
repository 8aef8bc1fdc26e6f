"""Failed mail to retry (NO-3): a server-rendered page for program staff under ``/ui/`` on the platform's page
kit (``partnerhub.ui``: sign-in by token cookie, CSRF, error pages). It lists the delivery log's ``failed`` mails
with the reason and retries one with the API's use case (``POST /v1/notifications/{id}/retry``): sent to the
address current now, a partner mail that found no admin fanned out to today's admins; 409 as the API when the
partner still has none.
"""

from __future__ import annotations

from pathlib import Path as FilePath

from fastapi import Depends, Path, Query, Request
from fastapi.responses import Response

from notify import use_cases
from notify.api.notifications import visibility_of
from partnerhub.auth import Principal
from partnerhub.errors import Forbidden
from partnerhub.service import ServiceRuntime, runtime_of
from partnerhub.ui import PageKit

HERE = FilePath(__file__).parent
kit = PageKit(title="Mail", templates_dir=HERE / "templates")
router = kit.router
SHOWN = 200


def ensure_staff(principal: Principal) -> None:
    if not principal.is_staff:
        raise Forbidden("Retrying failed mail is for program staff only.")


@router.get("/")
async def home(request: Request, principal: Principal = Depends(kit.ui_principal)) -> Response:
    return kit.redirect(request, "/failed")


@router.get("/failed")
async def failed(
    request: Request,
    message: str | None = Query(None, max_length=500),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(kit.ui_principal),
) -> Response:
    ensure_staff(principal)
    rows = await use_cases.list_notifications(runtime.db, visibility_of(principal), status="failed", limit=SHOWN)
    return kit.render(request, "failed.html", rows=rows, message=message, shown=SHOWN)


@router.post("/failed/{notification_id}/retry")
async def retry(
    request: Request,
    notification_id: str = Path(max_length=36),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(kit.ui_principal),
) -> Response:
    ensure_staff(principal)
    pending = await use_cases.retry_notification(runtime.db, notification_id)
    to = ", ".join(sorted({r.recipient or r.to_address or "?" for r in pending}))
    return kit.redirect(request, "/failed", f"Sent again: {len(pending)} mail{'' if len(pending) == 1 else 's'} to {to}.")


kit.add_not_found()  # last: after every page
