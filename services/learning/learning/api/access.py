"""learning's use of the policy (partnerhub.policy): Continuous Learning points (CL-10) are for the
partner's admins, its PAMs and program staff; another partner's answer 404."""

from __future__ import annotations

from collections.abc import Iterable

from learning.settings import LearningSettings
from partnerhub.auth import Principal, require_partner, require_person
from partnerhub.policy import PartnerRight, Person, PersonRight
from partnerhub.service import settings_of

SETTINGS = settings_of(LearningSettings)  # the dependency: ``Depends(SETTINGS)``


def ensure_sees_partner(principal: Principal, be_geo_id: str) -> None:
    require_partner(principal, PartnerRight.SEE_POINTS, be_geo_id)


def ensure_sees_person(principal: Principal, cco_id: str, partners_of_person: Iterable[str]) -> None:
    """An individual without an admin role gets 403, even for their own points (CL-10)."""
    require_person(
        principal,
        PersonRight.SEE_POINTS,
        Person(is_caller=principal.sub == cco_id, partners=frozenset(partners_of_person)),
        cco_id,
        forbidden="Individuals without an admin role do not see point totals, not even their own (CL-10).",
    )
