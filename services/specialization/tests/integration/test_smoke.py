from datetime import date

from partnerhub.bus import contracts as c


async def test_sp2_sp7_approval_sets_anniversary(start) -> None:
    async with start(start_date=date(2027, 1, 15)) as sp:
        await sp.catalog()
        team = await sp.qualified_team(date(2026, 1, 1))
        r = await sp.apply(team)
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["status"] == "approved"
        assert body["anniversary"] == "2028-01-15"
        assert body["period_start"] == "2027-01-15"
        changed = await sp.outbox(c.StatusChanged.TYPE)
        assert changed[-1]["status"] == "approved"
