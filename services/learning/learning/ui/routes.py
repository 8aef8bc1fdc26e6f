"""The CL View pages (CL-10, SP-7..SP-13, NO-4): server-rendered HTML under ``/ui/``.

Sign-in keeps the bearer token in an HttpOnly, SameSite=Strict cookie (an ``Authorization`` header
is accepted too). Every form carries a token and every post is checked for its origin and token
(``learning.ui.csrf``); the security headers come from the platform (``partnerhub.http``). The pages
enforce the API's rules (``learning.api.access``): an individual without an admin role sees no point
totals (403 page), another partner answers 404, PAMs see their partners, program staff see
everything. Errors are HTML pages, never problem+json.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from datetime import date
from pathlib import Path as FilePath
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from learning.api.access import ensure_sees_partner
from learning.api.points import csv_response
from learning.api.schemas import PARTNER_PATTERN, SPEC_PATTERN
from learning.domain.alerts import live_alerts
from learning.reads import pages, points
from learning.ui.csrf import CsrfGuard
from partnerhub.auth import Principal, mint_token
from partnerhub.errors import Forbidden, NotFound, Problem, Unauthenticated
from partnerhub.logging import get_logger
from partnerhub.policy import PartnerRight, partners_with
from partnerhub.service import ServiceRuntime, runtime_of, today_of

log = get_logger(__name__)
HERE = FilePath(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
COOKIE = "partnerhub_ui"
csrf = CsrfGuard(session_cookie=COOKIE)  # forged posts refused: learning.ui.csrf
STATIC = {"ui.css": "text/css; charset=utf-8"}
TOKEN_TTL = 8 * 3600
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
templates.env.globals.update(STATUS_LABEL=STATUS_LABEL, ICON_LABEL=ICON_LABEL, LEVEL_LABEL=LEVEL_LABEL)
templates.env.filters["level"] = lambda v: LEVEL_LABEL.get(v or "", (v or "").replace("_", " ").title())


class SignInRequired(Exception):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or "")
        self.message = message


def base_of(request: Request) -> str:
    return f"{request.scope.get('root_path', '')}/ui"


def start_page(request: Request, principal: Principal | None) -> tuple[str, str]:
    """Where "back" leads: the start page of someone who sees points, else the sign-in page (the start
    page would only answer 403 again)."""
    if principal is not None and partners_with(principal, PartnerRight.SEE_POINTS) != frozenset():
        return f"{base_of(request)}/", "Back to the start page"
    if principal is not None:
        return f"{base_of(request)}/sign-in", "Sign in as someone else"
    return f"{base_of(request)}/sign-in", "Sign in"


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    principal = getattr(request.state, "ui_principal", None)
    start_url, start_label = start_page(request, principal)
    response = templates.TemplateResponse(
        request,
        template,
        {"base": base_of(request), "principal": principal, "who": getattr(request.state, "ui_name", None),
         "csrf_token": csrf.form_token(request), "start_url": start_url, "start_label": start_label, **context},
        status_code=status_code,
    )
    response.headers["Cache-Control"] = "no-store"
    csrf.set_cookie(request, response, path=cookie_path(request))
    return response


# a rule's ID in brackets, e.g. " (CL-10)" or " (SP-7, SP-8)": for the program's documents, not for partners
RULE_IDS = re.compile(r"\s*\((?:[A-Z]{2}-\d+[a-z]?(?:\s*(?:,|;|and|to|-|–)\s*)?)+\)")


def in_words(text: str) -> str:
    """``text`` without rule IDs: what the pages say is meant for partners, in their words."""
    return RULE_IDS.sub("", text)


def error_page(request: Request, status: int, title: str, detail: str) -> Response:
    return render(request, "error.html", status_code=status, title=title, status=status, detail=in_words(detail))


class HtmlRoute(APIRoute):
    """Turns the platform's problems (and invalid input) into HTML error pages for these routes."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                await csrf.check(request)
                return await handler(request)
            except SignInRequired as exc:
                target = f"{base_of(request)}/sign-in"
                if exc.message:
                    target += f"?message={quote(exc.message)}"
                response = RedirectResponse(target, status_code=303)
                if request.cookies.get(COOKIE):
                    response.delete_cookie(COOKIE, path=cookie_path(request))
                return response
            except Problem as exc:
                return error_page(request, exc.status, exc.title, exc.detail)
            except RequestValidationError as exc:
                where = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors()[:5])
                return error_page(request, 422, "Invalid request", f"The request is not valid: {where}")

        return route


router = APIRouter(prefix="/ui", route_class=HtmlRoute, include_in_schema=False)


# authentication ---------------------------------------------------------------------------------
def cookie_path(request: Request) -> str:
    return base_of(request)


