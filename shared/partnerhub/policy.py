"""The actor table of DOMAIN.md as pure decisions: who may do what to a partner or a person.

Every authorization check in every service goes through this module. It does no I/O: a
principal (from the token) and the facts the service knows (the partner asked for, a person's
current partners and grants) go in, a :class:`Decision` comes out. The services' ``access``
modules turn a decision into their own 403 or 404 wording.

Claims (ARCHITECTURE.md "Who may call what"): ``roles``, ``admin_of`` (the partners a person
administers) and ``pam_of`` (the partners they are PAM of) are separate, so being PAM of a
partner never makes anyone its admin. Admin rights need both the ``partner_admin`` role and
the partner in ``admin_of``; PAM rights need the ``pam`` role and the partner in ``pam_of``.

404 or 403: an object of another partner answers 404, as if it did not exist (``HIDE``); a
caller who may see the thing but not do this, or whose role can never do it, gets 403 (``FORBID``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

ROLES = ("individual", "partner_admin", "pam", "program_staff", "system")


@dataclass(frozen=True)
class Principal:
    """Who is calling: a person (``sub`` is a CCO ID) or another system (a client id)."""

    sub: str
    roles: frozenset[str]
    admin_of: frozenset[str] = field(default_factory=frozenset)
    pam_of: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_staff(self) -> bool:
        return "program_staff" in self.roles

    @property
    def is_system(self) -> bool:
        return "system" in self.roles

    def has_any(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def administers(self, be_geo_id: str) -> bool:
        """An admin of the partner: the role and the partner in ``admin_of`` (never ``pam_of``)."""
        return "partner_admin" in self.roles and be_geo_id in self.admin_of

    def manages(self, be_geo_id: str) -> bool:
        """A PAM associated to the partner: the role and the partner in ``pam_of``."""
        return "pam" in self.roles and be_geo_id in self.pam_of

    @property
    def administered(self) -> frozenset[str]:
        """The partners this principal is admin of (empty without the role)."""
        return self.admin_of if "partner_admin" in self.roles else frozenset()

    @property
    def managed(self) -> frozenset[str]:
        """The partners this principal is PAM of (empty without the role)."""
        return self.pam_of if "pam" in self.roles else frozenset()

    @property
    def scoped_partners(self) -> frozenset[str]:
        """Every partner the principal has an admin or PAM right on."""
        return self.administered | self.managed


class Decision(Enum):
    ALLOW = "allow"
    FORBID = "forbid"  # 403: the caller may not do this
    HIDE = "hide"  # 404: another partner's object, as if it did not exist


class Actor(Enum):
    """A principal's relation to one partner (a principal can have several at once)."""

    STAFF = "program staff"
    SYSTEM = "system"
    ADMIN = "the partner's admins"
    PAM = "the partner's PAMs"


class PartnerRight(Enum):
    """What can be done to a partner, with the actors of DOMAIN.md's table that may do it."""

    # the partner itself, its specialization status, renewal, program requirements
    SEE = frozenset({Actor.STAFF, Actor.SYSTEM, Actor.ADMIN, Actor.PAM})
    # its members and their current certifications (personal data: not PAMs)
    SEE_MEMBERS = frozenset({Actor.STAFF, Actor.SYSTEM, Actor.ADMIN})
    # Continuous Learning points and the CL View (CL-10: admins, PAMs, staff)
    SEE_POINTS = frozenset({Actor.STAFF, Actor.ADMIN, Actor.PAM})
    # the partner's mail in the delivery log
    SEE_MAIL = frozenset({Actor.STAFF, Actor.SYSTEM, Actor.ADMIN})
    # join and leave members (ID-1, ID-3): Partner Self-Service, i.e. its admins, and systems
    MANAGE_MEMBERS = frozenset({Actor.STAFF, Actor.SYSTEM, Actor.ADMIN})
    # applications, roles, renewals, role candidates, its admins: the application authors
    ACT = frozenset({Actor.STAFF, Actor.ADMIN})
    # associating PAMs with partners
    ASSIGN_PAMS = frozenset({Actor.STAFF})

    @property
    def actors(self) -> frozenset[Actor]:
        return self.value


def actors_of(principal: Principal, be_geo_id: str) -> frozenset[Actor]:
    found: set[Actor] = set()
    if principal.is_staff:
        found.add(Actor.STAFF)
    if principal.is_system:
        found.add(Actor.SYSTEM)
    if principal.administers(be_geo_id):
        found.add(Actor.ADMIN)
    if principal.manages(be_geo_id):
        found.add(Actor.PAM)
    return frozenset(found)


