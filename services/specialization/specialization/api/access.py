"""Who may see or act for a partner (DOMAIN.md actor table). Another partner's objects answer 404."""

from __future__ import annotations

from fastapi import Request

from partnerhub.auth import Principal
from partnerhub.errors import Forbidden, NotFound
from partnerhub.service import runtime_of
from specialization.settings import SpecializationSettings


def settings_of(request: Request) -> SpecializationSettings:
    runtime = runtime_of(request)
    assert isinstance(runtime.settings, SpecializationSettings)
    return runtime.settings


def may_see(principal: Principal, be_geo_id: str) -> bool:
    return principal.is_staff or principal.is_system or principal.administers(be_geo_id) or principal.manages(be_geo_id)


def require_view(principal: Principal, be_geo_id: str) -> None:
    """Status, points, renewal: the partner's admins, its PAMs, program staff, systems."""
    if not may_see(principal, be_geo_id):
        raise NotFound(f"No partner {be_geo_id}.", be_geo_id=be_geo_id)


def require_act(principal: Principal, be_geo_id: str) -> None:
    """Applications, refills, renewals, candidates: the partner's admins (application authors) and program staff."""
    require_view(principal, be_geo_id)
    if not (principal.is_staff or principal.administers(be_geo_id)):
        raise Forbidden("Only the partner's admins and program staff may do this.")
