"""The actor table (DOMAIN.md) as pure decisions: partnerhub.policy."""

from __future__ import annotations

import pytest

from partnerhub.policy import (
    Decision,
    PartnerRight,
    Person,
    PersonRight,
    Principal,
    may_make_staff,
    partner_decision,
    partners_with,
    person_decision,
)

A, F, H = Decision.ALLOW, Decision.FORBID, Decision.HIDE


def _p(sub: str, *roles: str, admin_of: tuple[str, ...] = (), pam_of: tuple[str, ...] = ()) -> Principal:
    return Principal(sub, frozenset(roles), frozenset(admin_of), frozenset(pam_of))


INDIVIDUAL = _p("ivy", "individual")
ADMIN_P = _p("ada", "individual", "partner_admin", admin_of=("P",))
ADMIN_Q = _p("quin", "individual", "partner_admin", admin_of=("Q",))
PAM_P = _p("pat", "individual", "pam", pam_of=("P",))
ADMIN_Q_PAM_P = _p("mix", "individual", "partner_admin", "pam", admin_of=("Q",), pam_of=("P",))
STAFF = _p("sam", "program_staff")
SYSTEM = _p("lms", "system")
ADMIN_ROLE_NO_PARTNER = _p("old", "partner_admin")  # e.g. a token with the old `partners` claim only

ACTORS = {
    "individual": INDIVIDUAL,
    "admin of P": ADMIN_P,
    "admin of Q": ADMIN_Q,
    "PAM of P": PAM_P,
    "admin of Q, PAM of P": ADMIN_Q_PAM_P,
    "staff": STAFF,
    "system": SYSTEM,
    "admin role, no partner": ADMIN_ROLE_NO_PARTNER,
}

# partner P; columns in the order of ACTORS
PARTNER_TABLE = {
    PartnerRight.SEE: (F, A, H, A, A, A, A, F),
    PartnerRight.SEE_MEMBERS: (F, A, H, F, F, A, A, F),
    PartnerRight.SEE_POINTS: (F, A, H, A, A, A, F, F),
    PartnerRight.SEE_MAIL: (F, A, H, F, F, A, A, F),
    PartnerRight.MANAGE_MEMBERS: (F, A, H, F, F, A, A, F),
    PartnerRight.ACT: (F, A, H, F, F, A, F, F),
    PartnerRight.ASSIGN_PAMS: (F, F, H, F, F, A, F, F),
}


@pytest.mark.parametrize("right", list(PartnerRight), ids=lambda r: r.name)
def test_partner_rights_follow_the_actor_table(right: PartnerRight) -> None:
    got = tuple(partner_decision(principal, right, "P") for principal in ACTORS.values())
    assert dict(zip(ACTORS, got, strict=True)) == dict(zip(ACTORS, PARTNER_TABLE[right], strict=True))


def test_being_pam_of_a_partner_never_makes_anyone_its_admin() -> None:
    """The escalation this module closes: admin of Q and PAM of P is not P's admin."""
    assert not ADMIN_Q_PAM_P.administers("P")
    assert partner_decision(ADMIN_Q_PAM_P, PartnerRight.ACT, "P") is F
    assert partner_decision(ADMIN_Q_PAM_P, PartnerRight.SEE_MEMBERS, "P") is F
    assert partner_decision(ADMIN_Q_PAM_P, PartnerRight.ACT, "Q") is A


def test_roles_without_the_partner_in_the_matching_list_give_nothing() -> None:
    assert not _p("x", "pam", admin_of=("P",)).manages("P")
    assert not _p("x", "partner_admin", pam_of=("P",)).administers("P")
    assert not _p("x", "individual", admin_of=("P",)).administers("P")


def test_partners_with_lists_the_partners_a_right_covers() -> None:
    assert partners_with(STAFF, PartnerRight.SEE_POINTS) is None
    assert partners_with(SYSTEM, PartnerRight.SEE_MAIL) is None
    assert partners_with(SYSTEM, PartnerRight.SEE_POINTS) == frozenset()
    assert partners_with(ADMIN_Q_PAM_P, PartnerRight.SEE_POINTS) == {"P", "Q"}
    assert partners_with(ADMIN_Q_PAM_P, PartnerRight.SEE_MAIL) == {"Q"}
    assert partners_with(INDIVIDUAL, PartnerRight.SEE) == frozenset()


# a person who is a member of P and granted P's admins access (ID-4) unless said otherwise
ANN = Person(is_caller=False, partners=frozenset({"P"}), granted_partners=frozenset({"P"}))
ANN_UNGRANTED = Person(is_caller=False, partners=frozenset({"P"}))
ANN_HERSELF = Person(is_caller=True, partners=frozenset({"P"}))

PERSON_TABLE = {
    # (right, person): individual, admin P, admin Q, PAM P, admin Q + PAM P, staff, system, admin no partner
    (PersonRight.SEE_PROFILE, ANN): (H, A, H, H, H, A, A, H),
    (PersonRight.CHANGE_OWN, ANN): (H, F, H, H, H, A, F, H),
    (PersonRight.RECORD_FOR, ANN): (H, F, H, H, H, A, A, H),
    (PersonRight.ACT_FOR, ANN): (H, A, H, H, H, A, F, H),
    (PersonRight.SEE_CURRENT_CERTIFICATIONS, ANN): (H, A, H, H, H, A, F, H),
    (PersonRight.SEE_RECORDS, ANN): (H, A, H, H, H, A, F, H),
    (PersonRight.SEE_RECORDS, ANN_UNGRANTED): (H, F, H, H, H, A, F, H),  # CE-11: no grant, no history
    (PersonRight.SEE_POINTS, ANN): (F, A, H, A, A, A, F, F),  # CL-10
}


@pytest.mark.parametrize(("right", "person"), list(PERSON_TABLE), ids=lambda v: getattr(v, "name", ""))
def test_person_rights_follow_the_actor_table(right: PersonRight, person: Person) -> None:
    got = tuple(person_decision(principal, right, person) for principal in ACTORS.values())
    assert dict(zip(ACTORS, got, strict=True)) == dict(zip(ACTORS, PERSON_TABLE[(right, person)], strict=True))


def test_cl10_individuals_do_not_see_their_own_points_but_see_their_own_records() -> None:
    me = _p("ann", "individual")
    assert person_decision(me, PersonRight.SEE_POINTS, ANN_HERSELF) is F
    assert person_decision(me, PersonRight.SEE_RECORDS, ANN_HERSELF) is A
    assert person_decision(me, PersonRight.CHANGE_OWN, ANN_HERSELF) is A


def test_only_program_staff_make_program_staff() -> None:
    assert may_make_staff(STAFF)
    assert not may_make_staff(SYSTEM)
    assert not may_make_staff(ADMIN_P)
    assert not may_make_staff(_p("both", "system", "partner_admin", admin_of=("P",)))
