"""Certificates anyone can verify (CE-3): the holder's PDF and Open Badges 3.0 credential, the public
keys (JWKS), the public verification, and revocation by program staff."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Depends, Path, Request, Response, status

from certification import certificate_pdf
from certification.api.schemas import (
    CERT_CODE_PATTERN,
    CredentialOut,
    RevocationIn,
    RevocationOut,
    VerificationIn,
    VerificationOut,
)
from certification.domain.credentials import (
    NUMBER_PATTERN,
    Issuer,
    Verdict,
    certificate_id_of,
    credential_id,
    jwt_claims,
    normal_number,
    open_badge,
)
from certification.domain.rows import CCO_ID_PATTERN
from certification.settings import CertificationSettings
from certification.use_cases import credentials
from partnerhub.auth import Principal, current_principal, require_roles
from partnerhub.errors import NotFound, Unprocessable
from partnerhub.service import ServiceRuntime, runtime_of, today_of

router = APIRouter(prefix="/v1", tags=["certificates"])
keys_router = APIRouter(tags=["certificates"])
CcoIdPath = Path(pattern=CCO_ID_PATTERN, description="a CCO ID (a retired one resolves to its survivor)")
CodePath = Path(pattern=CERT_CODE_PATTERN, description="a certification code")
NumberPath = Path(pattern=r"^[A-Za-z0-9 -]{12,24}$", description="a certificate number, e.g. PH-7K2M-9Q4T-XB3D")
VC_JWT = "application/vc+jwt"
PDF_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "the certificate", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
    409: {"description": "agreement not signed, certification not active, or certificate revoked"},
}
CREDENTIAL_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the credential; with `Accept: application/vc+jwt` the compact JWS alone",
        "content": {VC_JWT: {"schema": {"type": "string"}}},
    },
    409: {"description": "agreement not signed, certification not active, or certificate revoked"},
}
PUBLIC: dict[str, Any] = {"security": []}  # no sign-in: anyone may verify


def issuer_of(request: Request, runtime: ServiceRuntime) -> Issuer:
    """The issuer's URL: the configured public URL, else (dev and test) where this request arrived."""
    settings = runtime.settings_as(CertificationSettings)
    url = settings.credential_issuer_url or str(request.base_url)
    return Issuer(url.rstrip("/"), settings.credential_issuer_name)


def key_url(issuer: Issuer) -> str:
    return f"{issuer.url}/v1/credentials/keys"


