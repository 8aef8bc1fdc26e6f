"""Bulk import of exam results (CSV and JSON lines): progress, per-line errors, idempotent re-runs — both modes."""

from __future__ import annotations

import asyncio
import json

from certification.app import SERVICE
from partnerhub.testing import eventually

CSV = """external_id,cco_id,exam_number,taken_on,passed
h-1,ann,A1,2019-01-10,pass
h-2,ann,P1,2019-02-10,true
h-3,ann,ZZ9,2019-02-11,true
h-4,ann,P2,2019-13-01,true
h-5,bob,D1,2019-03-01,maybe
h-6,bob,D1,2019-03-01,fail
h-7,a b,A1,2019-03-01,pass
h-8,ann,P2,2019-04-01,pass
h-9,ann,A1,2030-01-01,pass
h-1,ann,A1,2019-01-10,pass
h-1,ann,D1,2019-01-10,pass
h-10,cat,A1,2019-05-01
@@BINARY@@
h-11,cat,A1,2019-05-01,pass
"""


async def test_csv_import_reports_bad_lines_and_keeps_the_good(system_factory, h) -> None:
    async with system_factory(SERVICE, start_date="2020-06-01", import_batch_size=3) as system:
        await h.catalog(system)
        client = system.clients["certification"]
        writer = system.token("loader", "system")
        body = CSV.encode().replace(b"@@BINARY@@", b"\xff\xfe")
        r = await client.post(
            "/v1/exam-results/imports?wait=true", files={"file": ("history.csv", body, "text/csv")}, headers=writer
        )
        assert r.status_code == 201, r.text
        report = r.json()
        assert report["status"] == "done"
        assert (report["lines_read"], report["accepted"], report["replayed"], report["rejected"]) == (14, 5, 1, 8)
        assert (report["lines_total"], report["percent"]) == (14, 100.0)  # the header is not a data line
        errors = {e["line"]: e["error"] for e in report["errors"]}
        assert "not in the exam catalog" in errors[4]
        assert "not a date" in errors[5]
        assert "passed must be" in errors[6]
        assert "cco_id" in errors[8]
        assert "after today" in errors[10]
        assert "different values" in errors[12]
        assert "expected 5 values" in errors[13]
        assert "UTF-8" in errors[14]
        assert report["individuals_recomputed"] == 2  # ann and cat (bob only failed)
        badges = await h.badges(system, "ann")
        assert badges["CCNP"]["achieved_on"] == "2019-04-01"
        assert "CCNA" in await h.badges(system, "cat")
        assert len(await h.events(system, "certification.exam.passed.v1")) == 4
        # the same file again: nothing new, nothing doubled
        again = await client.post(
            "/v1/exam-results/imports?wait=true", files={"file": ("history.csv", body, "text/csv")}, headers=writer
        )
        assert (again.json()["accepted"], again.json()["replayed"]) == (0, 6)
        assert len(await h.events(system, "certification.exam.passed.v1")) == 4
        assert len(await h.events(system, "certification.badge.achieved.v1", "ann")) == 2
        page = await client.get(f"/v1/exam-results/imports/{report['id']}/errors?offset=6&limit=5", headers=writer)
        assert [e["line"] for e in page.json()] == [13, 14]


async def test_jsonl_import_in_background_with_progress(system_factory, h) -> None:
    async with system_factory(SERVICE, start_date="2020-06-01", import_batch_size=50, recompute_batch_size=7) as system:
        await h.catalog(system)
        client = system.clients["certification"]
        writer = system.token("loader", "system")
        lines = [
            json.dumps({"external_id": f"j-{i}", "cco_id": f"p{i % 40}", "exam_number": "A1", "taken_on": "2019-01-01", "passed": True})
            for i in range(200)
        ]
        lines.insert(10, "{not json")
        lines.insert(20, "[1, 2]")
        r = await client.post(
            "/v1/exam-results/imports", content="\n".join(lines).encode(), headers=writer | {"content-type": "application/x-ndjson"}
        )
        assert r.status_code == 202, r.text
        location = r.headers["location"]

        async def done() -> dict | None:
            report = (await client.get(location, headers=writer)).json()
            return report if report["status"] == "done" else None

        report = await eventually(done, timeout=60)
        assert (report["lines_read"], report["accepted"], report["rejected"], report["individuals_recomputed"]) == (202, 200, 2, 40)
        assert {e["line"] for e in report["errors"]} == {11, 21}
        assert "not valid JSON" in report["errors"][0]["error"]
        assert len(await h.events(system, "certification.badge.achieved.v1")) == 40


