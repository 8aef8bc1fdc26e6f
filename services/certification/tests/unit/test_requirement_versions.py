"""Requirement versions (CE-4, CE-5) as pure functions: which version is in force, what a write adds,
and how the replay judges each day by the version in force on it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from certification.domain.badges import Pass, replay
from certification.domain.catalog import (
    Catalog,
    CatalogError,
    CertificationDef,
    ExamDef,
    check_certification,
    next_version,
    version_in_force,
)

D = date.fromisoformat
EXAMS = [ExamDef(n, n) for n in ("A1", "B1", "B2", "C1", "N1")]
Q1 = CertificationDef("Q", "Q one", "professional", (("A1",),), 36)
Q2 = replace(Q1, name="Q two", required_exams=(("B1",),), renewal_exams=(("B2",),), validity_months=24,
             version=2, effective_on=D("2021-01-01"))  # fmt: skip


def catalog(*versions: CertificationDef) -> Catalog:
    return Catalog.of(EXAMS, versions or (Q1, Q2))


def passes(*items: tuple[str, str]) -> list[Pass]:
    return [Pass(exam, D(on)) for exam, on in items]


def test_ce4_badge_achieved_under_v1_stays_active_for_its_term_after_v2_changes_its_exams() -> None:
    states = replay(passes(("A1", "2020-05-01"), ("C1", "2022-01-01")), catalog(), D("2022-06-01"))
    badge = states["Q"]
    assert (badge.status, badge.achieved_on, badge.expires_on, badge.version) == ("active", D("2020-05-01"), D("2023-05-01"), 1)
    later = replay(passes(("A1", "2020-05-01")), catalog(), D("2023-05-01"))
    assert later["Q"].status == "expired"  # its own term, then it lapses like any badge


def test_ce4_completing_v1_exams_only_after_v2_is_in_force_does_not_achieve() -> None:
    assert "Q" not in replay(passes(("A1", "2021-01-01")), catalog(), D("2022-01-01"))
    assert "Q" not in replay(passes(("A1", "2021-03-01")), catalog(), D("2022-01-01"))
    just_before = replay(passes(("A1", "2020-12-31")), catalog(), D("2022-01-01"))
    assert just_before["Q"].version == 1


def test_ce4_achieved_under_v2_records_version_2_and_its_validity() -> None:
    badge = replay(passes(("B1", "2021-02-01")), catalog(), D("2022-01-01"))["Q"]
    assert (badge.achieved_on, badge.expires_on, badge.version) == (D("2021-02-01"), D("2023-02-01"), 2)


def test_ce5_renewal_after_v2_uses_v2_renewal_exams_and_its_validity() -> None:
    # v1's exams no longer renew once v2 is in force
    old_way = replay(passes(("A1", "2020-05-01"), ("A1", "2022-06-01")), catalog(), D("2022-07-01"))["Q"]
    assert (old_way.renewed_on, old_way.expires_on, old_way.version) == (None, D("2023-05-01"), 1)
    renewed = replay(passes(("A1", "2020-05-01"), ("B2", "2022-06-01")), catalog(), D("2022-07-01"))["Q"]
    assert (renewed.renewed_on, renewed.version) == (D("2022-06-01"), 2)
    # max(current expiry, renewal + v2's 24 months)
    assert renewed.expires_on == D("2024-06-01")


def test_ce5_renewal_before_v2_uses_v1() -> None:
    renewed = replay(passes(("A1", "2020-05-01"), ("A1", "2020-11-01")), catalog(), D("2022-07-01"))["Q"]
    assert (renewed.renewed_on, renewed.expires_on, renewed.version) == (D("2020-11-01"), D("2023-11-01"), 1)


def test_ce4_requirements_met_before_a_version_takes_effect_achieve_on_its_effective_day() -> None:
    badge = replay(passes(("B1", "2020-06-01")), catalog(), D("2021-06-01"))["Q"]
    assert (badge.achieved_on, badge.version) == (D("2021-01-01"), 2)
    assert "Q" not in replay(passes(("B1", "2020-06-01")), catalog(), D("2020-12-31"))


def test_ce4_version_in_force_is_the_greatest_effective_date_then_version() -> None:
    q3 = replace(Q2, name="Q three", version=3)  # supersedes v2 on the same (future) effective date
    q4 = replace(Q2, name="Q four", version=4, effective_on=D("2022-01-01"))
    history = (Q1, Q2, q3, q4)
    assert version_in_force(history, D("1999-01-01")).version == 1  # the first: since always
    assert version_in_force(history, D("2020-12-31")).version == 1
    assert version_in_force(history, D("2021-01-01")).version == 3
    assert version_in_force(history, D("2021-12-31")).version == 3
    assert version_in_force(history, D("2022-01-01")).version == 4
    assert catalog(Q1, Q2, q3, q4).in_force("Q", D("2021-06-01")).name == "Q three"


def test_ce4_a_write_adds_a_version_never_rewrites_one() -> None:
    today = D("2020-06-01")
    first = next_version((), replace(Q1, effective_on=D("2020-07-01")), None, today)
    assert first is not None and (first.version, first.effective_on) == (1, None)  # in force since always
    assert next_version((Q1,), replace(Q1, version=7), None, today) is None  # the same requirements: nothing
    changed = replace(Q1, required_exams=(("B1",),))
    second = next_version((Q1,), changed, None, today)
    assert second is not None and (second.version, second.effective_on) == (2, today)
    future = next_version((Q1,), changed, D("2020-09-01"), today)
    assert future is not None and (future.version, future.effective_on) == (2, D("2020-09-01"))
    # a future version superseded on its own effective date: a new version, the old one stays
    again = next_version((Q1, future), replace(changed, validity_months=12), D("2020-09-01"), today)
    assert again is not None and (again.version, again.effective_on) == (3, D("2020-09-01"))


@pytest.mark.parametrize(
    ("history", "cert", "effective_on", "words"),
    [
        ((Q1,), replace(Q1, required_exams=(("B1",),)), D("2020-05-31"), "before today"),
        ((), Q1, D("2020-05-31"), "before today"),
        ((Q1, replace(Q2, effective_on=D("2020-09-01"))), replace(Q1, name="x"), D("2020-08-01"), "before the effective date of version 2"),
        ((Q1,), replace(Q1, kind="expert"), None, "kind never changes"),
    ],
)
def test_ce4_refused_writes(history, cert, effective_on, words) -> None:
    with pytest.raises(CatalogError, match=words):
        next_version(history, cert, effective_on, D("2020-06-01"))


def test_ce4_prerequisite_cycles_and_touched_certifications_over_all_versions() -> None:
    base = CertificationDef("BASE", "Base", "associate", (("N1",),), 36)
    q1 = replace(Q1, prerequisites=("BASE",))
    q2 = replace(Q2, prerequisites=())
    cat = Catalog.of(EXAMS, (base, q1, q2))
    assert cat.order.index("BASE") < cat.order.index("Q")  # v1 still needs BASE
    assert cat.dependents["BASE"] == {"Q"}
    assert cat.certifications_touched_by({"A1"}) == {"Q"}  # only v1 names A1
    assert cat.certifications_touched_by({"B2"}) == {"Q"}  # only v2 renews with B2
    with pytest.raises(CatalogError, match="cycle"):
        check_certification(replace(base, prerequisites=("Q",), version=2, effective_on=D("2021-06-01")), cat)
