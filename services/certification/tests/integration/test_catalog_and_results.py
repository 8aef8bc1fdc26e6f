"""Catalogs (CE-1, CE-2, CE-4), exam results (idempotent), events, certificates (CE-3), seed — both modes."""

from __future__ import annotations

from sqlalchemy import select

from certification.app import SERVICE


async def test_ce2_catalog_put_get_and_ce4_default_validity(system_factory, h) -> None:
    async with system_factory(SERVICE, start_date="2020-01-01") as system:
        client = system.clients["certification"]
        await h.catalog(system)
        r = await client.get("/v1/certifications/CQS-S", headers=system.token("ann", "individual"))
        assert r.status_code == 200
        body = r.json()
        assert body["validity_months"] == 24 and body["prerequisites"] == ["CCNA", "CCDA"]
        assert body["program_category"] is None  # CE-12
        ccna = (await client.get("/v1/certifications/CCNA", headers=system.staff())).json()
        assert ccna["validity_months"] == 36
        custom = await client.put(
            "/v1/certifications/CCIE",
            json={"name": "CCIE", "kind": "expert", "required_exams": [["P1"]]},
            headers=system.staff(),
        )
        assert custom.status_code == 201 and custom.json()["validity_months"] == 24
        again = await client.put(
            "/v1/certifications/CCIE",
            json={"name": "CCIE", "kind": "expert", "required_exams": [["P1"]], "validity_months": 30},
            headers=system.staff(),
        )
        assert again.status_code == 200 and again.json()["validity_months"] == 30
        exam = await client.put(
            "/v1/exams/A1B", json={"title": "CCNA v2", "replaces": "A1", "replacement_required": True}, headers=system.staff()
        )
        assert exam.status_code == 201 and exam.json()["replaces"] == "A1"


