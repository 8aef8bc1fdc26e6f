"""Who qualifies for a role and until when (SP-3, SP-4, SP-5, SP-14, CE-1, CE-12)."""

from __future__ import annotations

from datetime import date

from specialization.domain.allocation import Seat, limit_violation
from specialization.domain.calendar import FOREVER
from specialization.domain.catalog import Alternative as A
from specialization.domain.program import category_of, count_people
from specialization.domain.qualification import (
    Badge,
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
