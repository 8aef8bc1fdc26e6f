"""Issue 17 item 4: a bulk-import line whose CCO ID identity never told certification of is recorded all the same
(identity may register the person later) but reported: counted (``warned``), listed per line at
``…/imports/{id}/warnings`` (paged, only to whom may see the import), and printed by ``partnerhub import`` — both modes."""

from __future__ import annotations

import asyncio
from datetime import date

import httpx
from typer.testing import CliRunner

from certification.app import SERVICE
from partnerhub import cli
from partnerhub.bus.contracts import IndividualMerged, IndividualRegistered
from partnerhub.testing import deliver

CSV = """external_id,cco_id,exam_number,taken_on,passed
w-1,ann,A1,2019-01-10,pass
w-2,ann.old,D1,2019-02-10,true
w-3,zed.typo,A1,2019-02-11,true
w-4,ann,ZZ9,2019-02-11,true
w-5,yan.unknown,D1,2019-03-01,fail
"""


async def known_people(system) -> None:  # type: ignore[no-untyped-def]
    await deliver(
        system.runtimes["certification"],
        IndividualRegistered(cco_id="ann", name="Ann", email="ann@example.com"),
        IndividualRegistered(cco_id="ann.old", name="Ann", email="ann@old.example"),
    )
    await deliver(system.runtimes["certification"], IndividualMerged(survivor="ann", retired=["ann.old"], merged_on=date(2020, 1, 2)))


async def test_unknown_cco_ids_are_recorded_counted_and_listed_by_line(system_factory, h) -> None:
    async with system_factory(SERVICE, start_date="2020-06-01", import_batch_size=2) as system:
        await h.catalog(system)
        await known_people(system)
        client = system.clients["certification"]
        writer = system.token("loader", "system")
        body = CSV.encode()
        r = await client.post("/v1/exam-results/imports?wait=true", files={"file": ("w.csv", body, "text/csv")}, headers=writer)
        assert r.status_code == 201, r.text
        report = r.json()
        assert (report["accepted"], report["rejected"], report["warned"]) == (4, 1, 2)
        url = f"/v1/exam-results/imports/{report['id']}"
        warnings = (await client.get(f"{url}/warnings", headers=writer)).json()
        assert [(w["line"], w["cco_id"]) for w in warnings] == [(4, "zed.typo"), (6, "yan.unknown")]
        assert all("recorded" in w["reason"] for w in warnings)
        page = await client.get(f"{url}/warnings?offset=1&limit=1", headers=writer)
        assert [w["line"] for w in page.json()] == [6]
        # recorded all the same: the unknown person's badge is there
        assert "CCNA" in await h.badges(system, "zed.typo")
        # only who may see the import sees its warnings
        assert (await client.get(f"{url}/warnings", headers=system.token("zed.typo"))).status_code == 403
        missing = await client.get("/v1/exam-results/imports/00000000-0000-0000-0000-000000000000/warnings", headers=writer)
        assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")
        bad_page = await client.get(f"{url}/warnings?limit=0", headers=writer)
        assert bad_page.status_code == 422
        # the same file again: nothing recorded, nothing warned twice
        again = await client.post("/v1/exam-results/imports?wait=true", files={"file": ("w.csv", body, "text/csv")}, headers=writer)
        assert (again.json()["accepted"], again.json()["replayed"], again.json()["warned"]) == (0, 4, 0)


class _Bridge(httpx.BaseTransport):
    """The CLI's (synchronous) requests, answered by the test system's app on the test's event loop."""

    def __init__(self, client: httpx.AsyncClient, loop: asyncio.AbstractEventLoop) -> None:
        self.client, self.loop = client, loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        call = self.client.request(request.method, str(request.url), headers=dict(request.headers), content=request.read())
        answer = asyncio.run_coroutine_threadsafe(call, self.loop).result(120)
        return httpx.Response(answer.status_code, headers={"content-type": answer.headers.get("content-type", "")}, content=answer.content)


async def test_the_import_command_prints_the_warnings_at_the_end(system_factory, h, tmp_path, monkeypatch) -> None:
    async with system_factory(SERVICE, start_date="2020-06-01") as system:
        await h.catalog(system)
        await known_people(system)
        bridge = _Bridge(system.clients["certification"], asyncio.get_running_loop())
        real = httpx.Client
        monkeypatch.setattr(cli.httpx, "Client", lambda **kw: real(transport=bridge, **kw))
        path = tmp_path / "results.csv"
        path.write_text(CSV)
        token = system.token("loader", "system")["Authorization"].removeprefix("Bearer ")
        args = ["import", "exam-results", str(path), "--url", "http://certification.test", "--token", token, "--poll", "0.05"]
        result = await asyncio.to_thread(CliRunner().invoke, cli.app, args)
        assert result.exit_code == 0, result.output
        assert "4 recorded" in result.output and "1 bad" in result.output and "2 warned" in result.output
        lines = result.output.splitlines()
        start = lines.index("warnings (recorded all the same):")
        assert [line.split(":")[0].strip() for line in lines[start + 1 : start + 3]] == ["line 4", "line 6"]
        assert "zed.typo" in lines[start + 1] and "yan.unknown" in lines[start + 2]
