"""Role requirements in versions by effective date (SP-3, ARCHITECTURE "Time")."""

from __future__ import annotations

from datetime import date

import pytest

from specialization.domain.catalog import Alternative as A
from specialization.domain.catalog import Specialization, VersionRefused, Versions, next_version

TODAY = date(2027, 6, 1)
V1_ROLES = {"AM": (A(exams=("1",)),)}
V2_ROLES = {"AM": (A(exams=("1", "2")),)}


def history(*effective: date | None) -> Versions:
    return Versions(tuple(Specialization("S", "S", "express", V1_ROLES if i == 0 else V2_ROLES, i + 1, d) for i, d in enumerate(effective)))


def test_sp3_first_version_is_in_force_since_always() -> None:
    assert next_version(None, V1_ROLES, None, TODAY) == (1, None)
    h = history(None)
    assert h.in_force(date(1990, 1, 1)).version == 1 and h.numbered(None).version == 1


def test_sp3_a_new_version_takes_effect_today_or_on_its_date() -> None:
    h = history(None)
    assert next_version(h, V2_ROLES, None, TODAY) == (2, TODAY), "default: the service's business date"
    assert next_version(h, V2_ROLES, date(2027, 9, 1), TODAY) == (2, date(2027, 9, 1))
    later = history(None, date(2027, 9, 1))
    assert later.in_force(date(2027, 8, 31)).version == 1
    assert later.in_force(date(2027, 9, 1)).version == 2
    assert later.numbered(1).roles == V1_ROLES and later.latest.version == 2


def test_sp3_identical_requirements_make_no_version() -> None:
    assert next_version(history(None), V1_ROLES, None, TODAY) is None
    assert next_version(history(None, TODAY), V2_ROLES, None, TODAY) is None


def test_sp3_no_version_before_today_nor_before_the_latest_one() -> None:
    with pytest.raises(VersionRefused, match="before today"):
        next_version(history(None), V2_ROLES, date(2027, 5, 31), TODAY)
    with pytest.raises(VersionRefused, match="before version 2"):
        next_version(history(None, date(2027, 9, 1)), V1_ROLES, date(2027, 8, 1), TODAY)
    with pytest.raises(VersionRefused):
        next_version(None, V1_ROLES, date(2027, 5, 31), TODAY)
