"""Who qualifies for a role and until when (SP-3, SP-4, SP-5, SP-14, CE-1, CE-12)."""

from __future__ import annotations

from datetime import date

from specialization.domain.allocation import Seat, limit_violation
from specialization.domain.calendar import FOREVER
from specialization.domain.catalog import Alternative as A
from specialization.domain.program import category_of, count_people
from specialization.domain.qualification import (
    Badge,
    CertificationRequirements,
    CertificationVersion,
    Membership,
    PersonFacts,
    Replacement,
    holding,
    qualify,
)

TODAY = date(2027, 6, 1)


def test_sp3_career_certification_must_be_current() -> None:
    alts = (A("CCNP"),)
    current = PersonFacts({"CCNP": Badge("CCNP", "professional", date(2025, 1, 1), date(2028, 1, 1))})
    expired = PersonFacts({"CCNP": Badge("CCNP", "professional", date(2020, 1, 1), date(2023, 1, 1))})
    q = qualify(alts, current, {}, TODAY)
    assert q.qualified and q.until == date(2028, 1, 1) and q.via == "CCNP"
    assert not qualify(alts, expired, {}, TODAY).qualified
    assert "CCNP" in qualify(alts, PersonFacts(), {}, TODAY).missing


def test_sp3_expired_event_ends_a_badge_before_its_expiry() -> None:
    b = Badge("CCNA", "associate", date(2025, 1, 1), date(2028, 1, 1), expired_on=date(2027, 5, 1))
    assert not qualify((A("CCNA"),), PersonFacts({"CCNA": b}), {}, TODAY).qualified


def test_sp4_no_retest_exam_counts_however_old() -> None:
    facts = PersonFacts(exams={"642-437": date(2004, 2, 2)})
    q = qualify((A(exams=("642-437",)),), facts, {}, TODAY)
    assert q.qualified and q.until == FOREVER and q.via == "exams"


def test_sp4_all_exams_of_a_list_needed() -> None:
    facts = PersonFacts(exams={"642-991": date(2010, 1, 1)})
    assert not qualify((A(exams=("642-991", "642-992")),), facts, {}, TODAY).qualified


def test_sp4_specialist_badge_or_its_exams() -> None:
    alt = (A("CQS-IPT", ("642-437",)),)
    badge_only = PersonFacts({"CQS-IPT": Badge("CQS-IPT", "cqs_specialist", date(2026, 1, 1), date(2028, 1, 1))})
    exams_only = PersonFacts(exams={"642-437": date(2008, 1, 1)})
    expired_badge_with_exams = PersonFacts(
        {"CQS-IPT": Badge("CQS-IPT", "cqs_specialist", date(2010, 1, 1), date(2012, 1, 1))}, {"642-437": date(2010, 1, 1)}
    )
    assert qualify(alt, badge_only, {}, TODAY).qualified
    assert qualify(alt, exams_only, {}, TODAY).qualified
    assert qualify(alt, expired_badge_with_exams, {}, TODAY).until == FOREVER


def test_sp4_no_retest_with_a_changed_exam_number() -> None:
    """The catalog lists the new number; the old pass counts unless the new exam was announced as required."""
    facts = PersonFacts(exams={"642-436": date(2009, 1, 1)})
    alts = (A(exams=("642-437",)),)
    assert not qualify(alts, facts, {}, TODAY).qualified, "a different number is a different exam (CE-1)"
    optional = {"642-436": Replacement("642-436", "642-437", False, date(2027, 1, 1))}
    assert qualify(alts, facts, optional, TODAY).until == FOREVER
    required = {"642-436": Replacement("642-436", "642-437", True, date(2027, 9, 1))}
    q = qualify(alts, facts, required, TODAY)
    assert q.qualified and q.until == date(2027, 9, 1), "counts until the required replacement takes effect"
    assert not qualify(alts, facts, required, date(2027, 9, 1)).qualified


