"""Identity rules without I/O: what a CCO ID and an address may look like."""

from __future__ import annotations

import re

CCO_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$"
_CCO_ID = re.compile(CCO_ID_PATTERN)


def is_valid_cco_id(value: str) -> bool:
    return bool(_CCO_ID.match(value))


def normalise_email(email: str) -> str:
    """Lower-case, trimmed: the form duplicate detection compares (ID-5)."""
    return email.strip().lower()
