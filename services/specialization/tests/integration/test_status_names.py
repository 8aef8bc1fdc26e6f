"""specialization.status.changed carries the specialization's catalog name (specialization's fact): the other
services show it and keep no name of their own. Both modes."""

from __future__ import annotations

from datetime import date

from partnerhub.bus import contracts as c

APPROVED = date(2027, 1, 15)
PARTNER = "BG-1001"


async def test_status_changed_names_the_specialization_from_the_catalog(start) -> None:
    async with start(start_date=APPROVED) as sp:
        await sp.catalog()  # "Advanced Collaboration Architecture"
        team = await sp.qualified_team(date(2026, 1, 1))
        assert (await sp.apply(team)).status_code == 201
        await sp.today(date(2027, 7, 15))  # grey ends: a new icon, announced by the daily job
        announced = await sp.outbox(c.StatusChanged.TYPE, PARTNER)
        assert len(announced) >= 2
        assert {e["name"] for e in announced} == {"Advanced Collaboration Architecture"}
