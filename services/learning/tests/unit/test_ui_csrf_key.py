"""The key of the CL View pages' form tokens: shared by replicas, never a public default in production."""

from __future__ import annotations

import pytest

from learning.settings import LearningSettings
from learning.ui.csrf import key_of
from partnerhub.settings import DEV_JWT_SECRET

PEM = "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----"
REAL = "a-real-production-secret-0123456789"


def test_production_with_rs256_needs_its_own_csrf_secret() -> None:
    with pytest.raises(ValueError, match="ui_csrf_secret must be set"):  # pydantic wraps InsecureSettings
        LearningSettings(environment="production", jwt_algorithm="RS256", jwt_public_key=PEM)
    settings = LearningSettings(environment="production", jwt_algorithm="RS256", jwt_public_key=PEM, ui_csrf_secret=REAL)
    # the JWT secret field keeps its public dev default under RS256: it must not be the key's source
    assert key_of(settings) != key_of(settings.with_overrides(ui_csrf_secret=DEV_JWT_SECRET))


def test_the_key_is_derived_never_the_secret_itself_and_the_same_for_the_same_settings() -> None:
    hs = LearningSettings(environment="production", jwt_secret=REAL)
    assert key_of(hs) == key_of(LearningSettings(environment="production", jwt_secret=REAL))
    assert REAL.encode() not in key_of(hs) and len(key_of(hs)) == 32
    assert key_of(hs) != key_of(LearningSettings(environment="production", jwt_secret=REAL + "x"))
    assert key_of(hs.with_overrides(ui_csrf_secret="own-" + REAL)) != key_of(hs)
