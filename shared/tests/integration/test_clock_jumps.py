"""PUT /v1/admin/today in both run modes: a jump past the limit is refused and changes nothing; a long jump
runs in the background with its progress at GET; a day is recorded only once its daily jobs committed, so a
failing job leaves the clock at the day before and moving again resumes; a second PUT while one runs is a 409.

The daily job is the test's own (a probe service with one job): it stops at a day the test chooses until the
test lets it go on, so every assertion about a running jump is made while it is known to be running.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from partnerhub.errors import PROBLEM_MEDIA_TYPE
from partnerhub.testing import System, eventually
from probe.steered import SteeredJob, days

START = date(2027, 1, 1)
TODAY = "/v1/admin/today"


async def today(system: System) -> dict:  # type: ignore[type-arg]
    r = await system.clients["probe"].get(TODAY, headers=system.staff())
    assert r.status_code == 200, r.text
    return r.json()


async def job_last_day(system: System) -> date:
    db = system.runtimes["probe"].db
    async with db.engine.connect() as conn:
        return await conn.scalar(select(db.metadata.tables["job_runs"].c.last_day))  # type: ignore[return-value]


async def test_a_jump_past_the_limit_or_the_calendar_is_refused_and_changes_nothing(system_factory) -> None:
    job = SteeredJob()
    async with system_factory(job.definition(), start_date=START, clock_max_jump_days=100) as system:
        client = system.clients["probe"]
        for asked, slug in (("2027-04-12", "clock-jump-too-far"), ("9999-12-31", "clock-date-out-of-range")):
            r = await client.put(TODAY, json={"date": asked}, headers=system.staff())
            assert r.status_code == 422, r.text
            assert r.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
            assert r.json()["type"] == f"urn:partnerhub:problem:{slug}"
        problem = (await client.put(TODAY, json={"date": "2027-04-12"}, headers=system.staff())).json()
        assert "at most 100 days" in problem["detail"] and "PROBE_CLOCK_MAX_JUMP_DAYS" in problem["detail"]
        assert (problem["max_jump_days"], problem["days"], problem["today"]) == (100, 101, "2027-01-01")
        r = await client.put(TODAY, json={"date": "10000-01-01"}, headers=system.staff())
        assert r.status_code == 422, r.text
        state = await today(system)
        assert (state["today"], state["target"], state["running"]) == ("2027-01-01", None, False)
        assert job.days == [] and await job_last_day(system) == START - timedelta(days=1)
        r = await client.put(TODAY, json={"date": "2027-04-11"}, headers=system.staff())  # exactly the limit
        assert r.status_code == 202, r.text


async def test_a_short_jump_answers_when_its_jobs_are_done(system_factory) -> None:
    job = SteeredJob()
    async with system_factory(job.definition(), start_date=START) as system:
        r = await system.clients["probe"].put(TODAY, json={"date": "2027-01-04"}, headers=system.staff())
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["today"], body["previous"], body["days_run"], body["clock"]) == ("2027-01-04", "2027-01-01", 4, "manual")
        assert job.days == days(START, date(2027, 1, 4))


async def test_a_long_jump_runs_in_the_background_with_its_progress_visible(system_factory) -> None:
    job = SteeredJob()
    job.hold = START + timedelta(days=3)
    target = START + timedelta(days=40)  # longer than CLOCK_WAIT_DAYS (31)
    async with system_factory(job.definition(), start_date=START) as system:
        client = system.clients["probe"]
        r = await client.put(TODAY, json={"date": target.isoformat()}, headers=system.staff())
        assert r.status_code == 202, r.text
        assert r.headers["location"].endswith(TODAY)
        assert (r.json()["running"], r.json()["target"], r.json()["days_total"]) == (True, target.isoformat(), 40)
        await job.held.wait()
        state = await today(system)
        # the held day's jobs have not committed: the clock is at the day before it
        assert state["today"] == (job.hold - timedelta(days=1)).isoformat()
        assert (state["running"], state["days_done"], state["days_total"], state["last_error"]) == (True, 2, 40, None)
        again = await client.put(TODAY, json={"date": target.isoformat()}, headers=system.staff())
        assert again.status_code == 409, again.text
        assert again.json()["type"] == "urn:partnerhub:problem:clock-jump-running"
        job.go_on.set()

        async def done() -> dict:  # type: ignore[type-arg]
            state = await today(system)
            return state if not state["running"] else {}

        state = await eventually(done, timeout=60)
        assert (state["today"], state["days_done"], state["last_error"]) == (target.isoformat(), 40, None)
        assert job.days == days(START, target), "every day once, in order"


async def test_a_failing_day_is_not_recorded_and_moving_again_resumes(system_factory) -> None:
    job = SteeredJob()
    failing = START + timedelta(days=5)
    job.fail_on = {failing}
    target = START + timedelta(days=10)
    async with system_factory(job.definition(), start_date=START) as system:
        client = system.clients["probe"]
        r = await client.put(TODAY, json={"date": target.isoformat()}, params={"wait": "true"}, headers=system.staff())
        assert r.status_code == 500, r.text
        assert r.json()["type"] == "urn:partnerhub:problem:clock-jobs-failed"
        state = await today(system)
        assert state["today"] == (failing - timedelta(days=1)).isoformat()
        assert (state["running"], state["target"]) == (False, target.isoformat())
        assert failing.isoformat() in state["last_error"] and "the test fails" in state["last_error"]
        assert await job_last_day(system) == failing - timedelta(days=1)
        job.fail_on.clear()
        r = await client.put(TODAY, json={"date": target.isoformat()}, params={"wait": "true"}, headers=system.staff())
        assert r.status_code == 200, r.text
        assert (r.json()["today"], r.json()["previous"], r.json()["days_run"]) == (
            target.isoformat(),
            (failing - timedelta(days=1)).isoformat(),
            6,
        )
        assert r.json()["last_error"] is None
        assert job.days == days(START, target), "the days before the failing one are not run again"


async def test_a_jump_a_stop_interrupted_resumes_at_the_next_start(system_factory, mode, request) -> None:
    job = SteeredJob()
    job.hold = START + timedelta(days=2)
    target = START + timedelta(days=6)
    # the second start on the same database (standalone: the same SQLite file under tmp_path)
    urls = {"probe": request.getfixturevalue("databases").new_url("probe")} if mode == "distributed" else None
    async with system_factory(job.definition(), start_date=START, database_urls=urls) as system:
        r = await system.clients["probe"].put(TODAY, json={"date": target.isoformat()}, params={"wait": "false"}, headers=system.staff())
        assert r.status_code == 202, r.text
        await job.held.wait()
    assert job.days == days(START, job.hold - timedelta(days=1))
    job.hold = None
    async with system_factory(job.definition(), start_date=START, database_urls=urls) as system:

        async def reached() -> bool:
            return (await today(system))["today"] == target.isoformat()

        await eventually(reached, timeout=60)
        assert job.days == days(START, target), "resumed at the day the stop interrupted"
