"""identity's use of the policy (partnerhub.policy): who may see or change a partner or a person."""

from __future__ import annotations

from identity.use_cases import Individual
from partnerhub.auth import Principal, require_person
from partnerhub.policy import Person, PersonRight


def person_of(principal: Principal, person: Individual) -> Person:
    """Self under any of their IDs (ID-2); their current partner (ID-3)."""
    current = (person.partner,) if person.partner else ()
    return Person.of(principal, (person.cco_id, *person.retired_ids), current, person.grants)


def person_visible(principal: Principal, person: Individual, asked: str) -> None:
    """Self, program staff, systems, an admin of their current partner."""
    require_person(principal, PersonRight.SEE_PROFILE, person_of(principal, person), asked, forbidden="Not allowed.")


def person_writable(principal: Principal, person: Individual, asked: str) -> None:
    """Self and program staff change a person's own things; others who may see them get 403."""
    require_person(
        principal,
        PersonRight.CHANGE_OWN,
        person_of(principal, person),
        asked,
        forbidden=f"Only {person.cco_id} or program staff may change this.",
    )
