"""SP-3: role requirements in versions by effective date, in both modes. An application or renewal is judged by
the version in force on its submission date and names it; holders keep the version their partner was judged by
until the next renewal."""

from __future__ import annotations

import copy
import uuid
from datetime import date

from partnerhub.bus import contracts as c

from .conftest import CATALOG

PARTNER, OTHER = "BG-1001", "BG-2002"
SPEC = "ADV-COLLAB"
TODAY = date(2027, 1, 15)
V2 = copy.deepcopy(CATALOG)
V2["roles"]["AM"] = [{"exams": ["700-001", "700-002"]}]  # a new exam for AM


async def get_spec(sp, code: str = SPEC) -> dict:  # type: ignore[no-untyped-def]
    r = await sp.client.get(f"/v1/specializations/{code}", headers=sp.admin)
    assert r.status_code == 200, r.text
    return r.json()


async def test_sp3_holders_keep_their_version_until_renewal_and_new_submissions_are_judged_by_the_new_one(start) -> None:
    async with start(start_date=TODAY) as sp:
        await sp.catalog()
        team = await sp.qualified_team(date(2026, 1, 1))
        r = await sp.apply(team)
        assert r.status_code == 201 and r.json()["requirements_version"] == 1, r.text
        assert (await sp.status())["requirements_version"] == 1
        one = await get_spec(sp)
        assert (one["version"], [(v["version"], v["effective_on"]) for v in one["versions"]]) == (1, [(1, None)])

        # staff write version 2 with a new exam, in force today
        w = await sp.client.put(f"/v1/specializations/{SPEC}", json=V2, headers=sp.staff)
        assert w.status_code == 200 and w.json()["version_written"] == 2, w.text
        two = await get_spec(sp)
        assert two["version"] == 2 and two["roles"]["AM"] == [{"certification": None, "exams": ["700-001", "700-002"]}]
        assert [(v["version"], v["effective_on"]) for v in two["versions"]] == [(1, None), (2, "2027-01-15")]
        same = await sp.client.put(f"/v1/specializations/{SPEC}", json=V2, headers=sp.staff)
        assert same.status_code == 200 and same.json()["version_written"] is None and len(same.json()["versions"]) == 2

        # the holder stays: judged by version 1 until the renewal
        s = await sp.status()
        assert (s["requirements_version"], s["compliant"], s["vacancies"]) == (1, True, [])
        assert await sp.outbox(c.RoleVacated.TYPE) == []
        am = await sp.client.get(f"/v1/partners/{PARTNER}/specializations/{SPEC}/roles/AM/candidates", headers=sp.staff)
        assert am.json()["requirements_version"] == 1 and [x["cco_id"] for x in am.json()["candidates"]] == [team["AM"]]

        # a new application (another partner) is judged by version 2 and the refusal names the exam and the version
        other = await sp.qualified_team(date(2026, 1, 1), partner=OTHER)
        refused = await sp.apply(other, partner=OTHER)
        assert refused.status_code == 422 and refused.json()["requirements_version"] == 2, refused.text
        [unmet] = refused.json()["unmet"]
        assert (unmet["role"], unmet["rule"], unmet["requirements_version"]) == ("AM", "SP-3", 2)
        assert "700-002" in unmet["requirement"] and "requirements version 2" in unmet["reason"]

        # the renewal is judged by version 2 as well: refused, nothing changes; then met, and named
        await sp.today(date(2027, 10, 20))
        renewal = f"/v1/partners/{PARTNER}/specializations/{SPEC}/renewals"
        r = await sp.client.post(renewal, headers=sp.admin)
        assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json"), r.text
        assert [(u["role"], u["requirements_version"]) for u in r.json()["unmet"]] == [("AM", 2)]
        assert "700-002" in r.json()["unmet"][0]["requirement"]
        s = await sp.status()
        assert (s["requirements_version"], s["renewal_window"]["submitted"], s["vacancies"]) == (1, False, [])
        await sp.feed(c.ExamPassed(cco_id=team["AM"], exam_number="700-002", passed_on=date(2027, 10, 20), result_id=uuid.uuid4().hex))
        r = await sp.client.post(renewal, headers=sp.admin)
        assert r.status_code == 202, r.text
        assert (r.json()["requirements_version"], r.json()["renewal_window"]["submitted"], r.json()["vacancies"]) == (2, True, [])
        assert await sp.outbox(c.RoleVacated.TYPE) == []


async def test_sp3_refused_version_writes_change_nothing(start) -> None:
    async with start(start_date=TODAY) as sp:
        await sp.catalog()
        url = f"/v1/specializations/{SPEC}"
        before = await sp.client.put(url, json={**V2, "effective_on": "2027-01-14"}, headers=sp.staff)
        assert before.status_code == 422 and before.headers["content-type"].startswith("application/problem+json")
        assert "before today" in before.json()["detail"]
        assert len((await get_spec(sp))["versions"]) == 1
        later = await sp.client.put(url, json={**V2, "effective_on": "2027-06-01"}, headers=sp.staff)
        assert later.status_code == 200 and later.json()["version"] == 1, "in force today: still version 1"
        earlier = copy.deepcopy(CATALOG)
        earlier["roles"]["SE"] = [{"certification": "CCIE"}]
        r = await sp.client.put(url, json={**earlier, "effective_on": "2027-05-01"}, headers=sp.staff)
        assert r.status_code == 422 and "before version 2" in r.json()["detail"], r.text
        bad = await sp.client.put(url, json={**V2, "effective_on": "soon"}, headers=sp.staff)
        assert bad.status_code == 422
        body = await get_spec(sp)
        assert [(v["version"], v["effective_on"]) for v in body["versions"]] == [(1, None), (2, "2027-06-01")]
        assert body["roles"] == (await get_spec(sp))["versions"][0]["roles"]
        # an application on the day version 2 takes effect is judged by it
        team = await sp.qualified_team(date(2026, 1, 1))
        await sp.today(date(2027, 6, 1))
        r = await sp.apply(team)
        assert r.status_code == 422 and r.json()["requirements_version"] == 2


async def test_sp3_sp14_renewal_without_submission_adopts_the_version_in_force_on_the_anniversary(start) -> None:
    async with start(start_date=TODAY) as sp:
        await sp.catalog()
        team = await sp.qualified_team(date(2026, 1, 1))
        assert (await sp.apply(team)).status_code == 201
        w = await sp.client.put(f"/v1/specializations/{SPEC}", json={**V2, "effective_on": "2027-06-01"}, headers=sp.staff)
        assert w.status_code == 200 and w.json()["version_written"] == 2
        await sp.credit(100, date(2027, 3, 1))
        await sp.today(date(2028, 1, 15))
        s = await sp.status()
        assert (s["requirements_version"], s["vacancies"]) == (1, []), "judged by version 1 through the period"
        await sp.today(date(2028, 1, 16))  # the anniversary is decided: renewed, now judged by version 2
        s = await sp.status()
        assert (s["status"], s["requirements_version"], s["compliant"], s["vacancies"]) == ("approved", 2, False, ["AM"])
        assert [(e["role"], e["reason"]) for e in await sp.outbox(c.RoleVacated.TYPE)] == [("AM", "qualification_lapsed")]
        assert len(await sp.outbox(c.Renewed.TYPE)) == 1
