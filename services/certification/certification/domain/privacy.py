"""Who may see what (CE-11, ID-4, the actor table). Everything refused answers 404 upstream."""

from __future__ import annotations

from dataclasses import dataclass

from partnerhub.auth import Principal


@dataclass(frozen=True)
class Standing:
    """What the service knows of a person: their current partners and the partners they granted."""

    cco_id: str
    current_partners: frozenset[str]
    granted_partners: frozenset[str]  # grants in force (ID-4)

    def admin_partners(self, principal: Principal) -> set[str]:
        return {p for p in self.current_partners if principal.administers(p)}


def is_self(principal: Principal, cco_id: str, principal_resolves_to: str | None) -> bool:
    return principal.sub == cco_id or principal_resolves_to == cco_id


def may_see_exam_history(principal: Principal, standing: Standing, self_: bool) -> bool:
    """CE-11: the individual, program staff, and admins of the current partner with a grant in force."""
    if self_ or principal.is_staff:
        return True
    return any(p in standing.granted_partners for p in standing.admin_partners(principal))


def certification_view(principal: Principal, standing: Standing, self_: bool) -> str | None:
    """``full`` (all badges, expired too, and certificates), ``current`` (active badges only), or None.

    The individual and staff see everything; an admin of the person's current partner sees the
    current certifications (CE-11), and everything once granted access (ID-4)."""
    if self_ or principal.is_staff:
        return "full"
    admin_of = standing.admin_partners(principal)
    if not admin_of:
        return None
    return "full" if admin_of & standing.granted_partners else "current"


def may_see_partner(principal: Principal, be_geo_id: str) -> bool:
    """A partner's members' current certifications: its admins, its PAMs, program staff."""
    return principal.is_staff or principal.administers(be_geo_id) or principal.manages(be_geo_id)

