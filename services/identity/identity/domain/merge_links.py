"""The merge confirmation link (ID-2 asked by the person): what a token is kept as, and a link's state.

Pure: the token is made by the use case (``secrets``), the time comes in as an argument.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Literal
from urllib.parse import urlencode

LinkState = Literal["pending", "expired", "confirmed", "replaced"]
CONFIRM_PAGE = "/ui/merge-confirmation"


def token_hash(token: str) -> str:
    """What is stored and looked up: SHA-256 of the token (a 256-bit random value needs no salt)."""
    return hashlib.sha256(token.encode()).hexdigest()


def link_state(status: str, expires_at: datetime, now: datetime) -> LinkState:
    """``pending`` until confirmed, replaced by a newer request, or past ``expires_at``."""
    if status == "confirmed":
        return "confirmed"
    if status == "replaced":
        return "replaced"
    return "expired" if now >= expires_at else "pending"


def confirm_url(base_url: str, token: str) -> str:
    """The page the mail links to: ``<identity's public URL>/ui/merge-confirmation?token=…``."""
    return f"{base_url.rstrip('/')}{CONFIRM_PAGE}?{urlencode({'token': token})}"
