"""The CL View pages (CL-10, SP-7..SP-13, NO-4): server-rendered HTML under ``/ui/``, on the platform's
page kit (``partnerhub.ui``): sign-in by token cookie, CSRF checks, error pages, the look. The pages
enforce the API's rules (``learning.api.access``): an individual without an admin role sees no point
totals (403 page), another partner answers 404, PAMs see their partners, program staff see
everything. Errors are HTML pages, never problem+json.
"""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import TypeAdapter

from learning.api import proofs as api_proofs
from learning.api.access import ensure_sees_partner
from learning.api.points import csv_response
from learning.api.schemas import ACTIVITY_ID_PATTERN, PARTNER_PATTERN, SPEC_PATTERN
from learning.domain.alerts import live_alerts
from learning.reads import pages, points
from learning.settings import LearningSettings
from learning.ui.csrf import LABEL
from learning.use_cases import library
from learning.use_cases import proofs as proofs_use_case
from partnerhub.auth import Principal
from partnerhub.errors import Forbidden, NotFound, Unprocessable
from partnerhub.inputs import BusinessDate, Reason
from partnerhub.logging import get_logger
from partnerhub.policy import PartnerRight, partners_with
from partnerhub.service import ServiceRuntime, runtime_of
from partnerhub.ui import FunctionPeople, PageKit

log = get_logger(__name__)
HERE = FilePath(__file__).parent
PEOPLE_SHOWN = 500
OVERVIEW_LIMIT = 500

STATUS_LABEL = {
    "approved": "Approved",
    "renewal_window": "Renewal window open",
    "grace": "Grace period",
    "lost": "Lost",
    "reactivated": "Reactivated",
}
# SP-13: the icon is specialization's (its grey months are its setting); None: not announced yet
ICON_LABEL = {
    "inactive": "Inactive (early in the period)",
    "on_target": "On target",
    "behind": "Behind",
    "not_applicable": "No points required",
    None: "Not known yet",
}
LEVEL_LABEL = {
    "advanced_architecture": "Advanced Architecture",
    "advanced_technology": "Advanced Technology",
    "express": "Express",
    "atp": "ATP",
}


def start_page(request: Request, principal: Principal | None, base: str) -> tuple[str, str]:
    """Where "back" leads: the start page of someone who sees points, else the sign-in page (the start
    page would only answer 403 again)."""
    if principal is not None and partners_with(principal, PartnerRight.SEE_POINTS) != frozenset():
        return f"{base}/", "Back to the start page"
    if principal is not None:
        return f"{base}/sign-in", "Sign in as someone else"
    return f"{base}/sign-in", "Sign in"


kit = PageKit(
    title="Continuous Learning View",
    templates_dir=HERE / "templates",
    people=FunctionPeople(pages.known_people, pages.claims_for),
    start_page=start_page,
    csrf_label=LABEL,  # forged posts refused: partnerhub.ui.csrf
)
kit.templates.env.globals.update(STATUS_LABEL=STATUS_LABEL, ICON_LABEL=ICON_LABEL, LEVEL_LABEL=LEVEL_LABEL)
kit.templates.env.filters["level"] = lambda v: LEVEL_LABEL.get(v or "", (v or "").replace("_", " ").title())
router = kit.router
render = kit.render
ui_principal = kit.ui_principal


def ensure_sees_points(principal: Principal) -> None:
    if partners_with(principal, PartnerRight.SEE_POINTS) == frozenset():
        raise Forbidden(
            "Continuous Learning points are shown to the partner's admins, its PAMs and program staff only. "
            "As an individual without an admin role you do not see point totals, not even your own."
        )


def base_of(request: Request) -> str:
    return kit.base_of(request)


# pages ------------------------------------------------------------------------------------------
@router.get("/")
async def home(
    request: Request,
    q: str | None = Query(None, max_length=100, description="search partners (program staff)"),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(ui_principal),
) -> Response:
    ensure_sees_points(principal)
    base = base_of(request)
    if principal.is_staff:
        found = await pages.all_partners(runtime.db, (q or "").strip() or None, 200)
        return render(request, "staff_home.html", partners=found, q=q or "")
    partners = partners_with(principal, PartnerRight.SEE_POINTS) or frozenset()
    if len(partners) != 1:
        return RedirectResponse(f"{base}/pam", status_code=303)
    (only,) = partners
    return RedirectResponse(f"{base}/partners/{quote(only)}", status_code=303)