def partner_decision(principal: Principal, right: PartnerRight, be_geo_id: str) -> Decision:
    """May ``principal`` do ``right`` to partner ``be_geo_id``?

    Allowed when one of its relations to the partner is among the right's actors. Otherwise an
    admin or PAM of *other* partners gets HIDE (404); everyone else (an individual, a system,
    the partner's own PAM asking for an admin's right, a token whose admin/PAM role names no
    partner) gets FORBID (403)."""
    actors = actors_of(principal, be_geo_id)
    if actors & right.actors:
        return Decision.ALLOW
    if actors or principal.is_staff or principal.is_system:
        return Decision.FORBID
    if principal.scoped_partners:
        return Decision.HIDE
    return Decision.FORBID


def partners_with(principal: Principal, right: PartnerRight) -> frozenset[str] | None:
    """The partners ``principal`` has ``right`` on; None means every partner (staff, or systems
    where the right allows them)."""
    if (principal.is_staff and Actor.STAFF in right.actors) or (principal.is_system and Actor.SYSTEM in right.actors):
        return None
    found: set[str] = set()
    if Actor.ADMIN in right.actors:
        found |= principal.administered
    if Actor.PAM in right.actors:
        found |= principal.managed
    return frozenset(found)


# people ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    """What a service knows of a person for a decision: is the caller that person (under any of
    their CCO IDs), their partners (the current ones; for points, every partner they earned for,
    CL-9), and the partners they granted access to (ID-4)."""

    is_caller: bool
    partners: frozenset[str] = frozenset()
    granted_partners: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, principal: Principal, ids: Iterable[str], current: Iterable[str] = (), granted: Iterable[str] = ()
    ) -> Person:
        return cls(principal.sub in set(ids), frozenset(current), frozenset(granted))


class PersonRight(Enum):
    # the profile (name, e-mail, memberships): self, staff, systems, admins of a current partner
    SEE_PROFILE = "see_profile"
    # name, e-mail, grants (ID-4), agreements: self and staff
    CHANGE_OWN = "change_own"
    # record something the person did elsewhere, e.g. signing the agreement (CE-3): self, staff, systems
    RECORD_FOR = "record_for"
    # act on the person's behalf, e.g. submit a proof of attendance (CL-5): self, staff, admins of
    # a current partner
    ACT_FOR = "act_for"
    # current certifications: self, staff, admins of a current partner (CE-11)
    SEE_CURRENT_CERTIFICATIONS = "see_current_certifications"
    # every badge, expired ones and certificates; exam history: self, staff, admins of a current
    # partner the person granted access to (CE-11, ID-4)
    SEE_RECORDS = "see_records"
    # point totals (CL-10): staff, admins and PAMs of a partner the person earns for; not self
    SEE_POINTS = "see_points"


def person_decision(principal: Principal, right: PersonRight, person: Person) -> Decision:
    """May ``principal`` do ``right`` to ``person``? Someone who may not even see the person gets
    HIDE; someone who sees them (or whose role could never) gets FORBID."""
    admin_here = any(principal.administers(p) for p in person.partners)
    granted_here = any(principal.administers(p) for p in person.partners & person.granted_partners)
    allowed = {
        PersonRight.SEE_PROFILE: principal.is_staff or principal.is_system or person.is_caller or admin_here,
        PersonRight.CHANGE_OWN: principal.is_staff or person.is_caller,
        PersonRight.RECORD_FOR: principal.is_staff or principal.is_system or person.is_caller,
        PersonRight.ACT_FOR: principal.is_staff or person.is_caller or admin_here,
        PersonRight.SEE_CURRENT_CERTIFICATIONS: principal.is_staff or person.is_caller or admin_here,
        PersonRight.SEE_RECORDS: principal.is_staff or person.is_caller or granted_here,
        PersonRight.SEE_POINTS: principal.is_staff
        or any(principal.administers(p) or principal.manages(p) for p in person.partners),
    }[right]
    if allowed:
        return Decision.ALLOW
    if right is PersonRight.SEE_POINTS:
        # CL-10: an individual without an admin role never sees totals (403); an admin or PAM of
        # other partners asks for someone who is not theirs (404)
        return Decision.HIDE if principal.scoped_partners else Decision.FORBID
    sees = principal.is_staff or principal.is_system or person.is_caller or admin_here
    return Decision.FORBID if sees else Decision.HIDE


# program staff -----------------------------------------------------------------------------------
def may_make_staff(principal: Principal) -> bool:
    """Only program staff create or promote program staff; a system client never can."""
    return principal.is_staff
