"""certification's use of the policy (partnerhub.policy) for CE-11 and ID-4."""

from __future__ import annotations

from dataclasses import dataclass

from partnerhub.policy import Decision, Person, PersonRight, Principal, person_decision


@dataclass(frozen=True)
class Standing:
    """What the service knows of a person: their current partners and the partners they granted."""

    cco_id: str
    current_partners: frozenset[str]
    granted_partners: frozenset[str]  # grants in force (ID-4)

    def person(self, self_: bool) -> Person:
        return Person(is_caller=self_, partners=self.current_partners, granted_partners=self.granted_partners)


def exam_history_decision(principal: Principal, standing: Standing, self_: bool) -> Decision:
    """CE-11: the individual, program staff, and admins of the current partner with a grant in force."""
    return person_decision(principal, PersonRight.SEE_RECORDS, standing.person(self_))


def certification_view(principal: Principal, standing: Standing, self_: bool) -> str | None:
    """``full`` (all badges, expired too, and certificates), ``current`` (active badges only), or None.

    The individual and staff see everything; an admin of the person's current partner sees the
    current certifications (CE-11), and everything once granted access (ID-4)."""
    person = standing.person(self_)
    if person_decision(principal, PersonRight.SEE_RECORDS, person) is Decision.ALLOW:
        return "full"
    if person_decision(principal, PersonRight.SEE_CURRENT_CERTIFICATIONS, person) is Decision.ALLOW:
        return "current"
    return None
