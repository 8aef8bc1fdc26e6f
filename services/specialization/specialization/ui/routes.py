"""The applications pages (SP-2..SP-12, the seeds' "Partner Management and Application"): server-rendered
HTML under ``/ui/`` on the platform's page kit (``partnerhub.ui``: sign-in by token cookie, CSRF, error pages).

A partner's admins (and program staff) see the partner's specializations with their status, apply or renew
with a drop-down of the qualifying members per job role (SP-6, the previous holder pre-selected) and the
members who do not qualify with what they miss (SP-3/SP-4/SP-5); a refusal lists every unmet requirement and
the requirements version. The renewal window (SP-9) and the 18-month block (SP-12) are shown as dates. PAMs
see the status only; another partner answers 404 and an individual 403, as the API does
(``specialization.api.access``). Every figure comes from the API's own use cases and queries.
"""

from __future__ import annotations

import re
from pathlib import Path as FilePath
from typing import Any

from fastapi import Depends, Form, Path, Query, Request
from fastapi.responses import Response

from partnerhub.auth import Principal
from partnerhub.errors import Forbidden, NotFound, Problem, Unprocessable
from partnerhub.policy import PartnerRight, partners_with
from partnerhub.service import ServiceRuntime, runtime_of
from partnerhub.ui import PageKit
from specialization import repository
from specialization.api.access import require_act, require_view
from specialization.api.schemas import RoleName
from specialization.settings import SpecializationSettings
from specialization.use_cases import applications, queries

HERE = FilePath(__file__).parent
PARTNER = r"^[A-Za-z0-9._-]{1,64}$"
CCO_ID = re.compile(r"^[A-Za-z0-9._@+-]{1,64}$")

STATUS_LABEL = {
    "approved": "Approved",
    "renewal_window": "Renewal window open",
    "grace": "Grace period",
    "lost": "Lost",
    "reactivated": "Reactivated",
}
LEVEL_LABEL = {
    "advanced_architecture": "Advanced Architecture",
    "advanced_technology": "Advanced Technology",
    "express": "Express",
    "atp": "ATP",
}
# what an unmet requirement is about, in words (the rule IDs are for the program's documents)
RULE_LABEL = {
    "ID-1": "Not a current member",
    "SP-2": "Job role not filled",
    "SP-3": "Does not qualify",
    "SP-5": "Already holds the most roles allowed",
    "SP-11": "Reactivation not possible yet",
    "SP-12": "New application blocked after a loss",
}


def start_page(request: Request, principal: Principal | None, base: str) -> tuple[str, str]:
    if principal is not None and partners_with(principal, PartnerRight.SEE) != frozenset():
        return f"{base}/", "Back to the start page"
    if principal is not None:
        return f"{base}/sign-in", "Sign in as someone else"
    return f"{base}/sign-in", "Sign in"


kit = PageKit(title="Specializations", templates_dir=HERE / "templates", start_page=start_page)
kit.templates.env.globals.update(STATUS_LABEL=STATUS_LABEL, LEVEL_LABEL=LEVEL_LABEL, RULE_LABEL=RULE_LABEL)
router = kit.router


def may_act(principal: Principal, be_geo_id: str) -> bool:
    acting = partners_with(principal, PartnerRight.ACT)
    return acting is None or be_geo_id in acting


@router.get("/")
async def home(request: Request, principal: Principal = Depends(kit.ui_principal)) -> Response:
    seen = partners_with(principal, PartnerRight.SEE)
    if seen == frozenset():
        raise Forbidden(
            "A partner's specializations are shown to its admins, its PAMs and program staff only (an individual "
            "without an admin role sees none)."
        )
    if seen is not None and len(seen) == 1:
        (only,) = seen
        return kit.redirect(request, f"/partners/{only}")
    return kit.render(request, "home.html", partners=sorted(seen) if seen is not None else None)


@router.get("/partners")
async def pick_partner(
    request: Request,
    be_geo_id: str = Query(..., pattern=PARTNER, description="the partner to open"),
    principal: Principal = Depends(kit.ui_principal),
) -> Response:
    require_view(principal, be_geo_id)
    return kit.redirect(request, f"/partners/{be_geo_id}")


@router.get("/partners/{be_geo_id}")
async def partner_page(
    request: Request,
    be_geo_id: str = Path(pattern=PARTNER),
    message: str | None = Query(None, max_length=500),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(kit.ui_principal),
) -> Response:
    require_view(principal, be_geo_id)
    db = runtime.db
    today = await runtime.clock.today()
    held = await queries.statuses(db, runtime.settings_as(SpecializationSettings), today, be_geo_id)
    async with db.engine.connect() as conn:
        catalog = await repository.all_versions(conn)
    held_codes = {s["specialization"] for s in held}
    others = [
        {"code": code, "name": v.in_force(today).name, "level": v.in_force(today).level}
        for code, v in sorted(catalog.items()) if code not in held_codes
    ]
    can_act = may_act(principal, be_geo_id)
    refills: dict[tuple[str, str], dict[str, Any]] = {}
    if can_act:  # SP-6, SP-14: a vacant role of a held specialization is refilled from its qualifying members
        pol = runtime.settings_as(SpecializationSettings)
        for s in held:
            if s["status"] != "lost":
                for r in s["roles"]:
                    if r["vacant"]:
                        found = await queries.candidates(db, pol, today, be_geo_id, s["specialization"], r["role"], with_missing=True)
                        refills[(s["specialization"], r["role"])] = found
    return kit.render(
        request, "partner.html", be_geo_id=be_geo_id, held=held, others=others, today=today, message=message,
        can_act=can_act, refills=refills,
    )


