"""My identity (the seeds' "Partner Self-Service"): server-rendered pages under ``/ui/`` on the platform's page
kit (``partnerhub.ui``: sign-in by token cookie, CSRF on every form, error pages with the API's status).

An individual sees their partner association and its history (ID-1, ID-3), grants and revokes their partner's
admins access to their records (ID-4), sees the duplicate CCO IDs the ID-5 rule links to them and asks, in one
step, to merge one (ID-2): the link goes by mail to the address of the ID being retired, and only confirming it
on ``/ui/merge-confirmation`` merges. The pages call the API's own use cases and access checks: someone else's
page answers 404, their partner's admin 403 (as ``GET /v1/individuals/{id}/duplicates`` does); program staff
see anyone's.
"""

from __future__ import annotations

from pathlib import Path as FilePath
from urllib.parse import quote

from fastapi import Depends, Form, Path, Query, Request
from fastapi.responses import Response

from identity import use_cases
from identity.api.access import person_writable
from identity.api.self_service import link_ttl, own_only, public_base
from identity.domain import BE_GEO_ID_PATTERN, CCO_ID_PATTERN
from identity.ui.people import PEOPLE
from partnerhub.auth import Principal
from partnerhub.errors import Conflict
from partnerhub.service import ServiceRuntime, runtime_of
from partnerhub.ui import PageKit

HERE = FilePath(__file__).parent
TOKEN = r"^[A-Za-z0-9_-]{20,100}$"
REASON_LABEL = {"same-email": "the same e-mail address", "similar-name": "a nearly identical name at the same partner"}
STATE_LABEL = {
    "pending": "Waiting for the link to be confirmed",
    "confirmed": "Merged",
    "expired": "Link expired",
    "replaced": "Replaced by a newer link",
}


def start_page(request: Request, principal: Principal | None, base: str) -> tuple[str, str]:
    if principal is not None:
        return f"{base}/", "Back to my identity"
    return f"{base}/sign-in", "Sign in"


kit = PageKit(
    title="My identity", templates_dir=HERE / "templates", people=PEOPLE, start_page=start_page,
    csrf_label=b"partnerhub identity ui csrf v1",
)
kit.templates.env.globals.update(REASON_LABEL=REASON_LABEL, STATE_LABEL=STATE_LABEL)
kit.templates.env.filters["moment"] = lambda v: v.strftime("%Y-%m-%d %H:%M UTC") if v else ""
router = kit.router
CcoIdPath = Path(pattern=CCO_ID_PATTERN)


@router.get("/")
async def home(request: Request, principal: Principal = Depends(kit.ui_principal)) -> Response:
    return kit.redirect(request, f"/people/{quote(principal.sub, safe='')}")


@router.get("/people/{cco_id}")
async def person_page(
    request: Request,
    cco_id: str = CcoIdPath,
    message: str | None = Query(None, max_length=500),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(kit.ui_principal),
) -> Response:
    db = runtime.db
    await own_only(principal, db, cco_id)  # self and staff; their admin 403, anyone else 404
    person = await use_cases.get_individual(db, cco_id)
    _, associations = await use_cases.associations_of(db, cco_id)
    _, duplicates = await use_cases.duplicates_for(db, cco_id)
    _, requests = await use_cases.merge_requests_of(db, cco_id)
    current = next((a for a in associations if a.active), None)
    pending = {r.retire for r in requests if r.state == "pending"}
    return kit.render(
        request, "me.html", person=person, current=current, associations=associations, duplicates=duplicates,
        requests=requests, pending=pending, message=message, own=principal.sub in (person.cco_id, *person.retired_ids),
        today=await runtime.clock.today(),
    )


@router.post("/people/{cco_id}/grants/{be_geo_id}")
async def change_grant(
    request: Request,
    cco_id: str = CcoIdPath,
    be_geo_id: str = Path(pattern=BE_GEO_ID_PATTERN),
    action: str = Form(..., pattern="^(grant|revoke)$"),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(kit.ui_principal),
) -> Response:
    person = await use_cases.get_individual(runtime.db, cco_id)
    person_writable(principal, person, cco_id)
    if action == "grant":
        await use_cases.grant_access(runtime.db, today=await runtime.clock.today(), cco_id=cco_id, be_geo_id=be_geo_id)
        message = f"The admins of partner {be_geo_id} may now see your profile, certifications and exam history."
    else:
        await use_cases.revoke_access(runtime.db, today=await runtime.clock.today(), cco_id=cco_id, be_geo_id=be_geo_id)
        message = f"The admins of partner {be_geo_id} no longer see your exam history."
    return kit.redirect(request, f"/people/{quote(person.cco_id, safe='')}", message)


@router.post("/people/{cco_id}/merge-requests")
async def ask_merge(
    request: Request,
    cco_id: str = CcoIdPath,
    retire: str = Form(..., pattern=CCO_ID_PATTERN),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(kit.ui_principal),
) -> Response:
    person = await use_cases.get_individual(runtime.db, cco_id)
    person_writable(principal, person, cco_id)
    asked = await use_cases.request_merge(
        runtime.db, today=await runtime.clock.today(), cco_id=cco_id, retire=retire, requested_by=principal.sub,
        base_url=public_base(request, runtime), ttl=link_ttl(runtime),
    )
    message = (
        f"We sent a link to the e-mail address of {asked.retire}. Open it and press “Merge” before "
        f"{asked.expires_at:%Y-%m-%d %H:%M} UTC: only then is {asked.retire} merged into {asked.survivor}."
    )
    return kit.redirect(request, f"/people/{quote(person.cco_id, safe='')}", message)


@router.get("/merge-confirmation")
async def merge_confirmation_page(
    request: Request,
    token: str = Query(..., pattern=TOKEN),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal | None = Depends(kit.optional_principal),
) -> Response:
    """What the mailed link opens: it shows what would be merged and asks; opening it merges nothing (mail
    scanners open links too)."""
    link = await use_cases.merge_link(runtime.db, token)
    if link.state != "pending":
        detail, slug = use_cases.link_refusal(link.state)
        raise Conflict(detail, slug=slug)
    return kit.render(request, "confirm.html", link=link, token=token)


@router.post("/merge-confirmation")
async def confirm_merge(
    request: Request,
    token: str = Form(..., pattern=TOKEN),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal | None = Depends(kit.optional_principal),
) -> Response:
    done, _, retired = await use_cases.confirm_merge(runtime.db, token, today=await runtime.clock.today())
    return kit.render(request, "merged.html", link=done, retired=retired)


kit.add_not_found()
