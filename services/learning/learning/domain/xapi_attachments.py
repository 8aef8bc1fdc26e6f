"""xAPI attachments (multipart/mixed, communication 1.5.2) and signed statements (data 2.6). Pure.

A request with attachment data is multipart/mixed: the first part is the statements as JSON, each further
part one attachment's bytes with its ``X-Experience-API-Hash`` (the SHA-256 the statement's ``sha2`` names).
Every attachment without ``fileUrl`` needs its part, and every part its attachment. A signature attachment
(usageType .../signature) is a JWS (RS256, RS384 or RS512) whose payload is the statement as it was signed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from learning.domain.xapi import StatementError

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
ALGORITHMS = ("RS256", "RS384", "RS512")
# what the LRS adds, or a client may leave out, after signing: not compared with the JWS payload
NOT_SIGNED = ("attachments", "authority", "stored", "version", "id", "timestamp")


@dataclass(frozen=True)
class Part:
    content_type: str
    sha2: str
    content: bytes


def boundary_of(content_type: str) -> str:
    for param in content_type.split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "boundary" and value.strip():
            return value.strip().strip('"')
    raise StatementError("a multipart/mixed request names its boundary in Content-Type")


def _headers(block: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in block.decode("latin-1").split("\r\n"):
        if line.strip():
            name, sep, value = line.partition(":")
            if not sep:
                raise StatementError(f"a multipart part has a malformed header line {line[:60]!r}")
            out[name.strip().lower()] = value.strip()
    return out


def parse_multipart(body: bytes, content_type: str) -> tuple[Any, list[Part]]:
    """The statements (JSON) of the first part and the attachment parts, or StatementError."""
    delimiter = b"--" + boundary_of(content_type).encode("latin-1")
    pieces = body.split(delimiter)
    if len(pieces) < 3 or not pieces[-1].startswith(b"--"):
        raise StatementError("the multipart body does not open and close with its boundary")
    parts = []
    for raw in pieces[1:-1]:
        if not raw.startswith(b"\r\n"):
            raise StatementError("a boundary line must end with CRLF")
        head, sep, content = raw[2:].partition(b"\r\n\r\n")
        if not sep:
            raise StatementError("a multipart part has no blank line after its headers")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        parts.append((_headers(head), content))
    first_headers, first = parts[0]
    if first_headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise StatementError("the first part of a multipart/mixed request is the statements, as application/json")
    if b"\x00" in first or b"\\u0000" in first:
        raise StatementError("the statements hold a NUL character")
    try:
        statements = json.loads(first)
    except (ValueError, UnicodeDecodeError) as exc:
        raise StatementError(f"the first part is not JSON ({exc})") from None
    out = []
    for headers, content in parts[1:]:
        sha2 = headers.get("x-experience-api-hash")
        if not sha2:
            raise StatementError("every attachment part carries X-Experience-API-Hash")
        if hashlib.sha256(content).hexdigest() != sha2.lower():
            raise StatementError(f"an attachment part's content does not have the hash {sha2[:64]}")
        if headers.get("content-transfer-encoding", "binary").lower() != "binary":
            raise StatementError("attachment parts are sent with Content-Transfer-Encoding: binary")
        out.append(Part(headers.get("content-type", "application/octet-stream"), sha2.lower(), content))
    return statements, out


def _declared(st: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(st.get("attachments") or [])
    obj = st.get("object")
    if isinstance(obj, dict) and obj.get("objectType") == "SubStatement":
        found += obj.get("attachments") or []
    return found


def check_parts(statements: list[dict[str, Any]], parts: list[Part]) -> dict[str, Part]:
    """Every attachment without fileUrl has its part; every part is an attachment's (communication 1.5.2)."""
    by_hash = {p.sha2: p for p in parts}
    needed: set[str] = set()
    declared: set[str] = set()
    for st in statements:
        for att in _declared(st):
            declared.add(str(att["sha2"]).lower())
            if "fileUrl" not in att:
                needed.add(str(att["sha2"]).lower())
    missing = needed - set(by_hash)
    if missing:
        raise StatementError(f"no part holds the attachment with sha2 {sorted(missing)[0][:64]}")
    excess = set(by_hash) - declared
    if excess:
        raise StatementError(f"a part ({sorted(excess)[0][:64]}) is no statement's attachment")
    return by_hash


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def check_signatures(statements: list[dict[str, Any]], parts: dict[str, Part]) -> None:
    """Data 2.6: a signature attachment is an application/octet-stream JWS, RS256/384/512, whose payload is
    the statement as signed; with an x5c certificate its signature is verified too."""
    for index, st in enumerate(statements):
        for att in st.get("attachments") or []:
            if att.get("usageType") != SIGNATURE:
                continue
            where = f"statement {index}: the signature"
            if att.get("contentType") != "application/octet-stream":
                raise StatementError(f"{where} attachment's contentType must be application/octet-stream")
            part = parts.get(str(att["sha2"]).lower())
            if part is None:
                raise StatementError(f"{where} must be attached as data")
            try:
                header_b64, payload_b64, signature_b64 = part.content.decode("ascii").strip().split(".")
                header = json.loads(_b64(header_b64))
                payload = json.loads(_b64(payload_b64))
                _b64(signature_b64)
            except (ValueError, UnicodeDecodeError) as exc:
                raise StatementError(f"{where} is not a JWS with a JSON payload ({exc})") from None
            if not isinstance(header, dict) or header.get("alg") not in ALGORITHMS:
                raise StatementError(f"{where} must use RS256, RS384 or RS512")
            if not isinstance(payload, dict):
                raise StatementError(f"{where}'s payload must be the statement")
            strip = lambda s: {k: v for k, v in s.items() if k not in NOT_SIGNED}  # noqa: E731
            if strip(payload) != strip(st) or ("id" in payload and str(payload["id"]).lower() != str(st.get("id", "")).lower()):
                raise StatementError(f"{where}'s payload is not this statement")
            if header.get("x5c"):
                _verify_x5c(part.content.decode("ascii").strip(), header, where)


def _verify_x5c(token: str, header: dict[str, Any], where: str) -> None:
    import jwt
    from cryptography import x509

    try:
        cert = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
        jwt.api_jws.PyJWS().decode(token, cert.public_key(), algorithms=list(ALGORITHMS))  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 - any failure is a signature that does not verify
        raise StatementError(f"{where} does not verify with its x5c certificate ({exc.__class__.__name__})") from None


def multipart_body(document: Any, attachments: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/mixed answer: the JSON first, then each (sha2, content type, bytes). Returns body, boundary."""
    boundary = f"xapi-{secrets.token_hex(12)}"
    chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), json.dumps(document).encode(), b"\r\n"]
    for sha2, content_type, content in attachments:
        chunks += [
            f"--{boundary}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode(),
            content,
            b"\r\n",
        ]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), boundary


def hashes_of(statements: list[dict[str, Any]]) -> list[str]:
    """The sha2 of every attachment the statements carry, in order, once each (data is returned for those
    that were sent with data, fileUrl or not)."""
    seen: dict[str, None] = {}
    for st in statements:
        for att in _declared(st):
            seen.setdefault(str(att["sha2"]).lower(), None)
    return list(seen)