async def _application_form(runtime: ServiceRuntime, be_geo_id: str, code: str) -> dict[str, Any]:
    db, pol = runtime.db, runtime.settings_as(SpecializationSettings)
    today = await runtime.clock.today()
    async with db.engine.connect() as conn:
        history = await repository.versions(conn, code)
        row = await repository.partner_specialization(conn, be_geo_id, code)
    if history is None:
        raise NotFound(f"No specialization {code} in the catalog.", code=code)
    spec = history.in_force(today)  # SP-3: an application is judged by the version in force on the day
    state = repository.state_of(row) if row is not None else None
    roles = [await queries.candidates(db, pol, today, be_geo_id, code, role, with_missing=True) for role in spec.roles]
    return {
        "spec": spec, "roles": roles, "today": today, "state": state,
        "status": (await queries.statuses(db, pol, today, be_geo_id, code))[0] if row is not None else None,
    }


@router.get("/partners/{be_geo_id}/specializations/{code}/apply")
async def application_page(
    request: Request,
    be_geo_id: str = Path(pattern=PARTNER),
    code: str = Path(pattern=PARTNER),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(kit.ui_principal),
) -> Response:
    require_act(principal, be_geo_id)
    form = await _application_form(runtime, be_geo_id, code)
    return kit.render(request, "apply.html", be_geo_id=be_geo_id, code=code, chosen=None, **form)


@router.post("/partners/{be_geo_id}/specializations/{code}/apply")
async def submit_application(
    request: Request,
    be_geo_id: str = Path(pattern=PARTNER),
    code: str = Path(pattern=PARTNER),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(kit.ui_principal),
) -> Response:
    require_act(principal, be_geo_id)
    sent = await request.form()
    form = await _application_form(runtime, be_geo_id, code)
    chosen: dict[str, str] = {}
    for role in form["spec"].roles:
        value = sent.get(f"role_{role}")
        if isinstance(value, str) and value.strip():
            if not CCO_ID.match(value.strip()):
                raise Unprocessable(f"The person chosen for {role} is not a CCO ID.", slug="invalid-request")
            chosen[role] = value.strip()
    try:
        outcome = await applications.apply(runtime.db, runtime.settings_as(SpecializationSettings), form["today"], be_geo_id, code, chosen, principal.sub)
    except Problem as exc:
        if exc.status != 422 or "unmet" not in exc.extensions:
            raise
        return kit.render(
            request, "apply.html", status_code=422, be_geo_id=be_geo_id, code=code, chosen=chosen,
            refused=exc.extensions["unmet"], refused_version=exc.extensions.get("requirements_version"), **form,
        )
    what = "reactivated" if outcome.kind == "reactivation" else "approved"
    return kit.redirect(
        request, f"/partners/{be_geo_id}",
        f"{form['spec'].name} is {what} on {outcome.approved_on} (judged by requirements version {outcome.requirements_version}).",
    )


@router.post("/partners/{be_geo_id}/specializations/{code}/renewal")
async def submit_renewal(
    request: Request,
    be_geo_id: str = Path(pattern=PARTNER),
    code: str = Path(pattern=PARTNER),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(kit.ui_principal),
) -> Response:
    require_act(principal, be_geo_id)
    pol, today = runtime.settings_as(SpecializationSettings), await runtime.clock.today()
    try:
        version = await applications.submit_renewal(runtime.db, pol, today, be_geo_id, code, principal.sub)
    except Problem as exc:
        if exc.status != 422 or "unmet" not in exc.extensions:
            raise
        status = (await queries.statuses(runtime.db, pol, today, be_geo_id, code))[0]
        return kit.render(
            request, "renewal_refused.html", status_code=422, be_geo_id=be_geo_id, s=status,
            refused=exc.extensions["unmet"], refused_version=exc.extensions.get("requirements_version"),
        )
    return kit.redirect(request, f"/partners/{be_geo_id}", f"The renewal of {code} is submitted (requirements version {version}).")


@router.post("/partners/{be_geo_id}/specializations/{code}/roles/{role}")
async def refill_role(
    request: Request,
    role: RoleName,
    be_geo_id: str = Path(pattern=PARTNER),
    code: str = Path(pattern=PARTNER),
    cco_id: str = Form(..., min_length=1, max_length=64, pattern=CCO_ID.pattern),
    runtime: ServiceRuntime = Depends(runtime_of),
    principal: Principal = Depends(kit.ui_principal),
) -> Response:
    """The API's ``PUT …/roles/{role}`` (SP-5, SP-14): a refusal lists every unmet requirement, nothing changes."""
    require_act(principal, be_geo_id)
    pol, today = runtime.settings_as(SpecializationSettings), await runtime.clock.today()
    try:
        await applications.refill(runtime.db, pol, today, be_geo_id, code, role, cco_id, principal.sub)
    except Problem as exc:
        if exc.status != 422 or "unmet" not in exc.extensions:
            raise
        status = (await queries.statuses(runtime.db, pol, today, be_geo_id, code))[0]
        return kit.render(
            request, "renewal_refused.html", status_code=422, be_geo_id=be_geo_id, s=status, what=f"{role} not filled",
            refused=exc.extensions["unmet"], refused_version=exc.extensions.get("requirements_version"),
        )
    return kit.redirect(request, f"/partners/{be_geo_id}", f"{cco_id} now fills {role} of {code}.")


kit.add_not_found()  # last: after every page
