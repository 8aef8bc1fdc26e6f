"""Proofs of attendance (CL-5): the file types we accept, told by their content, not their name."""

from __future__ import annotations

import re

EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "message/rfc822": "eml"}
_HEADER = re.compile(rb"^[!-9;-~]+:")  # an RFC 5322 field name and its colon


def detect_type(head: bytes) -> str | None:
    """The media type of a proof file from its first bytes (magic numbers); None when not accepted."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if _looks_like_email(head):
        return "message/rfc822"
    return None


def _looks_like_email(head: bytes) -> bool:
    """An e-mail (.eml): text whose header block starts at once and names From plus Date or Subject."""
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = head[:-3].decode("utf-8")  # a multi-byte character cut by the sample
        except UnicodeDecodeError:
            return False
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or not _HEADER.match(lines[0].encode()):
        return False
    names: set[str] = set()
    for line in lines:
        if line == "":
            break
        if line[:1] in (" ", "\t"):
            continue  # a folded header line
        if not _HEADER.match(line.encode()):
            return False
        names.add(line.split(":", 1)[0].strip().lower())
    return "from" in names and bool(names & {"date", "subject"})


def proof_points() -> int:
    """CL-5: Cisco Live (an accepted proof of attendance) is worth 20 points."""
    return 20
