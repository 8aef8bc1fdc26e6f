"""The yearly state machine on every edge (SP-7 to SP-13), pure: dates and facts in, decisions out."""

from __future__ import annotations

from datetime import date, timedelta

from partnerhub.bus import contracts as c
from partnerhub.dates import add_months, add_years
from specialization.domain import lifecycle as lc
from specialization.domain.calendar import nth_anniversary

APPROVED = date(2027, 1, 15)
A = date(2028, 1, 15)  # the first anniversary
RULES = lc.Rules()
MET = lc.Assessment(points_earned=100, points_required=100)
SHORT = lc.Assessment(points_earned=99, points_required=100)
D = timedelta
KEY = {"be_geo_id": "P1", "specialization": "ENT"}  # the partner specialization the decisions are events of


def held() -> lc.SpecState:
    return lc.approve(APPROVED, **KEY)


def run_days(state: lc.SpecState, first: date, last: date, assessment: lc.Assessment) -> tuple[lc.SpecState, list]:
    seen = []
    day = first
    while day <= last:
        state, transitions = lc.advance(state, assessment, day, RULES)
        seen += [(day, t) for t in transitions]
        day += D(1)
    return state, seen


def test_sp2_sp7_approval_sets_anniversary_and_period() -> None:
    s = held()
    assert (s.status, s.anniversary, s.period_start, s.period_end) == ("approved", A, APPROVED, A)


def test_sp9_window_opens_90_days_before_not_a_day_earlier() -> None:
    s = held()
    first = A - D(90)
    same, none = lc.advance(s, SHORT, first - D(1), RULES)
    assert none == [] and same.status == "approved"
    opened, transitions = lc.advance(s, SHORT, first, RULES)
    assert transitions == [c.RenewalWindowOpened(**KEY, opened_on=first, anniversary=A)] and opened.status == "renewal_window"
    assert not lc.can_submit_renewal(s, first - D(1))
    assert lc.can_submit_renewal(s, first) and lc.can_submit_renewal(s, A)
    assert not lc.can_submit_renewal(s, A + D(1))


def test_sp10_day_before_and_of_anniversary_nothing_decided() -> None:
    s, _ = lc.advance(held(), SHORT, A - D(90), RULES)
    for day in (A - D(1), A):
        same, transitions = lc.advance(s, SHORT, day, RULES)
        assert transitions == [] and same.status == "renewal_window"


def test_sp10_met_renewed_on_anniversary_next_period_from_day_after() -> None:
    s, _ = lc.advance(held(), MET, A - D(90), RULES)
    new, transitions = lc.advance(s, MET, A + D(1), RULES)
    assert transitions == [c.Renewed(**KEY, renewed_on=A, period_start=A + D(1), period_end=date(2029, 1, 15))]
    assert (new.status, new.period_start, new.anniversary) == ("approved", A + D(1), date(2029, 1, 15))


def test_sp10_points_window_covers_the_anniversary_day_and_no_more() -> None:
    s, _ = lc.advance(held(), SHORT, A - D(90), RULES)
    assert lc.points_window(s, A + D(3)) == (APPROVED, A)
    assert lc.points_window(s, A - D(5)) == (APPROVED, A - D(5))


def test_sp10_short_starts_ten_day_grace() -> None:
    s, _ = lc.advance(held(), SHORT, A - D(90), RULES)
    g, transitions = lc.advance(s, SHORT, A + D(1), RULES)
    assert transitions == [c.GraceStarted(**KEY, started_on=A + D(1), grace_ends_on=A + D(10))]
    assert g.status == "grace" and g.grace_ends_on == A + D(10)


def test_sp10_grace_day_10_still_grace_day_11_lost() -> None:
    s, _ = lc.advance(held(), SHORT, A - D(90), RULES)
    g, _ = lc.advance(s, SHORT, A + D(1), RULES)
    g, seen = run_days(g, A + D(2), A + D(10), SHORT)
    assert seen == [] and g.status == "grace"
    lost, transitions = lc.advance(g, SHORT, A + D(11), RULES)
    blocked_until = date(2029, 7, 25)  # lost 2028-01-26 + 18 months - 1 day
    assert transitions == [c.Lost(**KEY, lost_on=A + D(11), blocked_until=blocked_until)]
    assert lost.status == "lost" and lost.lost_on == date(2028, 1, 26)


