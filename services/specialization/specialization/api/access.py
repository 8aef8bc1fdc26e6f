"""specialization's use of the policy (partnerhub.policy). Another partner's objects answer 404."""

from __future__ import annotations

from partnerhub.auth import Principal, require_partner
from partnerhub.policy import PartnerRight
from partnerhub.service import settings_of
from specialization.settings import SpecializationSettings

SETTINGS = settings_of(SpecializationSettings)  # the dependency: ``Depends(SETTINGS)``


def require_view(principal: Principal, be_geo_id: str) -> None:
    """Status, points, renewal: the partner's admins, its PAMs, program staff, systems."""
    require_partner(principal, PartnerRight.SEE, be_geo_id)


def require_act(principal: Principal, be_geo_id: str) -> None:
    """Applications, refills, renewals, candidates: the partner's admins (application authors) and program staff."""
    require_partner(principal, PartnerRight.ACT, be_geo_id)