@router.get(
    "/individuals/{cco_id}/certifications/{code}/certificate",
    summary="The current certificate as a PDF (the holder, program staff, their partner's admins with a grant)",
    response_class=Response,
    responses=PDF_RESPONSES,
)
async def get_certificate_pdf(
    request: Request,
    cco_id: str = CcoIdPath,
    code: str = CodePath,
    runtime: ServiceRuntime = Depends(runtime_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(current_principal),
) -> Response:
    return await certificate_pdf_response(request, runtime, today, principal, cco_id, code)


async def certificate_pdf_response(
    request: Request, runtime: ServiceRuntime, today: date, principal: Principal, cco_id: str, code: str
) -> Response:
    """The certificate as a PDF download (the API's and the pages' download both use it)."""
    facts = await credentials.certificate_to_download(runtime.db, today, principal, cco_id, code)
    content = certificate_pdf.render(facts, issuer_of(request, runtime))
    disposition = f'attachment; filename="certificate-{facts.number}.pdf"'  # [A-Z0-9-] only
    return Response(content, media_type="application/pdf", headers={"Content-Disposition": disposition})


@router.get(
    "/individuals/{cco_id}/certifications/{code}/credential",
    summary="The current certificate as an Open Badges 3.0 credential, signed as a VC-JWT (the holder, staff, "
    "admins with a grant)",
    response_model=CredentialOut,
    responses=CREDENTIAL_RESPONSES,
)
async def get_credential(
    request: Request,
    cco_id: str = CcoIdPath,
    code: str = CodePath,
    runtime: ServiceRuntime = Depends(runtime_of),
    today: date = Depends(today_of),
    principal: Principal = Depends(current_principal),
) -> Any:
    facts, credential, token = await signed_credential(request, runtime, today, principal, cco_id, code)
    if VC_JWT in request.headers.get("accept", ""):
        return credential_jwt_response(facts.number, token)
    return CredentialOut(
        certificate_number=facts.number, credential_id=credential_id(facts.certificate_id), jwt=token, credential=credential
    )


def credential_jwt_response(number: str, token: str) -> Response:
    """The compact VC-JWT as a download."""
    disposition = f'attachment; filename="credential-{number}.jwt"'
    return Response(token, media_type=VC_JWT, headers={"Content-Disposition": disposition})


async def signed_credential(
    request: Request, runtime: ServiceRuntime, today: date, principal: Principal, cco_id: str, code: str
) -> tuple[Any, dict[str, Any], str]:
    """The certificate's facts, its Open Badges 3.0 credential and that credential signed as a VC-JWT (the API's
    download and the pages' download both use it)."""
    facts = await credentials.certificate_to_download(runtime.db, today, principal, cco_id, code)
    issuer = issuer_of(request, runtime)
    credential = open_badge(facts, issuer)
    ring = await credentials.key_ring(runtime.db, runtime.settings_as(CertificationSettings))
    return facts, credential, ring.sign(jwt_claims(credential, datetime.now(UTC)), key_url(issuer))


@keys_router.get(
    "/.well-known/jwks.json",
    summary="The public keys that sign credentials (JWKS; no sign-in)",
    openapi_extra=PUBLIC,
)
async def get_jwks(request: Request, runtime: ServiceRuntime = Depends(runtime_of)) -> dict[str, Any]:
    ring = await credentials.key_ring(runtime.db, runtime.settings_as(CertificationSettings))
    return ring.jwks(key_url(issuer_of(request, runtime)))


@router.get(
    "/credentials/keys/{kid}",
    summary="One public key by its id, the URL a credential's `kid` names (JWK; no sign-in)",
    openapi_extra=PUBLIC,
)
async def get_key(
    request: Request,
    kid: str = Path(pattern=r"^[A-Za-z0-9_-]{16,64}$", description="the key's RFC 7638 thumbprint"),
    runtime: ServiceRuntime = Depends(runtime_of),
) -> dict[str, str]:
    ring = await credentials.key_ring(runtime.db, runtime.settings_as(CertificationSettings))
    key = ring.find(kid)
    if key is None:
        raise NotFound(f"No published key {kid}.")
    return ring.jwk(key, key_url(issuer_of(request, runtime)))


def _answer(verdict: Verdict, number: str, today: Any) -> VerificationOut:
    return VerificationOut(
        status=verdict.status,
        certification=verdict.certification,
        name=verdict.name,
        valid_from=verdict.valid_from,
        expires_on=verdict.expires_on,
        certificate_number=number,
        reason=verdict.reason,
        checked_on=today,
    )


async def verify_input(runtime: ServiceRuntime, body: VerificationIn) -> VerificationOut:
    """One of a certificate number, a credential id or a credential (VC-JWT) → the verification."""
    db = runtime.db
    today = await runtime.clock.today()
    if body.certificate_number is not None:
        number = normal_number(body.certificate_number)
        if number is None:
            raise Unprocessable("certificate_number is not a certificate number (PH-XXXX-XXXX-XXXX).", slug="invalid-certificate-number")
        verdict, found = await credentials.verify(db, today, number=number)
    elif body.credential_id is not None:
        certificate_id = certificate_id_of(body.credential_id)
        if certificate_id is None:
            raise Unprocessable("credential_id is not a credential id of this service (urn:uuid:…).", slug="invalid-credential-id")
        verdict, found = await credentials.verify(db, today, certificate_id=certificate_id)
    else:
        ring = await credentials.key_ring(db, runtime.settings_as(CertificationSettings))
        verdict, found = await credentials.verify_credential(db, today, ring, body.credential or "")
    return _answer(verdict, found, today)


@router.post(
    "/verifications",
    summary="Verify a certificate or credential: valid, expired or revoked, with the certification and its dates "
    "only (no sign-in)",
    openapi_extra=PUBLIC,
    responses={
        404: {"description": "no certificate with that number or credential id"},
        422: {"description": "not exactly one of the fields, or a credential that does not verify"},
    },
)
async def post_verification(body: VerificationIn, runtime: ServiceRuntime = Depends(runtime_of)) -> VerificationOut:
    return await verify_input(runtime, body)


@router.get(
    "/certificates/{number}/verification",
    summary="Verify a certificate by its number (no sign-in)",
    openapi_extra=PUBLIC,
)
async def get_verification(number: str = NumberPath, runtime: ServiceRuntime = Depends(runtime_of)) -> VerificationOut:
    return await verify_input(runtime, VerificationIn(certificate_number=number))


@router.put(
    "/certificates/{number}/revocation",
    status_code=status.HTTP_201_CREATED,
    summary="Revoke a certificate (program staff); its verification then answers revoked",
    responses={200: {"description": "already revoked: the first revocation stands"}},
)
async def put_revocation(
    body: RevocationIn,
    response: Response,
    number: str = Path(pattern=NUMBER_PATTERN, description="a certificate number"),
    runtime: ServiceRuntime = Depends(runtime_of),
    today: date = Depends(today_of),
    _staff: Principal = Depends(require_roles("program_staff")),
) -> RevocationOut:
    revocation, created = await credentials.revoke(runtime.db, today, number, body.reason)
    if not created:
        response.status_code = status.HTTP_200_OK
    return RevocationOut(**revocation)
