"""Standalone's root PUT /v1/admin/today moves every service's clock in order: a refusal by any moves none; a
long jump runs in the background with its progress at the root GET; the next service moves only once the one
before has done its daily jobs; a second PUT meanwhile is a 409."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from partnerhub.standalone import Standalone
from partnerhub.testing import eventually
from probe.steered import SteeredJob, days

START = date(2027, 1, 1)
TODAY = "/v1/admin/today"


async def test_the_root_moves_every_clock_in_order_in_the_background(tmp_path) -> None:
    first, second = SteeredJob(), SteeredJob()
    first.hold = START + timedelta(days=2)
    definitions = [first.definition("probe_a"), second.definition("probe_b")]
    system = Standalone(tmp_path, definitions=definitions, start_date=START, overrides={"clock_max_jump_days": 100})
    staff = {"Authorization": f"Bearer {system.staff_token()}"}
    target = START + timedelta(days=40)
    await system.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=system.app), base_url="http://root.test") as client:
            r = await client.put(TODAY, json={"date": "2027-06-01"}, headers=staff)
            assert r.status_code == 422, r.text
            assert r.json()["type"] == "urn:partnerhub:problem:clock-jump-too-far"

            r = await client.put(TODAY, json={"date": target.isoformat()}, headers=staff)
            assert r.status_code == 202, r.text
            assert r.headers["location"] == TODAY
            await first.held.wait()
            state = (await client.get(TODAY, headers=staff)).json()
            assert (state["running"], state["moving"], state["target"], state["days_total"]) == (True, "probe_a", target.isoformat(), 80)
            assert state["services"]["probe_a"]["today"] == (first.hold - timedelta(days=1)).isoformat()
            assert state["services"]["probe_b"]["today"] == START.isoformat(), "the next service waits for the one before"
            assert second.days == []
            busy = await client.put(TODAY, json={"date": target.isoformat()}, headers=staff)
            assert busy.status_code == 409, busy.text
            first.go_on.set()

            async def done() -> dict:  # type: ignore[type-arg]
                state = (await client.get(TODAY, headers=staff)).json()
                return state if not state["running"] else {}

            state = await eventually(done, timeout=60)
            assert (state["today"], state["days_done"], state["last_error"]) == (target.isoformat(), 80, None)
            assert first.days == second.days == days(START, target)

            r = await client.put(TODAY, json={"date": (target + timedelta(days=2)).isoformat()}, headers=staff)
            assert r.status_code == 200, r.text
            assert {name: result["days_run"] for name, result in r.json()["services"].items()} == {"probe_a": 2, "probe_b": 2}
            # a service's own PUT, under its mount, points at its own GET
            r = await client.put(f"/probe_a{TODAY}", json={"date": "2027-03-01"}, params={"wait": "false"}, headers=staff)
            assert r.status_code == 202, r.text
            assert r.headers["location"] == f"/probe_a{TODAY}"
    finally:
        await system.stop()


async def test_a_failing_service_stops_the_root_jump_before_the_next_one(tmp_path) -> None:
    first, second = SteeredJob(), SteeredJob()
    first.fail_on = {START + timedelta(days=3)}
    definitions = [first.definition("probe_a"), second.definition("probe_b")]
    system = Standalone(tmp_path, definitions=definitions, start_date=START)
    staff = {"Authorization": f"Bearer {system.staff_token()}"}
    await system.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=system.app), base_url="http://root.test") as client:
            r = await client.put(TODAY, json={"date": "2027-01-08"}, headers=staff)
            assert r.status_code == 500, r.text
            problem = r.json()
            assert problem["type"] == "urn:partnerhub:problem:clock-jobs-failed"
            assert problem["last_error"].startswith("probe_a: daily job steered failed on 2027-01-04")
            assert problem["services"]["probe_a"]["today"] == "2027-01-03"
            assert problem["services"]["probe_b"]["today"] == "2027-01-01" and second.days == []
            first.fail_on.clear()
            r = await client.put(TODAY, json={"date": "2027-01-08"}, headers=staff)
            assert r.status_code == 200, r.text
            assert first.days == second.days == days(START, date(2027, 1, 8))
    finally:
        await system.stop()


async def test_a_running_standalone_says_where_it_listens_in_its_data_folder(tmp_path) -> None:
    """`partnerhub today set` reads the address from the data folder; it is there only while the system runs."""
    import json

    system = Standalone(tmp_path, definitions=[SteeredJob().definition("probe_a")], start_date=START,
                        base_url="http://127.0.0.1:8765")
    await system.start()
    try:
        assert json.loads((tmp_path / "standalone.json").read_text())["url"] == "http://127.0.0.1:8765"
    finally:
        await system.stop()
    assert not (tmp_path / "standalone.json").exists()
