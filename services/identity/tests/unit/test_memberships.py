"""ID-3 (history, at most one active association) and ID-2 (combining active memberships)."""

from __future__ import annotations

from datetime import date

import pytest

from identity.domain.memberships import (
    MembershipRuleError,
    Stint,
    combine_active,
    decide_leave,
    plan_join,
)

TODAY = date(2027, 6, 1)


def test_id3_joining_ends_the_other_active_membership() -> None:
    current = Stint(1, "P1", date(2027, 1, 1))
    plan = plan_join([current], "P2", date(2027, 3, 1), TODAY)
    assert plan.end == current and not plan.already_member


def test_id3_joining_the_same_partner_again_changes_nothing() -> None:
    plan = plan_join([Stint(1, "P1", date(2027, 1, 1))], "P1", date(2027, 3, 1), TODAY)
    assert plan.already_member and plan.end is None


@pytest.mark.parametrize(
    ("history", "on", "slug"),
    [
        ([Stint(1, "P1", date(2027, 3, 1))], date(2027, 2, 1), "overlapping-membership"),
        ([Stint(1, "P1", date(2027, 1, 1), date(2027, 4, 1))], date(2027, 3, 1), "overlapping-membership"),
        ([], date(2027, 6, 2), "date-in-future"),
    ],
)
def test_id3_history_never_overlaps(history, on, slug) -> None:
    with pytest.raises(MembershipRuleError) as err:
        plan_join(history, "P2", on, TODAY)
    assert err.value.slug == slug


def test_id3_leaving_needs_a_date_within_the_membership() -> None:
    stint = Stint(1, "P1", date(2027, 3, 1))
    assert decide_leave(stint, date(2027, 3, 1), TODAY) == "end"
    with pytest.raises(MembershipRuleError) as err:
        decide_leave(stint, date(2027, 2, 28), TODAY)
    assert err.value.slug == "end-before-start"


def test_id3_no4_a_date_after_today_is_a_planned_leave_and_a_new_date_replaces_it() -> None:
    stint = Stint(1, "P1", date(2027, 3, 1))
    assert decide_leave(stint, TODAY, TODAY) == "end"
    assert decide_leave(stint, date(2027, 6, 2), TODAY) == "plan"
    planned = Stint(1, "P1", date(2027, 3, 1), leaves_on=date(2027, 9, 1))
    assert decide_leave(planned, date(2027, 9, 1), TODAY) == "unchanged"
    assert decide_leave(planned, date(2027, 8, 1), TODAY) == "plan"
    assert decide_leave(planned, date(2027, 5, 1), TODAY) == "end"  # a past date still ends at once


def test_id2_most_recent_active_membership_stays_active() -> None:
    mine = [Stint(1, "P1", date(2027, 1, 1)), Stint(2, "P0", date(2026, 1, 1), date(2027, 1, 1))]
    theirs = [Stint(3, "P2", date(2027, 2, 1))]
    keep, end = combine_active(mine, theirs)
    assert keep == theirs[0] and end == [mine[0]]


def test_id2_a_tie_keeps_the_survivors_membership() -> None:
    keep, end = combine_active([Stint(1, "P1", date(2027, 1, 1))], [Stint(2, "P2", date(2027, 1, 1))])
    assert keep.id == 1 and [s.id for s in end] == [2]
    assert combine_active([], [Stint(3, "P3", date(2027, 1, 1), date(2027, 2, 1))]) == (None, [])
