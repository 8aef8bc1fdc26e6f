"""What a CCO ID, a BE GEO ID and an address may look like, and their compared forms."""

from __future__ import annotations

import re
import unicodedata

CCO_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$"
BE_GEO_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
_CCO_ID = re.compile(CCO_ID_PATTERN)
_BE_GEO_ID = re.compile(BE_GEO_ID_PATTERN)
_SPACES = re.compile(r"\s+")
_NOT_NAME = re.compile(r"[^\w\s]")


def is_valid_cco_id(value: str) -> bool:
    return bool(_CCO_ID.fullmatch(value))


def is_valid_be_geo_id(value: str) -> bool:
    return bool(_BE_GEO_ID.fullmatch(value))


def normalise_email(email: str) -> str:
    """The form duplicate detection compares (ID-5): trimmed, lower-case, without a ``+tag``."""
    address = email.strip().lower()
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    local = local.split("+", 1)[0] or local
    return f"{local}@{domain}"


def normalise_name(name: str) -> str:
    """Accents, case, punctuation and spacing removed: ``"Zoë  O'Neil"`` → ``"zoe oneil"``."""
    if name.isascii():
        folded = name.lower()
    else:
        folded = unicodedata.normalize("NFKD", name)
        folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    return _SPACES.sub(" ", _NOT_NAME.sub("", folded)).strip()
