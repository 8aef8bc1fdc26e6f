"""The badge rules as pure functions (CE-1 to CE-9), dates in, decisions out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from certification.domain.badges import Pass, replay
from certification.domain.catalog import (
    Announcement,
    Catalog,
    CatalogError,
    CertificationDef,
    ExamDef,
    announce,
    check_certification,
    check_exam,
)
from partnerhub.dates import add_months


def catalog(**validity: int) -> Catalog:
    exams = [
        ExamDef("A1", "CCNA exam"),
        ExamDef("A2", "INTRO"),
        ExamDef("A3", "ICND"),
        ExamDef("D1", "CCDA exam"),
        ExamDef("P1", "CCNP one"),
        ExamDef("P2", "CCNP two"),
        ExamDef("T1", "technical CQS exam", technical=True),
        ExamDef("S1", "sales CQS exam"),
        ExamDef("R1", "representative exam"),
        ExamDef("N1", "non-technical, not CQS", technical=True),
    ]
    certs = [
        CertificationDef("CCNA", "CCNA", "associate", (("A1",), ("A2", "A3")), validity.get("CCNA", 36)),
        CertificationDef("CCDA", "CCDA", "associate", (("D1",),), 36),
        CertificationDef("CCNP", "CCNP", "professional", (("P1", "P2"),), 36, prerequisites=("CCNA",)),
        CertificationDef("CQS-S", "Specialist", "cqs_specialist", (("T1",),), 24, prerequisites=("CCNA", "CCDA")),
        CertificationDef("CQS-R", "Representative", "cqs_representative", (("R1",),), 24),
        CertificationDef("CQS-AM", "Sales rep", "cqs_representative", (("S1",),), 24),
    ]
    return Catalog({e.number: e for e in exams}, {c.code: c for c in certs})


def passes(*items: tuple[str, str]) -> list[Pass]:
    return [Pass(exam, date.fromisoformat(on)) for exam, on in items]


TODAY = date(2030, 1, 1)


def test_ce3_achieved_on_last_required_pass() -> None:
    states = replay(passes(("A1", "2020-01-10"), ("P1", "2020-03-01"), ("P2", "2020-06-15")), catalog(), date(2021, 1, 1))
    assert states["CCNP"].achieved_on == date(2020, 6, 15)
    assert states["CCNA"].achieved_on == date(2020, 1, 10)


def test_ce2_alternative_exam_sets() -> None:
    one = replay(passes(("A2", "2020-01-10")), catalog(), date(2020, 6, 1))
    assert "CCNA" not in one
    both = replay(passes(("A2", "2020-01-10"), ("A3", "2020-02-01")), catalog(), date(2020, 6, 1))
    assert both["CCNA"].achieved_on == date(2020, 2, 1)


def test_ce3_prerequisite_needed_then_achieved_when_held() -> None:
    without = replay(passes(("P1", "2020-03-01"), ("P2", "2020-06-15")), catalog(), date(2021, 1, 1))
    assert "CCNP" not in without
    later = replay(passes(("P1", "2020-03-01"), ("P2", "2020-06-15"), ("A1", "2020-09-01")), catalog(), date(2021, 1, 1))
    assert later["CCNP"].achieved_on == date(2020, 9, 1)


def test_ce3_prerequisite_expired_does_not_count() -> None:
    states = replay(passes(("A1", "2010-01-10"), ("P1", "2014-03-01"), ("P2", "2014-06-15")), catalog(), date(2015, 1, 1))
    assert states["CCNA"].status == "expired"
    assert "CCNP" not in states


@pytest.mark.parametrize(
    ("code", "exam", "months"),
    [("CCNA", "A1", 36), ("CQS-R", "R1", 24)],
)
def test_ce4_validity_edges_on_the_exact_day(code: str, exam: str, months: int) -> None:
    achieved = date(2020, 2, 29)
    expires = add_months(achieved, months)
    assert expires == date(2020 + months // 12, 2, 28)
    day_before = replay(passes((exam, "2020-02-29")), catalog(), date.fromordinal(expires.toordinal() - 1))
    assert day_before[code].status == "active" and day_before[code].expires_on == expires
    on_the_day = replay(passes((exam, "2020-02-29")), catalog(), expires)
    assert on_the_day[code].status == "expired"


def test_ce4_cqs_valid_two_years() -> None:
    states = replay(passes(("A1", "2020-01-01"), ("T1", "2020-05-05")), catalog(), date(2020, 6, 1))
    assert states["CQS-S"].expires_on == date(2022, 5, 5)


def test_ce5_renewal_one_day_before_expiry_restarts_validity() -> None:
    states = replay(passes(("A1", "2020-01-10"), ("A1", "2023-01-09")), catalog(), TODAY)
    ccna = states["CCNA"]
    assert ccna.achieved_on == date(2020, 1, 10)
    assert ccna.renewed_on == date(2023, 1, 9)
    assert ccna.expires_on == date(2026, 1, 9)
    assert ccna.status == "expired"  # as of 2030
    assert replay(passes(("A1", "2020-01-10"), ("A1", "2023-01-09")), catalog(), date(2025, 1, 1))["CCNA"].status == "active"


def test_ce5_one_day_after_expiry_is_a_new_achievement_not_a_renewal() -> None:
    states = replay(passes(("A1", "2020-01-10"), ("A1", "2023-01-11")), catalog(), date(2024, 1, 1))
    assert states["CCNA"].achieved_on == date(2023, 1, 11)
    assert states["CCNA"].renewed_on is None


def test_ce5_after_expiry_earlier_passes_no_longer_count() -> None:
    # CCNA via INTRO + ICND: INTRO before the expiry, ICND after it -> not re-achieved
    history = passes(("A2", "2020-01-05"), ("A3", "2020-01-10"), ("A2", "2022-12-01"), ("A3", "2023-01-11"))
    assert replay(history, catalog(), date(2024, 1, 1))["CCNA"].status == "expired"
    # both passed again after the expiry -> achieved anew
    again = replay([*history, Pass("A2", date(2023, 2, 1))], catalog(), date(2024, 1, 1))
    assert again["CCNA"].status == "active" and again["CCNA"].achieved_on == date(2023, 2, 1)


def test_ce5_renewal_needs_passes_after_the_period_began() -> None:
    # passing only one of the two CCNP exams again does not renew
    history = passes(("A1", "2020-01-01"), ("P1", "2020-02-01"), ("P2", "2020-03-01"), ("P1", "2022-01-01"))
    assert replay(history, catalog(), date(2022, 6, 1))["CCNP"].renewed_on is None
    renewed = replay([*history, Pass("P2", date(2022, 2, 1))], catalog(), date(2022, 6, 1))["CCNP"]
    assert renewed.renewed_on == date(2022, 2, 1) and renewed.expires_on == date(2025, 2, 1)


def test_ce7_technical_cqs_exam_extends_active_ccna() -> None:
    states = replay(passes(("A1", "2020-01-10"), ("T1", "2021-06-01")), catalog(), date(2021, 7, 1))
    assert states["CCNA"].expires_on == date(2024, 6, 1)
    assert states["CCNA"].extension_reason is not None and "CE-7" in states["CCNA"].extension_reason


def test_ce7_no_extension_when_ccna_not_active() -> None:
    states = replay(passes(("A1", "2010-01-10"), ("D1", "2012-01-01"), ("T1", "2014-06-01")), catalog(), date(2014, 7, 1))
    assert states["CCNA"].status == "expired"
    assert states["CCNA"].expires_on == date(2013, 1, 10)
    assert states["CCDA"].expires_on == date(2017, 6, 1)  # the active CCDA is extended


def test_ce7_never_shortens_and_non_cqs_technical_exam_does_not_extend() -> None:
    long = catalog(CCNA=60)
    states = replay(passes(("A1", "2020-01-10"), ("T1", "2020-06-01")), long, date(2020, 7, 1))
    assert states["CCNA"].expires_on == date(2025, 1, 10)
    other = replay(passes(("A1", "2020-01-10"), ("N1", "2021-06-01")), catalog(), date(2021, 7, 1))
    assert other["CCNA"].expires_on == date(2023, 1, 10)


def test_ce9_representative_active_on_2015_04_26_gets_five_years() -> None:
    states = replay(passes(("R1", "2013-04-27")), catalog(), date(2016, 1, 1))
    assert states["CQS-R"].expires_on == date(2020, 4, 27)
    assert states["CQS-R"].status == "active"


def test_ce9_badge_expiring_on_the_day_is_not_reinstated() -> None:
    states = replay(passes(("R1", "2013-04-26")), catalog(), date(2016, 1, 1))
    assert states["CQS-R"].expires_on == date(2015, 4, 26)
    assert states["CQS-R"].status == "expired"


def test_ce9_achieved_on_the_day_counts_the_day_after_does_not() -> None:
    on = replay(passes(("R1", "2015-04-26")), catalog(), date(2016, 1, 1))
    assert on["CQS-R"].expires_on == date(2022, 4, 26)
    after = replay(passes(("R1", "2015-04-27")), catalog(), date(2016, 1, 1))
    assert after["CQS-R"].expires_on == date(2017, 4, 27)


def test_ce9_specialist_not_extended() -> None:
    states = replay(passes(("A1", "2013-01-01"), ("T1", "2014-01-01")), catalog(), date(2015, 6, 1))
    assert states["CQS-S"].expires_on == date(2016, 1, 1)


def test_ce9_not_applied_before_the_date_is_reached() -> None:
    states = replay(passes(("R1", "2014-01-01")), catalog(), date(2015, 4, 25))
    assert states["CQS-R"].expires_on == date(2016, 1, 1)


def test_ce1_replaced_exam_counts_unless_replacement_required() -> None:
    base = catalog()
    exams = dict(base.exams)
    exams["A1B"] = ExamDef("A1B", "CCNA new number", replaces="A1")
    exams["A1C"] = ExamDef("A1C", "CCNA major change", replaces="A1B", replacement_required=True)
    certs = dict(base.certifications)
    certs["CCNA"] = CertificationDef("CCNA", "CCNA", "associate", (("A1B",),), 36)
    cat = Catalog(exams, certs)
    assert cat.satisfies("A1") == {"A1", "A1B"}
    assert cat.satisfies("A1C") == {"A1C", "A1B", "A1"}
    assert replay(passes(("A1", "2020-01-01")), cat, date(2020, 2, 1))["CCNA"].status == "active"
    certs["CCNA"] = CertificationDef("CCNA", "CCNA", "associate", (("A1C",),), 36)
    strict = Catalog(exams, certs)
    assert "CCNA" not in replay(passes(("A1", "2020-01-01")), strict, date(2020, 2, 1))


def test_ce1_catalog_checks() -> None:
    cat = catalog()
    with pytest.raises(CatalogError, match="not in the exam catalog"):
        check_exam(ExamDef("X", "x", replaces="nope"), cat.exams)
    with pytest.raises(CatalogError, match="cycle"):
        exams = dict(cat.exams) | {"A1": ExamDef("A1", "a", replaces="A2"), "A2": ExamDef("A2", "b", replaces="A1")}
        check_exam(exams["A2"], exams)
    with pytest.raises(CatalogError, match="cycle"):
        check_certification(CertificationDef("CCNA", "x", "associate", (("A1",),), 36, prerequisites=("CCNP",)), cat)
    with pytest.raises(CatalogError, match="not in the exam catalog"):
        check_certification(CertificationDef("Z", "x", "expert", (("ZZ",),), 24), cat)

    with pytest.raises(CatalogError, match="already replaced by A1B"):
        exams = dict(cat.exams) | {"A1B": ExamDef("A1B", "b", replaces="A1"), "A1C": ExamDef("A1C", "c", replaces="A1")}
        check_exam(exams["A1C"], exams)


def test_ce1_an_announcement_is_made_once_and_changes_only_when_it_does() -> None:
    day, later = date(2020, 1, 1), date(2020, 2, 1)
    new = ExamDef("A1B", "CCNA v2", replaces="A1")
    stored, said = announce(None, new, day)
    assert said == Announcement("A1", "A1B", False, day, day)
    assert (stored.replacement_effective_on, stored.replacement_announced_on) == (day, day)
    assert announce(stored, replace(new, title="renamed"), later) == (replace(stored, title="renamed"), None)
    required, said = announce(stored, replace(new, replacement_required=True), later)
    assert said == Announcement("A1", "A1B", True, later, later)
    dated, said = announce(required, replace(new, replacement_required=True, replacement_effective_on=date(2020, 9, 1)), later)
    assert said == Announcement("A1", "A1B", True, date(2020, 9, 1), later)
    assert announce(dated, replace(new, replacement_required=True), later)[1] is None, "no date given: the announced one stays"
    assert announce(None, ExamDef("X", "no replacement"), day)[1] is None
    legacy = ExamDef("A1B", "CCNA v2", replaces="A1")  # written before announcements were recorded
    assert announce(legacy, new, later)[1] == Announcement("A1", "A1B", False, later, later)
    for withdrawn in (replace(new, replaces=None), replace(new, replaces="D1")):
        with pytest.raises(CatalogError, match="neither withdrawn nor moved"):
            announce(stored, withdrawn, later)


def test_ce8_any_number_of_certifications() -> None:
    states = replay(
        passes(("A1", "2020-01-01"), ("D1", "2020-01-02"), ("T1", "2020-01-03"), ("R1", "2020-01-04"), ("S1", "2020-01-05")),
        catalog(),
        date(2020, 2, 1),
    )
    assert set(states) == {"CCNA", "CCDA", "CQS-S", "CQS-R", "CQS-AM"}


def test_history_order_does_not_matter() -> None:
    history = passes(("P2", "2020-06-15"), ("A1", "2020-01-10"), ("P1", "2020-03-01"))
    a = replay(history, catalog(), TODAY)
    b = replay(list(reversed(history)), catalog(), TODAY)
    assert {k: (v.achieved_on, v.expires_on, v.status) for k, v in a.items()} == {
        k: (v.achieved_on, v.expires_on, v.status) for k, v in b.items()
    }
