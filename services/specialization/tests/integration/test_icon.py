"""SP-13: specialization owns the status icon. specialization.status.changed carries it, and a new one is
announced once whenever the icon changes: the day grey ends, the day on target turns behind as the year goes
by, and when a credit (or a correction) moves it; never twice for one change. Both modes."""

from __future__ import annotations

import uuid
from datetime import date

from partnerhub.bus import contracts as c

APPROVED = date(2027, 1, 15)  # the year runs to 2028-01-15 (365 days)
PARTNER = "BG-1001"


async def _icons(sp) -> list[str]:  # type: ignore[no-untyped-def]
    return [e["icon"] for e in await sp.outbox(c.StatusChanged.TYPE, PARTNER)]


async def test_sp13_status_changed_carries_the_icon_and_announces_each_change_once(start) -> None:
    async with start(start_date=APPROVED) as sp:
        await sp.catalog()
        team = await sp.qualified_team(date(2026, 1, 1))
        assert (await sp.apply(team)).status_code == 201
        assert await _icons(sp) == ["inactive"]  # approved: grey
        await sp.credit(40, date(2027, 3, 1))
        assert await _icons(sp) == ["inactive"]  # points move nothing while grey

        # the date: grey ends on 2027-07-15 (six months), 40 < 100 × 181/365 → behind, announced that day
        await sp.today(date(2027, 7, 14))
        assert await _icons(sp) == ["inactive"]
        await sp.today(date(2027, 7, 15))
        assert await _icons(sp) == ["inactive", "behind"]
        assert (await sp.status())["icon"] == "behind"

        # a credit: 50 ≥ 100 × 181/365 → on target at once; the same credit redelivered changes nothing
        credit = c.PartnerCredited(
            credit_id=uuid.uuid4().hex, be_geo_id=PARTNER, cco_id="learner", entry_id=uuid.uuid4().hex,
            activity_id="act-2", points=10, earned_on=date(2027, 7, 15), specializations=["ADV-COLLAB"],
        )
        await sp.feed(credit)
        await sp.feed(credit)  # a new event id for the same credit line: stored once, announced once
        assert await _icons(sp) == ["inactive", "behind", "on_target"]
        last = (await sp.outbox(c.StatusChanged.TYPE, PARTNER))[-1]
        assert (last["status"], last["points_required"], last["period_start"], last["icon"]) == (
            "approved", 100, "2027-01-15", "on_target"
        )

        # the date again: 50 < 100 × 183/365 from 2027-07-17 → behind, announced on that day only
        await sp.today(date(2027, 7, 16))
        assert await _icons(sp) == ["inactive", "behind", "on_target"]
        await sp.today(date(2027, 8, 1))
        assert await _icons(sp) == ["inactive", "behind", "on_target", "behind"]
        assert (await sp.status())["icon"] == "behind"

        # a correction that leaves it behind announces nothing; points that catch up do
        await sp.credit(-5, date(2027, 7, 20))
        assert await _icons(sp) == ["inactive", "behind", "on_target", "behind"]
        await sp.credit(30, date(2027, 8, 1))
        assert await _icons(sp) == ["inactive", "behind", "on_target", "behind", "on_target"]
        assert (await sp.status())["icon"] == "on_target"


async def test_sp13_the_grey_months_are_specialization_s_setting(start) -> None:
    async with start(start_date=APPROVED, icon_inactive_months=5) as sp:
        await sp.catalog()
        team = await sp.qualified_team(date(2026, 1, 1))
        assert (await sp.apply(team)).status_code == 201
        await sp.credit(60, date(2027, 2, 1))
        await sp.today(date(2027, 6, 14))
        assert await _icons(sp) == ["inactive"]
        await sp.today(date(2027, 6, 15))  # five months: 60 ≥ 100 × 151/365
        assert await _icons(sp) == ["inactive", "on_target"]
        assert (await sp.status())["icon"] == "on_target"


async def test_sp8_sp13_new_level_points_are_announced_with_the_icon_they_give(start) -> None:
    async with start(start_date=APPROVED) as sp:
        await sp.catalog()
        team = await sp.qualified_team(date(2026, 1, 1))
        assert (await sp.apply(team)).status_code == 201
        await sp.credit(45, date(2027, 2, 1))
        await sp.today(date(2027, 7, 15))
        assert await _icons(sp) == ["inactive", "behind"]  # 45 < 100 × 181/365
        r = await sp.client.put("/v1/levels/advanced_architecture", json={"points_required": 80}, headers=sp.staff)
        assert r.status_code in (200, 201), r.text
        last = (await sp.outbox(c.StatusChanged.TYPE, PARTNER))[-1]
        assert (last["points_required"], last["icon"]) == (80, "on_target")  # 45 ≥ 80 × 181/365
        assert (await sp.status())["icon"] == "on_target"
