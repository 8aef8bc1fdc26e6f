"""CL-2, CL-4, CL-6: point values and which actions earn."""

from __future__ import annotations

import pytest

from learning.domain.points import activity_points, completion_problem, earns


@pytest.mark.parametrize(
    ("minutes", "points"), [(0, 0), (29, 0), (30, 1), (59, 1), (60, 2), (599, 19), (600, 20), (601, 20), (6000, 20)]
)
def test_cl2_one_point_per_full_half_hour_capped_at_20(minutes: int, points: int) -> None:
    assert activity_points(minutes) == points


@pytest.mark.parametrize(("minutes", "points"), [(600, 20), (601, 20), (660, 22), (750, 25), (751, 25), (2000, 25)])
def test_cl2_flagged_activities_cap_at_25(minutes: int, points: int) -> None:
    assert activity_points(minutes, extended_cap=True) == points


def test_cl2_explicit_value_overrides_the_rule_and_the_cap() -> None:
    assert activity_points(29, explicit_points=5) == 5
    assert activity_points(6000, explicit_points=40) == 40
    assert activity_points(600, explicit_points=0) == 0
    with pytest.raises(ValueError):
        activity_points(60, explicit_points=-1)


def test_cl4_video_earns_when_viewed_never_when_downloaded() -> None:
    assert earns("video", "viewed")
    assert not earns("video", "downloaded")
    assert not any(earns(kind, "downloaded") for kind in ("online_course", "live_course", "lab", "event", "video"))


def test_courses_earn_on_completion_events_on_attendance() -> None:
    assert earns("online_course", "completed") and not earns("online_course", "viewed")
    assert earns("live_course", "attended") and earns("event", "attended") and earns("lab", "completed")


def test_cl6_exams_earn_only_through_passed_results() -> None:
    assert not earns("exam", "completed")
    assert completion_problem("exam", "completed") is not None
    assert completion_problem("video", "downloaded") is None
    assert completion_problem("video", "skimmed") is not None