def test_sp14_old_listing_with_a_required_replacement() -> None:
    """The catalog still lists the old number: old passes stop counting, new passes count."""
    required = {"642-436": Replacement("642-436", "642-437", True, date(2027, 1, 1))}
    alts = (A(exams=("642-436",)),)
    assert not qualify(alts, PersonFacts(exams={"642-436": date(2009, 1, 1)}), required, TODAY).qualified
    assert qualify(alts, PersonFacts(exams={"642-437": date(2027, 2, 1)}), required, TODAY).qualified


def test_sp14_holding_vacates_when_the_member_leaves_or_qualification_ends() -> None:
    alts = (A("CCNA"),)
    facts = PersonFacts({"CCNA": Badge("CCNA", "associate", date(2025, 1, 1), date(2028, 1, 1))})
    staying = [Membership("BG1", date(2020, 1, 1))]
    leaving = [Membership("BG1", date(2020, 1, 1), date(2027, 8, 1))]
    h = holding(alts, facts, staying, {}, "BG1", TODAY)
    assert (h.vacates_on, h.reason, h.certification) == (date(2028, 1, 1), "qualification_lapsed", "CCNA")
    h = holding(alts, facts, leaving, {}, "BG1", TODAY)
    assert (h.vacates_on, h.reason) == (date(2027, 8, 1), "left")
    assert holding(alts, facts, leaving, {}, "BG1", date(2027, 8, 1)).vacates_on == date(2027, 8, 1)
    assert holding(alts, facts, staying, {}, "BG2", TODAY).reason == "left"
    forever = holding((A(exams=("1",)),), PersonFacts(exams={"1": date(2001, 1, 1)}), staying, {}, "BG1", TODAY)
    assert forever.vacates_on is None


def test_sp5_two_roles_across_two_specializations() -> None:
    one = Seat("BG1", "S1", "AM")
    assert limit_violation([one], [Seat("BG1", "S1", "SE")]) is None
    assert "2 specializations" not in (limit_violation([one], [Seat("BG1", "S2", "SE")]) or "")
    assert "3 job roles" in limit_violation([one, Seat("BG1", "S2", "SE")], [Seat("BG1", "S3", "FE")])
    assert limit_violation([one], [Seat("BG1", "S2", "AM")], max_roles=3, max_specializations=1) is not None
    assert limit_violation([one, Seat("BG1", "S2", "SE")], [Seat("BG1", "S3", "FE")], max_roles=3, max_specializations=3) is None


def test_ce12_certified_individuals_are_counted_by_the_kind_certification_gives() -> None:
    assert category_of("associate") == "associates"
    assert category_of("professional") == "professionals"
    assert category_of("expert") == "experts"
    assert category_of("sales_expert") == "sales_experts"
    assert category_of("cqs_specialist") is None, "CQS never counts (CE-12)"
    assert category_of("cqs_representative") is None
    # a CCIE coded CCIE-RS, or any code, counts by its kind: no code list (CE-12)
    counted = count_people([("a", "associate"), ("a", "associate"), ("b", "expert"), ("c", "expert")])
    assert counted["associates"] == ["a"] and counted["experts"] == ["b", "c"] and counted["sales_experts"] == []


SPEC_V1 = CertificationVersion(1, None, (("X1", "X2"),))


def specialist(*versions: CertificationVersion, kind: str = "cqs_specialist") -> dict[str, CertificationRequirements]:
    return {"SPEC": CertificationRequirements("SPEC", kind, versions or (SPEC_V1,))}


