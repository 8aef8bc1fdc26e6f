"""CL-7, CL-8, ID-2: which partners a person's points credit, and corrections."""

from __future__ import annotations

from datetime import date

from learning.domain.attribution import (
    CreditChange,
    CreditState,
    EntryFact,
    MergeEntry,
    Stint,
    credited_partners,
    desired_credits,
    is_current_member,
    plan_merge,
    plan_reconciliation,
)

D = date.fromisoformat


def test_cl7_member_on_the_day_credits_the_partner() -> None:
    assert credited_partners(D("2026-02-01"), [Stint("P", D("2026-01-01"))]) == {"P"}
    assert credited_partners(D("2026-02-01"), []) == set()


def test_cl8_person_who_moves_twice_credits_every_later_partner() -> None:
    stints = [
        Stint("P", D("2026-01-01"), D("2026-04-01")),
        Stint("Q", D("2026-04-01"), D("2026-08-01")),
        Stint("R", D("2026-08-01")),
    ]
    assert credited_partners(D("2026-02-01"), stints) == {"P", "Q", "R"}  # earned at P: P keeps it, Q and R get it too
    assert credited_partners(D("2026-05-01"), stints) == {"Q", "R"}  # earned at Q after leaving P
    assert credited_partners(D("2026-09-01"), stints) == {"R"}
    assert credited_partners(D("2026-04-01"), stints) == {"Q", "R"}  # the day of the move belongs to the new partner


def test_cl8_leaves_and_comes_back_is_credited_once() -> None:
    stints = [Stint("P", D("2026-01-01"), D("2026-04-01")), Stint("P", D("2026-06-01"))]
    assert credited_partners(D("2026-02-01"), stints) == {"P"}
    assert credited_partners(D("2026-05-01"), stints) == {"P"}  # earned while away; P gets it on return (CL-8)


def test_cl8_previous_employee() -> None:
    stints = [Stint("P", D("2026-01-01"), D("2026-04-01")), Stint("Q", D("2026-04-01"))]
    assert not is_current_member(stints, "P", D("2026-05-01"))
    assert is_current_member(stints, "Q", D("2026-05-01"))
    assert is_current_member(stints, "P", D("2026-03-31"))


def test_desired_credits_per_entry_and_partner() -> None:
    entries = [EntryFact("e1", "a", D("2026-02-01")), EntryFact("e2", "a", D("2026-05-01"))]
    stints = {"a": [Stint("P", D("2026-01-01"), D("2026-04-01")), Stint("Q", D("2026-04-01"))]}
    assert desired_credits(entries, stints) == {("P", "e1"): "a", ("Q", "e1"): "a", ("Q", "e2"): "a"}


def test_reconciliation_grants_missing_revokes_wrong_and_never_doubles() -> None:
    desired = {("P", "e1"): "a", ("Q", "e1"): "a"}
    existing = {("P", "e1"): CreditState("a", True), ("R", "e1"): CreditState("a", True), ("Q", "e1"): CreditState("a", False)}
    assert plan_reconciliation(desired, existing) == [
        CreditChange("Q", "e1", "a", +1),
        CreditChange("R", "e1", "a", -1),
    ]
    assert plan_reconciliation(desired, {k: CreditState(v, True) for k, v in desired.items()}) == []


def test_id2_reconciliation_moves_a_credit_to_the_survivor() -> None:
    changes = plan_reconciliation({("P", "e1"): "survivor"}, {("P", "e1"): CreditState("retired", True)})
    assert changes == [CreditChange("P", "e1", "retired", -1), CreditChange("P", "e1", "survivor", +1)]
    assert sum(c.sign for c in changes) == 0


def test_id2_same_activity_under_two_ids_counts_once_keeping_the_earliest() -> None:
    kept, voided = plan_merge(
        [
            MergeEntry("s1", "survivor", "A", D("2026-03-01")),
            MergeEntry("r1", "retired", "A", D("2026-02-01")),
            MergeEntry("r2", "retired", "B", D("2026-02-05")),
        ]
    )
    assert kept == ["r1", "r2"] and voided == ["s1"]