async def test_catalog_bad_input_changes_nothing(system_factory, h) -> None:
    async with system_factory(SERVICE, start_date="2020-01-01") as system:
        client = system.clients["certification"]
        await h.catalog(system)
        staff = system.staff()
        cases = [
            ("/v1/exams/X1", {"title": "x", "replaces": "NOPE"}, 422),
            ("/v1/exams/A1", {"title": "x", "replaces": "A1"}, 422),
            ("/v1/exams/bad%20number", {"title": "x"}, 422),
            ("/v1/exams/X2", {"title": ""}, 422),
            ("/v1/certifications/Z", {"name": "z", "kind": "guru", "required_exams": [["A1"]]}, 422),
            ("/v1/certifications/Z", {"name": "z", "kind": "expert", "required_exams": [["NOPE"]]}, 422),
            ("/v1/certifications/Z", {"name": "z", "kind": "expert", "required_exams": []}, 422),
            ("/v1/certifications/Z", {"name": "z", "kind": "expert", "required_exams": [["A1"]], "prerequisites": ["Z"]}, 422),
            ("/v1/certifications/CCNA", {"name": "z", "kind": "associate", "required_exams": [["A1"]], "prerequisites": ["CCNP"]}, 422),
        ]
        for path, body, expected in cases:
            r = await client.put(path, json=body, headers=staff)
            assert r.status_code == expected, (path, body, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
        r = await client.put("/v1/exams/X3", json={"title": "x"}, headers=system.token("ann", "individual"))
        assert r.status_code == 403
        assert (await client.get("/v1/exams/X1", headers=staff)).status_code == 404
        assert (await client.get("/v1/certifications/Z", headers=staff)).status_code == 404
        assert (await client.get("/v1/certifications/CCNA", headers=staff)).json()["prerequisites"] == []


async def test_exam_result_idempotent_replay_and_events(system_factory, h) -> None:
    async with system_factory(SERVICE, start_date="2020-06-01") as system:
        await h.catalog(system)
        first = await h.result(system, "tc-1", "ann", "A1", "2020-05-01")
        assert first.status_code == 201, first.text
        replay = await h.result(system, "tc-1", "ann", "A1", "2020-05-01")
        assert replay.status_code == 200 and replay.json() == first.json()
        assert replay.headers["idempotent-replayed"] == "true"
        different = await h.result(system, "tc-1", "ann", "D1", "2020-05-02", passed=False)
        assert different.status_code == 200 and different.json()["exam_number"] == "A1"  # the first result stands
        passed = await h.events(system, "certification.exam.passed.v1", "ann")
        assert [(p["exam_number"], p["passed_on"], p["result_id"]) for p in passed] == [("A1", "2020-05-01", first.json()["id"])]
        achieved = await h.events(system, "certification.badge.achieved.v1", "ann")
        assert achieved == [
            {"cco_id": "ann", "certification": "CCNA", "kind": "associate", "achieved_on": "2020-05-01", "expires_on": "2023-05-01",
             "requirements_version": 1}
        ]
        failed = await h.result(system, "tc-2", "ann", "D1", "2020-05-03", passed=False)
        assert failed.status_code == 201
        assert len(await h.events(system, "certification.exam.passed.v1", "ann")) == 1
        assert "CCDA" not in await h.badges(system, "ann")


async def test_exam_result_bad_input(system_factory, h) -> None:
    async with system_factory(SERVICE, start_date="2020-06-01") as system:
        await h.catalog(system)
        client = system.clients["certification"]
        writer = system.token("testing-center", "system")
        good = {"external_id": "e-1", "cco_id": "ann", "exam_number": "A1", "taken_on": "2020-05-01", "passed": True}
        cases = [
            (good | {"exam_number": "ZZ9"}, 422, "not in the exam catalog"),
            (good | {"taken_on": "2020-06-02"}, 422, "after today"),
            (good | {"taken_on": "1980-01-01"}, 422, "before"),
            (good | {"taken_on": "yesterday"}, 422, "taken_on"),
            (good | {"cco_id": "a b"}, 422, "cco_id"),
            (good | {"passed": "maybe"}, 422, "passed"),
            ({k: v for k, v in good.items() if k != "external_id"}, 422, "external_id"),
            (good | {"extra": 1}, 422, "extra"),
        ]
        for body, status, words in cases:
            r = await client.post("/v1/exam-results", json=body, headers=writer)
            assert r.status_code == status, (body, r.text)
            assert words in r.text
        r = await client.post("/v1/exam-results", content=b"{not json", headers=writer | {"content-type": "application/json"})
        assert r.status_code == 422
        assert (await client.post("/v1/exam-results", json=good, headers=system.token("ann", "individual"))).status_code == 403
        assert (await client.post("/v1/exam-results", json=good)).status_code == 401
        assert await h.events(system, "certification.exam.passed.v1") == []
        hist = await client.get("/v1/individuals/ann/exam-history", headers=system.staff())
        assert hist.json()["results"] == []


async def test_ce3_certificate_once_agreement_signed(system_factory, h) -> None:
    async with system_factory(SERVICE, start_date="2020-06-01") as system:
        await h.catalog(system)
        client = system.clients["certification"]
        await h.result(system, "c-1", "ann", "A1", "2020-05-01")
        mine = await client.get("/v1/individuals/ann/certifications", headers=system.token("ann", "individual"))
        assert mine.json()["agreement_signed"] is False
        assert mine.json()["certifications"][0]["certificate"] is None
        denied = await client.post("/v1/individuals/ann/agreements", json={}, headers=system.token("bob", "individual"))
        assert denied.status_code == 404
        future = await client.post("/v1/individuals/ann/agreements", json={"signed_on": "2021-01-01"}, headers=system.token("ann", "individual"))
        assert future.status_code == 422
        signed = await client.post("/v1/individuals/ann/agreements", json={}, headers=system.token("ann", "individual"))
        assert signed.status_code == 201, signed.text
        issued = signed.json()["certificates_issued"]
        assert [(c["certification"], c["valid_from"], c["expires_on"]) for c in issued] == [("CCNA", "2020-05-01", "2023-05-01")]
        again = await client.post("/v1/individuals/ann/agreements", json={}, headers=system.token("ann", "individual"))
        assert again.status_code == 200 and again.json()["certificates_issued"] == []
        # a later achievement gets its certificate at once
        await h.result(system, "c-2", "ann", "D1", "2020-05-20")
        badges = await h.badges(system, "ann")
        assert badges["CCDA"]["certificate"] is not None
        assert badges["CCNA"]["certificate"]["id"] == issued[0]["id"]


async def test_seed_catalog(system_factory) -> None:
    async with system_factory(SERVICE, start_date="2020-06-01") as system:
        runtime = system.runtimes["certification"]
        await SERVICE.seed(runtime)
        await SERVICE.seed(runtime)  # idempotent
        r = await system.clients["certification"].get("/v1/certifications", headers=system.staff())
        kinds = {c["code"]: c["kind"] for c in r.json()}
        for code in ("CCNA", "CCDA", "CCNP", "CCDP", "CCIP", "CCSP", "CCIE-RS", "CSE"):
            assert code in kinds
        assert sum(k == "cqs_representative" for k in kinds.values()) >= 2
        assert sum(k == "cqs_specialist" for k in kinds.values()) >= 2


async def test_ce1_exam_put_announces_the_replacement_once_through_the_outbox(system_factory, h) -> None:
    """CE-1: certification owns replacements; the exam PUT publishes `certification.exam.replaced` in its own
    transaction, again only when the announcement changes."""
    async with system_factory(SERVICE, start_date="2020-01-01") as system:
        client, staff = system.clients["certification"], system.staff()
        await h.catalog(system)
        assert await h.events(system, "certification.exam.replaced.v1") == [], "exams without `replaces` announce nothing"

        async def put(body: dict, number: str = "A1B", expected: int = 200) -> dict:
            r = await client.put(f"/v1/exams/{number}", json=body, headers=staff)
            assert r.status_code == expected, r.text
            return r.json()

        def announced(required: bool, effective_on: str, announced_on: str) -> dict:
            return {"old_number": "A1", "new_number": "A1B", "required": required, "effective_on": effective_on, "announced_on": announced_on}

        body = {"title": "CCNA v2", "replaces": "A1"}
        out = await put(body, expected=201)
        assert (out["replacement_effective_on"], out["replacement_announced_on"]) == ("2020-01-01", "2020-01-01")
        expected = [announced(False, "2020-01-01", "2020-01-01")]
        assert await h.events(system, "certification.exam.replaced.v1") == expected
        await put(body)
        await put(body | {"title": "CCNA v2 (renamed)", "technical": True})
        assert await h.events(system, "certification.exam.replaced.v1") == expected, "the same announcement again: nothing new"

        # the announcement changes: existing holders must take the new exam, from the business date of the change
        await h.today(system, "2020-02-01")
        body["replacement_required"] = True
        await put(body)
        await put(body)
        expected.append(announced(True, "2020-02-01", "2020-02-01"))
        assert await h.events(system, "certification.exam.replaced.v1") == expected
        # an explicit effective date is a change too; repeating it (or leaving it out) is not
        out = await put(body | {"replacement_effective_on": "2020-09-01"})
        assert (out["replacement_effective_on"], out["replacement_announced_on"]) == ("2020-09-01", "2020-02-01")
        await put(body | {"replacement_effective_on": "2020-09-01"})
        await put(body)
        expected.append(announced(True, "2020-09-01", "2020-02-01"))
        assert await h.events(system, "certification.exam.replaced.v1") == expected
        got = (await client.get("/v1/exams/A1B", headers=staff)).json()
        assert (got["replacement_required"], got["replacement_effective_on"]) == (True, "2020-09-01")

        # one successor per exam, and an announced replacement stays: 422, nothing written, nothing published
        await put({"title": "other", "replaces": "A1"}, number="A1C", expected=422)
        await put({"title": "CCNA v2"}, expected=422)
        await put({"title": "CCNA v2", "replaces": "D1"}, expected=422)
        assert (await client.get("/v1/exams/A1C", headers=staff)).status_code == 404
        assert (await client.get("/v1/exams/A1B", headers=staff)).json()["replaces"] == "A1"
        assert await h.events(system, "certification.exam.replaced.v1") == expected
        runtime = system.runtimes["certification"]
        async with runtime.db.engine.connect() as conn:
            box = runtime.db.outbox
            envelopes = (await conn.execute(select(box.c.envelope).where(box.c.type == "certification.exam.replaced.v1"))).scalars().all()
        assert [(e["key"], e["producer"]) for e in envelopes] == [("A1", "certification")] * 3
        channel = (await client.get("/asyncapi.json")).json()["channels"]["certification.exam.replaced.v1"]
        assert "subscribe" in channel, "certification publishes it"


async def test_ce1_ce4_a_replica_sees_the_catalog_another_replica_changed(system_factory, h, mode, request, tmp_path) -> None:
    """Each process keeps the catalog it last read (issue 19); a write through another replica of the same
    database must reach it at once: an exam and a certification version added there count here."""
    if mode == "distributed":
        url = request.getfixturevalue("databases").new_url("certification")
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'shared-certification.db'}"
    same_database = {"database_urls": {"certification": url}, "start_date": "2020-06-01"}
    async with system_factory(SERVICE, **same_database) as here, system_factory(SERVICE, **same_database) as there:
        await h.catalog(there)
        assert (await h.result(here, "r-1", "ann", "A1", "2020-05-01")).status_code == 201  # here reads the catalog
        assert "CCNA" in await h.badges(here, "ann")
        client = there.clients["certification"]
        r = await client.put("/v1/exams/N1", json={"title": "new exam"}, headers=there.staff())
        assert r.status_code == 201, r.text
        r = await client.put(
            "/v1/certifications/CCNX", json={"name": "CCNX", "kind": "associate", "required_exams": [["N1"]]}, headers=there.staff()
        )
        assert r.status_code == 201, r.text
        new = await h.result(here, "r-2", "bob", "N1", "2020-05-02")
        assert new.status_code == 201, new.text  # not "not in the exam catalog": here saw the new exam
        assert "CCNX" in await h.badges(here, "bob")
        # a new version of CCNA's requirements (from today) judges the next pass here by version 2
        r = await client.put(
            "/v1/certifications/CCNA", json={"name": "CCNA", "kind": "associate", "required_exams": [["N1"]]}, headers=there.staff()
        )
        assert r.status_code == 200, r.text
        assert (await h.result(here, "r-3", "cy", "N1", "2020-05-03")).status_code == 201
        achieved = await h.events(here, "certification.badge.achieved.v1", "cy")
        assert {(e["certification"], e["requirements_version"]) for e in achieved} == {("CCNX", 1), ("CCNA", 2)}