@router.get("/partners")
async def pick_partner(
    request: Request,
    be_geo_id: str = Query(..., pattern=PARTNER_PATTERN, description="the partner to open"),
    principal: Principal = Depends(ui_principal),
) -> Response:
    """The staff picker's target (a GET form): straight to the partner's summary."""
    ensure_sees_points(principal)
    ensure_sees_partner(principal, be_geo_id)
    return RedirectResponse(f"{base_of(request)}/partners/{quote(be_geo_id)}", status_code=303)


@router.get("/pam")
async def partners_overview(
    request: Request,
    sort: str = Query("risk", pattern="^(risk|partner|name)$"),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(ui_principal),
) -> Response:
    """The PAM page: the partners assigned to the PAM (staff: every partner), by risk."""
    ensure_sees_points(principal)
    visible = partners_with(principal, PartnerRight.SEE_POINTS)
    ids = None if visible is None else sorted(visible)
    today = await runtime.clock.today()
    rows = await pages.overview(runtime.db, ids, today, OVERVIEW_LIMIT)
    if sort == "risk":
        rows.sort(key=lambda r: r["sort_key"])
    elif sort == "name":
        rows.sort(key=lambda r: ((r["name"] or "").lower() or "~", r["be_geo_id"]))
    else:
        rows.sort(key=lambda r: r["be_geo_id"])
    return render(request, "pam.html", rows=rows, sort=sort, today=today, limited=principal.is_staff and len(rows) >= OVERVIEW_LIMIT)


ACTIVE = frozenset({"approved", "renewal_window", "grace", "reactivated"})  # lost: no points are due


def _decorate(
    spec: dict[str, Any], note: dict[str, Any] | None, alerts: list[dict[str, Any]], today: Any, name: str | None
) -> dict[str, Any]:
    vacant, at_risk = live_alerts(alerts, today)
    required, earned = spec["points_required"], spec["points_earned"]
    return {
        **spec,
        "name": name,  # specialization's, as announced (None: not yet; the code is shown)
        "active": spec["status"] in ACTIVE,
        "note": note or {},
        "grace_days_left": pages.grace_days_left(note, today) if spec["status"] == "grace" else None,
        "percent": min(100, round(100 * earned / required)) if required else None,
        "vacant": vacant,
        "at_risk": at_risk,
    }


@router.get("/partners/{be_geo_id}")
async def summary(
    request: Request,
    be_geo_id: str = Path(pattern=PARTNER_PATTERN),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(ui_principal),
) -> Response:
    ensure_sees_points(principal)
    ensure_sees_partner(principal, be_geo_id)
    today = await runtime.clock.today()
    view = await points.cl_view(runtime.db, be_geo_id, today=today, people_limit=0)
    notes, alerts = await pages.notes_and_alerts(runtime.db, be_geo_id)
    names = await pages.partner_names(runtime.db, [be_geo_id])
    spec_names = await pages.specialization_names_of(runtime.db, [s["specialization"] for s in view["specializations"]])
    specs = [
        _decorate(s, notes.get(s["specialization"]), alerts.get(s["specialization"], []), today, spec_names.get(s["specialization"]))
        for s in view["specializations"]
    ]
    return render(
        request, "summary.html", be_geo_id=be_geo_id, partner_name=names.get(be_geo_id), view=view, specs=specs, today=today
    )


@router.get("/partners/{be_geo_id}/specializations/{specialization}")
async def detail(
    request: Request,
    be_geo_id: str = Path(pattern=PARTNER_PATTERN),
    specialization: str = Path(pattern=SPEC_PATTERN),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(ui_principal),
) -> Response:
    ensure_sees_points(principal)
    ensure_sees_partner(principal, be_geo_id)
    today = await runtime.clock.today()
    view = await points.cl_view(runtime.db, be_geo_id, today=today, people_limit=PEOPLE_SHOWN, specialization=specialization)
    if not view["specializations"]:
        raise NotFound(f"Partner {be_geo_id} has no specialization {specialization}.")
    (spec,) = view["specializations"]
    notes, alerts = await pages.notes_and_alerts(runtime.db, be_geo_id)
    spec_names = await pages.specialization_names_of(runtime.db, [specialization])
    spec = _decorate(spec, notes.get(specialization), alerts.get(specialization, []), today, spec_names.get(specialization))
    shown = [p["cco_id"] for p in spec["people"]] + [p["cco_id"] for p in spec["previous_employees"]["people"]]
    earned_by = await pages.activities_of(runtime.db, be_geo_id, specialization, spec["period"], shown)
    names = await pages.partner_names(runtime.db, [be_geo_id])
    return render(
        request, "detail.html", be_geo_id=be_geo_id, partner_name=names.get(be_geo_id), spec=spec, view=view,
        activities=earned_by, today=today, people_shown=PEOPLE_SHOWN,
    )