def token_of(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(COOKIE) or None


async def ui_principal(request: Request, runtime: ServiceRuntime = Depends(runtime_of)) -> Principal:
    token = token_of(request)
    if not token:
        raise SignInRequired()
    try:
        principal = runtime.auth.verify(token)
    except Unauthenticated as exc:
        raise SignInRequired(f"Please sign in again: {exc.detail}") from exc
    request.state.ui_principal = principal
    return principal


async def optional_principal(request: Request, runtime: ServiceRuntime = Depends(runtime_of)) -> Principal | None:
    token = token_of(request)
    if not token:
        return None
    try:
        principal = runtime.auth.verify(token)
    except Unauthenticated:
        return None
    request.state.ui_principal = principal
    return principal


def ensure_sees_points(principal: Principal) -> None:
    if partners_with(principal, PartnerRight.SEE_POINTS) == frozenset():
        raise Forbidden(
            "Continuous Learning points are shown to the partner's admins, its PAMs and program staff only. "
            "As an individual without an admin role you do not see point totals, not even your own."
        )


def signed_in(request: Request, token: str, target: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        max_age=TOKEN_TTL,
        path=cookie_path(request),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


# pages ------------------------------------------------------------------------------------------
@router.get("/static/{name}")
async def static(name: str) -> Response:
    if name not in STATIC:
        raise NotFound(f"No file {name}.")
    return FileResponse(HERE / "static" / name, media_type=STATIC[name], headers={"Cache-Control": "public, max-age=3600"})


@router.get("/sign-in")
async def sign_in_page(
    request: Request,
    message: str | None = Query(None, max_length=500),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal | None = Depends(optional_principal),
) -> Response:
    dev = bool(runtime.settings.dev_tokens)
    people = await pages.known_people(runtime.db) if dev else None
    return render(request, "sign_in.html", dev=dev, people=people, message=message, current=principal)


@router.post("/sign-in")
async def sign_in_as(
    request: Request,
    cco_id: str = Form(..., max_length=64),
    runtime: ServiceRuntime = Depends(runtime_of),
) -> Response:
    """Dev and demo only: sign in as a person learning knows, with the roles its projections hold."""
    if not runtime.settings.dev_tokens:
        raise Forbidden("Picking a person is for dev and demo mode only; paste a token from the identity provider.")
    cco_id = cco_id.strip()
    claims = await pages.claims_for(runtime.db, cco_id) if cco_id else None
    if claims is None:
        people = await pages.known_people(runtime.db)
        return render(
            request, "sign_in.html", status_code=422, dev=True, people=people, current=None,
            error=f"No person with CCO ID “{cco_id}” is known here.",
        )
    token = mint_token(
        runtime.settings, claims.sub, claims.roles, admin_of=claims.admin_of, pam_of=claims.pam_of, ttl_seconds=TOKEN_TTL
    )
    log.info("ui dev sign-in", sub=claims.sub, roles=list(claims.roles))
    return signed_in(request, token, f"{base_of(request)}/")


@router.post("/sign-in/token")
async def sign_in_with_token(
    request: Request, token: str = Form(..., max_length=16_000), runtime: ServiceRuntime = Depends(runtime_of)
) -> Response:
    token = token.strip().removeprefix("Bearer ").strip()
    try:
        runtime.auth.verify(token)
    except Unauthenticated as exc:
        people = await pages.known_people(runtime.db) if runtime.settings.dev_tokens else None
        return render(
            request, "sign_in.html", status_code=401, dev=bool(runtime.settings.dev_tokens), people=people,
            current=None, error=f"That token was not accepted. {exc.detail}",
        )
    return signed_in(request, token, f"{base_of(request)}/")


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    response = RedirectResponse(f"{base_of(request)}/sign-in?message={quote('You are signed out.')}", status_code=303)
    response.delete_cookie(COOKIE, path=cookie_path(request), httponly=True, samesite="strict")
    return response


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
    today: date = Depends(today_of),
    principal: Principal = Depends(ui_principal),
) -> Response:
    """The PAM page: the partners assigned to the PAM (staff: every partner), by risk."""
    ensure_sees_points(principal)
    visible = partners_with(principal, PartnerRight.SEE_POINTS)
    ids = None if visible is None else sorted(visible)
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
    today: date = Depends(today_of),
    principal: Principal = Depends(ui_principal),
) -> Response:
    ensure_sees_points(principal)
    ensure_sees_partner(principal, be_geo_id)
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
    today: date = Depends(today_of),
    principal: Principal = Depends(ui_principal),
) -> Response:
    ensure_sees_points(principal)
    ensure_sees_partner(principal, be_geo_id)
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
    today: date = Depends(today_of),
    principal: Principal = Depends(ui_principal),
) -> Response:
    """The CSV of ``GET /v1/partners/{be_geo_id}/cl-view?format=csv&header=titles``: for a spreadsheet, so
    the first line names the columns in words (the API's default first line holds the stable keys)."""
    ensure_sees_points(principal)
    ensure_sees_partner(principal, be_geo_id)
    view = await points.cl_view(runtime.db, be_geo_id, today=today, people_limit=None, specialization=specialization)
    return csv_response(view, titles=True)


@router.get("/{rest:path}")
async def not_found(request: Request, rest: str, principal: Principal | None = Depends(optional_principal)) -> Response:
    return error_page(request, 404, "Not found", "There is no page at this address.")