async def test_two_imports_of_overlapping_files_at_once_record_each_result_once(system_factory, h) -> None:
    """Two loaders upload overlapping files at the same moment: every external id is recorded
    once, announced once (one exam.passed per passed result) and counted once as accepted; the
    other upload reports it as replayed. On PostgreSQL the batches really race (a bulk copy that
    meets the other upload's row fails and the batch runs again); on SQLite writers queue."""
    async with system_factory(SERVICE, start_date="2020-06-01", import_batch_size=25) as system:
        await h.catalog(system)
        client = system.clients["certification"]
        writer = system.token("loader", "system")

        def csv_of(ids: list[int]) -> bytes:
            rows = [f"o-{i},p{i % 30},{'A1' if i % 2 else 'D1'},2019-01-{1 + i % 28:02d},{'fail' if i % 7 == 0 else 'pass'}"
                    for i in ids]
            return ("external_id,cco_id,exam_number,taken_on,passed\n" + "\n".join(rows)).encode()

        shared = range(150, 300)  # at the start of both files, so their first batches race for the same ids
        first, second = [*shared, *range(0, 150)], [*shared, *range(300, 450)]

        async def upload(body: bytes) -> dict:
            r = await client.post(
                "/v1/exam-results/imports?wait=true", files={"file": ("f.csv", body, "text/csv")}, headers=writer
            )
            assert r.status_code == 201, r.text
            return r.json()

        a, b = await asyncio.gather(upload(csv_of(first)), upload(csv_of(second)))
        assert a["status"] == b["status"] == "done"
        assert a["rejected"] == b["rejected"] == 0
        assert a["accepted"] + b["accepted"] == 450
        assert a["replayed"] + b["replayed"] == 150
        passed = [i for i in range(450) if i % 7]
        events = await h.events(system, "certification.exam.passed.v1")
        assert len(events) == len(passed)
        assert len({e["result_id"] for e in events}) == len(passed)


async def test_import_bad_requests(system_factory, h) -> None:
    async with system_factory(SERVICE, start_date="2020-06-01") as system:
        await h.catalog(system)
        client = system.clients["certification"]
        writer = system.token("loader", "system")
        r = await client.post("/v1/exam-results/imports", content=b"a,b\n", headers=writer | {"content-type": "application/octet-stream"})
        assert r.status_code == 415
        r = await client.post("/v1/exam-results/imports?format=csv", content=b"", headers=writer)
        assert r.status_code == 422
        r = await client.post("/v1/exam-results/imports?format=csv", content=b"x", headers=system.token("ann", "individual"))
        assert r.status_code == 403
        r = await client.post("/v1/exam-results/imports?format=csv&wait=true", content=b"id,who\n1,2\n", headers=writer)
        assert r.status_code == 201 and r.json()["status"] == "failed" and "header" in r.json()["error"]
        assert (await client.get("/v1/exam-results/imports/00000000-0000-0000-0000-000000000000", headers=writer)).status_code == 404


async def test_import_location_works_under_the_standalone_mount_and_progress_has_a_total(tmp_path) -> None:
    """Issue "for the people who use it" 4: the Location answered by the standalone root is one you can follow."""
    import httpx

    from partnerhub.standalone import Standalone

    system = Standalone(tmp_path, definitions=[SERVICE], start_date=__import__("datetime").date(2020, 6, 1))
    await system.start()
    try:
        writer = {"Authorization": f"Bearer {system.staff_token()}"}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=system.app), base_url="http://root.test") as client:
            body = b"external_id,cco_id,exam_number,taken_on,passed\nq-1,ann,NOPE,2019-01-10,pass\n\nq-2,bob,NOPE,2019-01-11,pass\n"
            r = await client.post(
                "/certification/v1/exam-results/imports", files={"file": ("h.csv", body, "text/csv")}, headers=writer
            )
            assert r.status_code == 202, r.text
            assert r.headers["location"].startswith("/certification/v1/exam-results/imports/")
            assert r.json()["lines_total"] == 2

            async def done() -> dict:  # type: ignore[type-arg]
                report = (await client.get(r.headers["location"], headers=writer)).json()
                return report if report["status"] == "done" else {}

            report = await eventually(done, timeout=30)
            assert (report["lines_read"], report["rejected"], report["percent"]) == (2, 2, 100.0)
    finally:
        await system.stop()