def test_sp10_points_arriving_during_grace_count_for_the_period_being_renewed() -> None:
    s, _ = lc.advance(held(), SHORT, A - D(90), RULES)
    g, _ = lc.advance(s, SHORT, A + D(1), RULES)
    assert lc.points_window(g, A + D(10)) == (APPROVED, A + D(10))
    renewed = lc.renew_in_grace(g, MET, A + D(4), RULES)
    assert renewed is not None
    new, t = renewed
    assert t == c.Renewed(**KEY, renewed_on=A + D(4), period_start=A + D(5), period_end=date(2029, 1, 15))
    assert new.anniversary == date(2029, 1, 15), "the anniversary keeps its day"


def test_sp10_points_on_grace_day_10_renew_at_the_job_of_day_11() -> None:
    s, _ = lc.advance(held(), SHORT, A - D(90), RULES)
    g, _ = lc.advance(s, SHORT, A + D(1), RULES)
    new, transitions = lc.advance(g, MET, A + D(11), RULES)
    assert transitions == [c.Renewed(**KEY, renewed_on=A + D(10), period_start=A + D(11), period_end=date(2029, 1, 15))]
    assert new.status == "approved"


def test_sp10_mandatory_item_outstanding_blocks_renewal() -> None:
    a = lc.Assessment(120, 100, mandatory_outstanding=("collab-update-2028",))
    assert a.unmet() == ["mandatory item collab-update-2028 not completed"]
    s, _ = lc.advance(held(), a, A - D(90), RULES)
    g, transitions = lc.advance(s, a, A + D(1), RULES)
    assert isinstance(transitions[0], c.GraceStarted)


def test_sp14_vacant_role_at_anniversary_means_no_renewal() -> None:
    a = lc.Assessment(150, 100, vacant_roles=("SE",))
    s, _ = lc.advance(held(), a, A - D(90), RULES)
    g, transitions = lc.advance(s, a, A + D(1), RULES)
    assert g.status == "grace" and "role SE is vacant" in a.unmet()


def test_sp9_submission_needed_only_when_configured() -> None:
    a = lc.Assessment(100, 100, submitted=False)
    assert a.met(lc.Rules()) and not a.met(lc.Rules(requires_submission=True))


def test_sp8_atp_needs_no_points() -> None:
    s, _ = lc.advance(held(), lc.Assessment(0, 0), A - D(90), RULES)
    new, transitions = lc.advance(s, lc.Assessment(0, 0), A + D(1), RULES)
    assert isinstance(transitions[0], c.Renewed)


def test_sp11_reactivation_new_anniversary_is_reapproval_date() -> None:
    s, _ = lc.advance(held(), SHORT, A - D(90), RULES)
    g, _ = lc.advance(s, SHORT, A + D(1), RULES)
    lost, _ = lc.advance(g, SHORT, A + D(11), RULES)
    assert lc.reactivate(lost, SHORT, date(2028, 3, 1)) == ["points: 99 of 100 earned"]
    assert lc.points_window(lost, date(2028, 3, 1)) == (APPROVED, date(2028, 3, 1)), "the lost period's points keep counting"
    result = lc.reactivate(lost, MET, date(2028, 3, 1))
    assert not isinstance(result, list)
    new, t = result
    assert t == c.Reactivated(**KEY, reactivated_on=date(2028, 3, 1), anniversary=date(2029, 3, 1))
    assert (new.status, new.approved_on, new.anniversary, new.period_start) == (
        "approved", date(2028, 3, 1), date(2029, 3, 1), date(2028, 3, 2)
    )


def test_sp11_reactivation_needs_the_core() -> None:
    lost = lc.SpecState("lost", APPROVED, A, APPROVED, lost_on=A + D(11), blocked_until=date(2029, 7, 25), **KEY)
    assert lc.reactivate(lost, lc.Assessment(100, 100, vacant_roles=("AM",)), date(2028, 3, 1)) == ["role AM is vacant"]


def test_sp12_block_last_day_and_first_day_after() -> None:
    lost = lc.SpecState("lost", APPROVED, A, APPROVED, lost_on=date(2028, 1, 26), blocked_until=date(2029, 7, 25), **KEY)
    assert lc.blocked_for_new_application(lost, date(2029, 7, 25))
    assert not lc.blocked_for_new_application(lost, date(2029, 7, 26))
    assert not lc.blocked_for_new_application(None, date(2029, 7, 25))


