"""Who may see points (CL-10, DOMAIN actor table): the partner's admins, its PAMs and program staff."""

from __future__ import annotations

from partnerhub.auth import Principal
from partnerhub.errors import Forbidden, NotFound

POINTS_ROLES = ("program_staff", "partner_admin", "pam")


def ensure_sees_partner(principal: Principal, be_geo_id: str) -> None:
    if principal.is_staff or principal.administers(be_geo_id) or principal.manages(be_geo_id):
        return
    if principal.has_any("partner_admin", "pam"):
        raise NotFound(f"No partner {be_geo_id}.", be_geo_id=be_geo_id)  # another partner's: as if absent
    raise Forbidden("Only the partner's admins, its PAMs and program staff see Continuous Learning points (CL-10).")


def ensure_sees_person(principal: Principal, cco_id: str, partners_of_person: set[str]) -> None:
    """An individual without an admin role gets 403, even for their own points (CL-10)."""
    if principal.is_staff:
        return
    if not principal.has_any("partner_admin", "pam"):
        raise Forbidden("Individuals without an admin role do not see point totals, not even their own (CL-10).")
    if not any(principal.administers(p) or principal.manages(p) for p in partners_of_person):
        raise NotFound(f"No individual {cco_id} at your partners.", cco_id=cco_id)
