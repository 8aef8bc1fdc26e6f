"""``/verify``: anyone types a certificate number or pastes a credential and reads valid / expired /
revoked with the certification and its dates, nothing else of the person (CE-3).

A read with no session, so the form is a GET (nothing to forge); the answer's status is the API's
(200, 404 for an unknown certificate, 422 for bad input or a credential that does not verify). The
page is self-contained (its template and stylesheet) so that it can move onto a shared page kit.
"""

from __future__ import annotations

from pathlib import Path as FilePath

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from certification.api.credentials import verify_input
from certification.api.schemas import VerificationIn
from certification.settings import CertificationSettings
from partnerhub.errors import Problem
from partnerhub.service import ServiceRuntime, runtime_of

HERE = FilePath(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(prefix="/verify", include_in_schema=False)
MAX_CREDENTIAL = 16_384


@router.get("", response_class=HTMLResponse)
async def verify_page(
    request: Request,
    number: str = Query("", max_length=64),
    credential: str = Query("", max_length=MAX_CREDENTIAL),
    runtime: ServiceRuntime = Depends(runtime_of),
) -> HTMLResponse:
    number, credential = number.strip(), credential.strip()
    context = {
        "base": f"{request.scope.get('root_path', '')}/verify",
        "issuer_name": runtime.settings_as(CertificationSettings).credential_issuer_name,
        "number": number,
        "credential": credential if not number else "",
        "verdict": None,
        "problem": None,
    }
    status = 200
    if number or credential:
        try:
            body = VerificationIn(certificate_number=number) if number else VerificationIn(credential=credential)
            context["verdict"] = await verify_input(runtime, body)
        except ValidationError:
            status = 422
            context["problem"] = {
                "title": "Not a certificate number or credential",
                "detail": "Type the number as printed (PH-XXXX-XXXX-XXXX), or paste the whole credential.",
            }
        except Problem as problem:
            status = problem.status
            context["problem"] = {"title": problem.title, "detail": problem.detail}
    return templates.TemplateResponse(request, "verify.html", context, status_code=status)


@router.get("/verify.css")
async def stylesheet() -> FileResponse:
    return FileResponse(HERE / "static" / "verify.css", media_type="text/css; charset=utf-8")
