"""The actor table (DOMAIN.md) as small checks. Something a caller may not see answers 404."""

from __future__ import annotations

from identity.use_cases import Individual
from partnerhub.auth import Principal
from partnerhub.errors import Forbidden, NotFound


def sees_partner(principal: Principal, be_geo_id: str) -> bool:
    return (
        principal.is_staff
        or principal.is_system
        or principal.administers(be_geo_id)
        or principal.manages(be_geo_id)
    )


def partner_visible(principal: Principal, be_geo_id: str) -> None:
    if not sees_partner(principal, be_geo_id):
        raise NotFound(f"No partner with BE GEO ID {be_geo_id}.", be_geo_id=be_geo_id)


def partner_writable(principal: Principal, be_geo_id: str, *, admin: bool = True, system: bool = False) -> None:
    """Program staff always; the partner's own admins when ``admin``; systems when ``system``."""
    partner_visible(principal, be_geo_id)
    if principal.is_staff or (admin and principal.administers(be_geo_id)) or (system and principal.is_system):
        return
    raise Forbidden(f"You may see partner {be_geo_id} but not change this.")


def sees_person(principal: Principal, person: Individual) -> bool:
    """Self (under any of their IDs), program staff, systems, an admin of their current partner."""
    return (
        principal.is_staff
        or principal.is_system
        or person.known_as(principal.sub)
        or (person.partner is not None and principal.administers(person.partner))
    )


def person_visible(principal: Principal, person: Individual, asked: str) -> None:
    if not sees_person(principal, person):
        raise NotFound(f"No individual with CCO ID {asked}.", cco_id=asked)


def person_writable(principal: Principal, person: Individual, asked: str) -> None:
    """Self and program staff change a person's own things; others who may see them get 403."""
    person_visible(principal, person, asked)
    if not (principal.is_staff or person.known_as(principal.sub)):
        raise Forbidden(f"Only {person.cco_id} or program staff may change this.")
