"""The CL View pages' form tokens: the page kit's CSRF checks (``partnerhub.ui.csrf``) with learning's
label, so the key stays what it was before the kit (``key_of`` is tested in tests/unit)."""

from __future__ import annotations

from partnerhub.settings import ServiceSettings
from partnerhub.ui.csrf import CsrfGuard
from partnerhub.ui.csrf import key_of as _key_of

LABEL = b"partnerhub learning ui csrf v1"

__all__ = ["LABEL", "CsrfGuard", "key_of"]


def key_of(settings: ServiceSettings) -> bytes:
    return _key_of(settings, LABEL)
