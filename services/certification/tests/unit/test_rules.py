"""Reminders (CE-6, CE-9), program categories (CE-12), privacy (CE-11), events, result rows."""

from __future__ import annotations

from datetime import date

import pytest

from certification.domain.badges import BadgeState
from certification.domain.catalog import program_category
from certification.domain.changes import badge_events
from certification.domain.privacy import Standing, certification_view, exam_history_decision
from certification.domain.reminders import due_threshold, next_reminder
from certification.domain.rows import RowError, parse_row
from partnerhub.bus.contracts import BadgeAchieved, BadgeExpired, BadgeExtended, BadgeRenewed
from partnerhub.policy import Decision, Principal

EXP = date(2024, 9, 30)


def test_ce6_reminders_six_then_three_months_before() -> None:
    assert next_reminder("associate", "active", EXP) == (date(2024, 3, 30), 6)
    assert next_reminder("associate", "active", EXP, {6}) == (date(2024, 6, 30), 3)
    assert next_reminder("associate", "active", EXP, {3}) is None
    assert next_reminder("associate", "expired", EXP) is None
    assert due_threshold(EXP, date(2024, 3, 29)) is None
    assert due_threshold(EXP, date(2024, 3, 30)) == 6
    assert due_threshold(EXP, date(2024, 6, 30)) == 3
    assert due_threshold(EXP, EXP) is None


def test_ce9_no_reminders_for_representative_cqs() -> None:
    assert next_reminder("cqs_representative", "active", EXP) is None
    assert next_reminder("cqs_specialist", "active", EXP) is not None  # CE-10


def test_ce12_cqs_fulfils_no_program_requirement() -> None:
    assert program_category("cqs_specialist") is None
    assert program_category("cqs_representative") is None
    assert program_category("sales_expert") == "sales_expert"
    assert program_category("associate") == "associate"
    assert program_category("professional") == "professional"
    assert program_category("expert") == "expert"


def _p(sub: str, *roles: str, admin_of: tuple[str, ...] = (), pam_of: tuple[str, ...] = ()) -> Principal:
    return Principal(sub, frozenset(roles), frozenset(admin_of), frozenset(pam_of))


@pytest.mark.parametrize(
    ("principal", "self_", "granted", "history", "view"),
    [
        (_p("ann", "individual"), True, False, True, "full"),
        (_p("staff", "program_staff"), False, False, True, "full"),
        (_p("adm", "partner_admin", admin_of=("P1",)), False, False, False, "current"),
        (_p("adm", "partner_admin", admin_of=("P1",)), False, True, True, "full"),
        (_p("adm2", "partner_admin", admin_of=("P2",)), False, True, False, None),
        (_p("pam", "pam", pam_of=("P1",)), False, True, False, None),
        (_p("bob", "individual"), False, True, False, None),
        (_p("sys", "system"), False, False, False, None),
    ],
)
def test_ce11_privacy_matrix(principal: Principal, self_: bool, granted: bool, history: bool, view: str | None) -> None:
    person = Standing("ann", frozenset({"P1"}), frozenset({"P1"}) if granted else frozenset())
    assert (exam_history_decision(principal, person, self_) is Decision.ALLOW) is history
    assert certification_view(principal, person, self_) == view


def test_ce11_former_partner_admin_sees_nothing() -> None:
    person = Standing("ann", frozenset({"P2"}), frozenset())
    admin = _p("adm", "partner_admin", admin_of=("P1",))
    assert certification_view(admin, person, False) is None
    assert exam_history_decision(admin, person, False) is Decision.HIDE


def test_ce11_admin_of_one_partner_pam_of_another_is_not_its_admin() -> None:
    person = Standing("ann", frozenset({"Q"}), frozenset({"Q"}))
    mixed = _p("mix", "partner_admin", "pam", admin_of=("P",), pam_of=("Q",))
    assert certification_view(mixed, person, False) is None
    assert exam_history_decision(mixed, person, False) is Decision.HIDE


def _b(**kw: object) -> BadgeState:
    base = dict(certification="CCNA", kind="associate", achieved_on=date(2020, 1, 1), expires_on=date(2023, 1, 1))
    base.update(kw)
    return BadgeState(**base)  # type: ignore[arg-type]


def test_badge_events_for_each_change() -> None:
    assert [type(e) for e in badge_events("ann", {}, {"CCNA": _b()})] == [BadgeAchieved]
    assert badge_events("ann", {}, {"CCNA": _b(status="expired")}) == []
    assert badge_events("ann", {"CCNA": _b()}, {"CCNA": _b()}) == []
    renewed = badge_events("ann", {"CCNA": _b()}, {"CCNA": _b(renewed_on=date(2022, 1, 1), expires_on=date(2025, 1, 1))})
    assert [type(e) for e in renewed] == [BadgeRenewed]
    extended = badge_events("ann", {"CCNA": _b()}, {"CCNA": _b(expires_on=date(2024, 1, 1), extension_reason="CE-7")})
    assert [type(e) for e in extended] == [BadgeExtended]
    assert extended[0].previous_expires_on == date(2023, 1, 1)  # type: ignore[attr-defined]
    expired = badge_events("ann", {"CCNA": _b()}, {"CCNA": _b(status="expired")})
    assert [type(e) for e in expired] == [BadgeExpired]


ROW = {"external_id": "x-1", "cco_id": "ann", "exam_number": "A1", "taken_on": "2020-01-01", "passed": "pass"}


def test_rows_parse_and_report_what_is_wrong() -> None:
    row = parse_row(ROW, today=date(2021, 1, 1), known_exams={"A1"})
    assert row.passed is True and row.taken_on == date(2020, 1, 1)
    cases = {
        "exam_number": ("ZZ", "not in the exam catalog"),
        "taken_on": ("2020-13-01", "not a date"),
        "passed": ("maybe", "passed must be"),
        "cco_id": ("a b", "cco_id"),
    }
    for field, (value, message) in cases.items():
        with pytest.raises(RowError, match=message):
            parse_row(ROW | {field: value}, today=date(2021, 1, 1), known_exams={"A1"})
    with pytest.raises(RowError, match="after today"):
        parse_row(ROW, today=date(2019, 1, 1), known_exams={"A1"})
    with pytest.raises(RowError, match="missing"):
        parse_row({k: v for k, v in ROW.items() if k != "cco_id"}, today=date(2021, 1, 1), known_exams={"A1"})
    with pytest.raises(RowError, match="unknown field"):
        parse_row(ROW | {"score": 1}, today=date(2021, 1, 1), known_exams={"A1"})