def test_ce10_sp4_specialist_badge_role_met_by_its_component_exams_after_the_badge_expired() -> None:
    """Seed 000: a role that uses a Specialist badge gives credit for its component exams instead of the badge."""
    alts = (A("SPEC"),)
    expired = Badge("SPEC", "cqs_specialist", date(2025, 1, 1), date(2027, 1, 1), expired_on=date(2027, 1, 1))
    holder = PersonFacts({"SPEC": expired}, {"X1": date(2024, 6, 1), "X2": date(2024, 12, 1)})
    q = qualify(alts, holder, {}, TODAY, specialist())
    assert q.qualified and q.until == FOREVER and q.via == "exams"
    assert not qualify(alts, holder, {}, TODAY).qualified, "without certification's requirements only the badge counts"
    half = PersonFacts(exams={"X1": date(2024, 6, 1)})
    missing = qualify(alts, half, {}, TODAY, specialist())
    assert not missing.qualified and "SPEC (or its exams X1, X2)" in missing.missing
    current = PersonFacts({"SPEC": Badge("SPEC", "cqs_specialist", date(2026, 1, 1), date(2028, 1, 1))})
    assert qualify(alts, current, {}, TODAY, specialist()).via == "SPEC", "the badge OR the exams (SP-4)"


def test_ce10_sp4_holding_of_a_specialist_role_does_not_end_with_the_badge() -> None:
    badge = Badge("SPEC", "cqs_specialist", date(2026, 1, 1), date(2027, 9, 1))
    facts = PersonFacts({"SPEC": badge}, {"X1": date(2025, 1, 1), "X2": date(2025, 12, 1)})
    staying = [Membership("BG1", date(2020, 1, 1))]
    assert holding((A("SPEC"),), facts, staying, {}, "BG1", TODAY, specialist()).vacates_on is None, "no at-risk, no vacancy"
    assert holding((A("SPEC"),), facts, staying, {}, "BG1", TODAY).vacates_on == date(2027, 9, 1)


def test_ce10_sp4_component_exams_of_the_version_in_force_on_the_day() -> None:
    v2 = CertificationVersion(2, date(2027, 9, 1), (("X1", "X3"),))
    certs = specialist(CertificationVersion(1, None, (("X1", "X2"), ("Y1",))), v2)
    old = PersonFacts(exams={"X1": date(2020, 1, 1), "X2": date(2020, 1, 1)})
    q = qualify((A("SPEC"),), old, {}, TODAY, certs)
    assert q.qualified and q.until == date(2027, 9, 1), "the exams of version 1 count until version 2 takes effect"
    assert not qualify((A("SPEC"),), old, {}, date(2027, 9, 1), certs).qualified
    both = PersonFacts(exams={"X1": date(2020, 1, 1), "X2": date(2020, 1, 1), "X3": date(2027, 5, 1)})
    assert qualify((A("SPEC"),), both, {}, TODAY, certs).until == FOREVER, "meets version 2 too: no end"
    other_way = PersonFacts(exams={"Y1": date(2010, 1, 1)})
    assert qualify((A("SPEC"),), other_way, {}, TODAY, certs).qualified, "any one alternative of the version"


def test_ce10_sp4_ce1_component_exam_replaced_as_required_stops_counting() -> None:
    facts = PersonFacts(exams={"X1": date(2020, 1, 1), "X2": date(2020, 1, 1)})
    required = {"X1": Replacement("X1", "X1B", True, date(2027, 9, 1))}
    q = qualify((A("SPEC"),), facts, required, TODAY, specialist())
    assert q.qualified and q.until == date(2027, 9, 1)
    optional = {"X1": Replacement("X1", "X1B", False, date(2027, 9, 1))}
    assert qualify((A("SPEC"),), facts, optional, TODAY, specialist()).until == FOREVER


def test_ce10_sp4_career_and_representative_badges_are_not_met_by_exams() -> None:
    """SP-4 does not apply to career certifications themselves; a Representative CQS counts as the badge only."""
    facts = PersonFacts(exams={"X1": date(2020, 1, 1), "X2": date(2020, 1, 1)})
    for kind in ("professional", "associate", "cqs_representative"):
        assert not qualify((A("SPEC"),), facts, {}, TODAY, specialist(kind=kind)).qualified, kind