async def test_ce1_ce3_concurrent_single_results_are_combined_and_each_answers_as_alone(system_factory, h) -> None:
    """Single exam results sent at the same time are recorded together (issue 19); each answers as it would
    alone: 201, a 200 replay of the first for a repeated external id, or its own 422, and every badge once."""
    import asyncio

    from certification.api.results import SINGLE_RESULTS

    async with system_factory(SERVICE, start_date="2020-06-01") as system:
        await h.catalog(system)
        before = (SINGLE_RESULTS.batches, SINGLE_RESULTS.items)
        people = [f"p{i}" for i in range(12)]
        sent = []
        for person in people:
            sent += [(f"{person}-a", person, "A1", "2020-05-01"), (f"{person}-a", person, "A1", "2020-05-01"),  # a replay
                     (f"{person}-d", person, "D1", "2020-05-02")]
        sent += [("bad-exam", "p0", "ZZ9", "2020-05-01"), ("bad-date", "p1", "A1", "2020-06-02")]
        answers = await asyncio.gather(*(h.result(system, *s) for s in sent))
        for k in range(len(people)):
            a, a_again, d = answers[3 * k : 3 * k + 3]
            assert sorted([a.status_code, a_again.status_code]) == [200, 201], (a.text, a_again.text)
            assert a.json()["id"] == a_again.json()["id"]  # the replay is the first result
            assert d.status_code == 201, d.text
        assert answers[-2].status_code == 422 and "not in the exam catalog" in answers[-2].text
        assert answers[-1].status_code == 422 and "after today" in answers[-1].text
        for person in people:
            achieved = await h.events(system, "certification.badge.achieved.v1", person)
            assert sorted(e["certification"] for e in achieved) == ["CCDA", "CCNA"], (person, achieved)
            assert len(await h.events(system, "certification.exam.passed.v1", person)) == 2
        batches, items = SINGLE_RESULTS.batches - before[0], SINGLE_RESULTS.items - before[1]
        assert items == len(sent) and batches < items  # really recorded together
        assert len(SINGLE_RESULTS) == 0