def test_sp13_icon_grey_first_six_months_then_on_target_or_behind() -> None:
    s = held()
    six = add_months(APPROVED, 6)  # 2027-07-15
    assert lc.icon(s, 0, 100, six - D(1)) == "inactive"
    fraction = (six - APPROVED).days / (A - APPROVED).days
    needed = 100 * fraction  # ~49.6 points
    assert lc.icon(s, int(needed) + 1, 100, six) == "on_target"
    assert lc.icon(s, int(needed) - 1, 100, six) == "behind"
    assert lc.icon(s, 0, 0, six) == "not_applicable"


def test_sp13_icon_measures_the_renewed_year_from_the_anniversary() -> None:
    renewed = lc.SpecState("approved", APPROVED, date(2029, 1, 15), A + D(1), **KEY)
    assert lc.icon(renewed, 0, 100, date(2028, 7, 14)) == "inactive"
    assert lc.icon(renewed, 0, 100, date(2028, 7, 15)) == "behind"


def test_sp13_icon_changes_on_the_day_grey_ends_and_the_day_on_target_turns_behind() -> None:
    """The next day the calendar alone changes the icon, agreeing with ``icon`` day by day (so the daily job
    announces each change once, on its day)."""
    s = held()
    for points, rules in ((0, RULES), (50, RULES), (100, RULES), (50, lc.Rules(icon_inactive_months=5))):
        day, expected = APPROVED, None
        while day <= A:
            today = lc.icon(s, points, 100, day, rules)
            found = lc.icon_changes_on(s, points, 100, day, rules)
            expected = next(
                (d for d in (day + D(n) for n in range(1, (A - day).days + 1)) if lc.icon(s, points, 100, d, rules) != today),
                None,
            )
            assert found == expected, (points, rules.icon_inactive_months, day)
            day += D(17)
    assert lc.icon_changes_on(s, 50, 100, APPROVED) == add_months(APPROVED, 6)  # grey ends: on target (50 ≥ 49.6)
    assert lc.icon_changes_on(s, 50, 100, add_months(APPROVED, 6)) == APPROVED + D(183)  # 50 < 100 × 183/365
    assert lc.icon_changes_on(s, 50, 100, add_months(APPROVED, 6), lc.Rules(icon_inactive_months=5)) == APPROVED + D(183)
    assert lc.icon_changes_on(s, 10, 100, add_months(APPROVED, 7)) is None  # behind stays behind without points
    assert lc.icon_changes_on(s, 100, 100, add_months(APPROVED, 7)) is None  # the whole year's points: on target to A
    assert lc.icon_changes_on(s, 0, 0, APPROVED) is None  # not applicable (ATP)
    grace = lc.SpecState("grace", APPROVED, A, APPROVED, grace_ends_on=A + D(10), **KEY)
    assert lc.icon_changes_on(grace, 99, 100, A + D(1)) is None  # past the anniversary the fraction stays 1


def test_next_check_days() -> None:
    s = held()
    assert lc.next_check_on(s, APPROVED) == A - D(90)
    w, _ = lc.advance(s, SHORT, A - D(90), RULES)
    assert lc.next_check_on(w, A - D(90)) == A + D(1)
    g, _ = lc.advance(w, SHORT, A + D(1), RULES)
    assert lc.next_check_on(g, A + D(1)) == A + D(11), "grace is decided when it is over"
    lost, _ = run_days(g, A + D(2), A + D(11), SHORT)
    assert lost.status == "lost" and lc.next_check_on(lost, A + D(11)) is None


def test_sp7_leap_day_anniversary_does_not_drift() -> None:
    s = lc.approve(date(2028, 2, 29), **KEY)
    assert s.anniversary == date(2029, 2, 28)
    assert nth_anniversary(date(2028, 2, 29), date(2031, 2, 28)) == date(2032, 2, 29)
    assert add_years(date(2028, 2, 29), 1) == date(2029, 2, 28)


def test_sp10_a_year_jump_renews_once_and_reopens_the_window() -> None:
    s, seen = run_days(held(), APPROVED, date(2029, 1, 20), MET)
    kinds = [type(t).__name__ for _, t in seen]
    assert kinds == ["RenewalWindowOpened", "Renewed", "RenewalWindowOpened", "Renewed"]
    assert s.anniversary == date(2030, 1, 15)