@router.get("/partners/{be_geo_id}/cl-view.csv")
async def export_csv(
    be_geo_id: str = Path(pattern=PARTNER_PATTERN),
    specialization: str | None = Query(None, pattern=SPEC_PATTERN),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(ui_principal),
) -> Response:
    """The CSV of ``GET /v1/partners/{be_geo_id}/cl-view?format=csv&header=titles``: for a spreadsheet, so
    the first line names the columns in words (the API's default first line holds the stable keys)."""
    ensure_sees_points(principal)
    ensure_sees_partner(principal, be_geo_id)
    today = await runtime.clock.today()
    view = await points.cl_view(runtime.db, be_geo_id, today=today, people_limit=None, specialization=specialization)
    return csv_response(view, titles=True)


# proofs of attendance (CL-5) -------------------------------------------------------------------
@router.get("/proofs")
async def my_proofs(
    request: Request,
    message: str | None = Query(None, max_length=500),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(ui_principal),
) -> Response:
    """The Cisco Live proof form and the review state of the person's proofs."""
    today = await runtime.clock.today()
    return render(
        request, "proofs.html", today=today, message=message,
        choices=await pages.proof_choices(runtime.db, principal.sub, today),
        proofs=await pages.proofs_of(runtime.db, principal.sub),
    )


@router.post("/proofs", dependencies=[Depends(api_proofs.refuse_oversized)])
async def submit_proof(
    request: Request,
    *,
    event: Annotated[api_proofs.EventName, Form()],
    specialization: Annotated[str, Form(pattern=SPEC_PATTERN)],
    attended_on: Annotated[BusinessDate, Form()],
    file: Annotated[UploadFile, File()],
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(ui_principal),
) -> Response:
    """The API's submission (``POST /v1/proofs``) for the person signed in: the same checks, the same answers."""
    proof = await api_proofs.submit(
        cco_id=principal.sub, event=event, specialization=specialization, attended_on=attended_on, activity_id=None,
        file=file, runtime=runtime, today=await runtime.clock.today(), settings=runtime.settings_as(LearningSettings),
        principal=principal,
    )
    return kit.redirect(request, "/proofs", f"Your proof for {proof.event} is submitted; program staff review it.")


@router.get("/proofs/{proof_id}/file")
async def proof_file(
    proof_id: str = Path(pattern=r"^[0-9a-f-]{36}$"),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(ui_principal),
) -> Response:
    return await api_proofs.read_file(proof_id=proof_id, runtime=runtime, principal=principal)


# staff review: proofs (CL-5) and library items (CL-1) ---------------------------------------------
def ensure_staff(principal: Principal) -> None:
    if not principal.is_staff:
        raise Forbidden("The review pages are for program staff only.")


@router.get("/review")
async def review(
    request: Request,
    message: str | None = Query(None, max_length=500),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(ui_principal),
) -> Response:
    ensure_staff(principal)
    return render(
        request, "review.html", message=message, today=await runtime.clock.today(),
        proofs=await proofs_use_case.list_proofs(runtime.db, "submitted", 200, 0),
        drafts=await library.list_drafts(runtime.db),
    )


@router.post("/review/proofs/{proof_id}/{decision}")
async def decide_proof(
    request: Request,
    proof_id: str = Path(pattern=r"^[0-9a-f-]{36}$"),
    decision: str = Path(pattern="^(accept|reject)$"),
    reason: Annotated[str, Form(max_length=1000)] = "",
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(ui_principal),
) -> Response:
    ensure_staff(principal)
    said = TypeAdapter(Reason).validate_python(reason.strip()) if reason.strip() else None
    if decision == "reject" and said is None:
        raise Unprocessable("Say why the proof is rejected: the attendee reads the reason.", slug="reason-required")
    award = runtime.settings_as(LearningSettings).proof_points
    record = await proofs_use_case.decide(
        runtime.db, proof_id, accept=decision == "accept", by=principal.sub, reason=said, points=award if decision == "accept" else 0
    )
    return kit.redirect(request, "/review", f"The proof of {record['cco_id']} for {record['event']} is {record['status']}.")


@router.post("/review/activities/{activity_id}/publish")
async def publish_activity(
    request: Request,
    activity_id: str = Path(pattern=ACTIVITY_ID_PATTERN),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(ui_principal),
) -> Response:
    ensure_staff(principal)
    published = await library.publish(runtime.db, activity_id, principal.sub)
    return kit.redirect(request, "/review", f"{(published.get('published') or {}).get('title') or activity_id} is published.")


kit.add_not_found()  # last: after every page
