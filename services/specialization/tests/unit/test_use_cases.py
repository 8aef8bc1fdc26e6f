"""The yearly cycle's announcing step, with a fake unit of work (no database, no clock, no broker): what a decided
day emits and writes (SP-10, SP-11, SP-13), and settings that come from whoever opened the unit of work.

The thin layer above the pure domain (``test_lifecycle.py``) and below the integration tests, as cosmicpython's
``tests/unit/test_handlers.py``: a step that reads or writes tables fails here with ``NeedsTheDatabase``.
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from partnerhub.bus import contracts as c
from partnerhub.fakes import FakeUnitOfWork, NeedsTheDatabase
from specialization.domain import lifecycle as lc
from specialization.policy import policy
from specialization.settings import SpecializationSettings
from specialization.use_cases.cycle import Decided, advance_due, announce_day
from specialization.use_cases.icons import Judged

APPROVED = date(2027, 1, 15)
A = date(2028, 1, 15)  # the first anniversary
KEY = {"be_geo_id": "P1", "specialization": "ENT"}
MET = lc.Assessment(points_earned=100, points_required=100)
SHORT = lc.Assessment(points_earned=40, points_required=100)


def _row(state: lc.SpecState, *, icon: str | None = "on_target", rules: lc.Rules = lc.Rules()) -> Any:
    """The partner specialization's stored row, as the day before left it."""
    return SimpleNamespace(
        **KEY, icon=icon, icon_check_on=None, next_check_on=lc.next_check_on(state, A - timedelta(days=1), rules),
        compliant=True,
    )


def _in_window() -> lc.SpecState:
    state, _ = lc.advance(lc.approve(APPROVED, **KEY), SHORT, A - timedelta(days=90))
    return state


def _decide(state: lc.SpecState, a: lc.Assessment, day: date, rules: lc.Rules, icon: lc.Icon) -> Decided:
    new, transitions = lc.advance(state, a, day, rules)
    return Decided("enterprise", 100, new, transitions, Judged(icon, None), "Enterprise Networks")


def test_sp10_a_renewal_announces_renewed_then_the_new_period_status() -> None:
    uow = FakeUnitOfWork(today=A + timedelta(days=1))
    state = _in_window()
    change = announce_day(uow, _row(state), _decide(state, MET, A + timedelta(days=1), lc.Rules(), "on_target"), A, lc.Rules())
    renewed, status = uow.emitted
    assert renewed == c.Renewed(**KEY, renewed_on=A, period_start=A + timedelta(days=1), period_end=date(2029, 1, 15))
    assert isinstance(status, c.StatusChanged)
    assert (status.status, status.period_start, status.anniversary, status.points_required, status.name) == (
        "approved", A + timedelta(days=1), date(2029, 1, 15), 100, "Enterprise Networks",
    )
    assert change is not None and change["status"] == "approved", "the renewed row is written"
    assert not uow.committed, "a step never commits: its caller's unit of work does"


def test_sp10_grace_days_are_the_settings_the_unit_of_work_was_opened_with() -> None:
    uow = FakeUnitOfWork(today=A + timedelta(days=1), settings=SpecializationSettings(grace_days=5))
    rules = policy(uow).rules()
    state = _in_window()
    announce_day(uow, _row(state), _decide(state, SHORT, A + timedelta(days=1), rules, "behind"), A, rules)
    grace, status = uow.emitted
    assert grace == c.GraceStarted(**KEY, started_on=A + timedelta(days=1), grace_ends_on=A + timedelta(days=5))
    assert isinstance(status, c.StatusChanged) and status.status == "grace" and status.icon == "behind"


def test_settings_never_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECIALIZATION_GRACE_DAYS", "7")
    with pytest.raises(RuntimeError, match="without the specialization settings"):
        policy(FakeUnitOfWork(today=A))


def test_sp13_a_changed_icon_alone_is_a_status_change() -> None:
    uow = FakeUnitOfWork(today=A - timedelta(days=30))
    state = _in_window()
    day = A - timedelta(days=30)
    change = announce_day(uow, _row(state, icon="on_target"), _decide(state, SHORT, day, lc.Rules(), "behind"), day, lc.Rules())
    (status,) = uow.emitted
    assert isinstance(status, c.StatusChanged)
    assert (status.status, status.icon) == ("renewal_window", "behind")
    assert change is not None and change["icon"] == "behind"


def test_sp13_a_day_that_changes_nothing_announces_and_writes_nothing() -> None:
    uow = FakeUnitOfWork(today=A - timedelta(days=30))
    state = _in_window()
    day = A - timedelta(days=30)
    row = _row(state, icon="behind")
    row.next_check_on = lc.next_check_on(state, day, lc.Rules())
    assert announce_day(uow, row, _decide(state, SHORT, day, lc.Rules(), "behind"), day, lc.Rules()) is None
    assert uow.emitted == []


def test_sp11_a_reactivation_is_announced_with_status_reactivated() -> None:
    uow = FakeUnitOfWork(today=date(2028, 3, 1))
    lost = lc.SpecState(
        "lost", APPROVED, A, APPROVED, lost_on=date(2028, 1, 26), blocked_until=date(2029, 7, 25), **KEY
    )
    result = lc.reactivate(lost, MET, date(2028, 3, 1))
    assert not isinstance(result, list)
    new, t = result
    decided = Decided("enterprise", 100, new, [t], Judged("on_target", None), None)
    announce_day(uow, _row(lost, icon="inactive"), decided, date(2028, 3, 1), lc.Rules())
    reactivated, status = uow.emitted
    assert reactivated == c.Reactivated(**KEY, reactivated_on=date(2028, 3, 1), anniversary=date(2029, 3, 1))
    assert isinstance(status, c.StatusChanged) and status.status == "reactivated"


async def test_the_daily_job_reads_the_database_so_it_is_no_fake_unit_test() -> None:
    uow = FakeUnitOfWork(today=A, settings=SpecializationSettings())
    with pytest.raises(NeedsTheDatabase):
        await advance_due(uow, A)
