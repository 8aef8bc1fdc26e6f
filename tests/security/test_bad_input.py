"""Bad input gets a clean 4xx problem+json and changes nothing (ARCHITECTURE.md, HTTP APIs):
identity, certification, specialization, notify, every paginated list, the standalone root.
Learning is in test_bad_learning_input.py. Each test runs in both modes (``mode``)."""

from __future__ import annotations

from pathlib import Path

import httpx
from attacks import DATES, DEEP, HUGE_OFFSET, JSON, TEXT, outbox_size, refuse_all, refused, rows

from certification.app import SERVICE as CERTIFICATION
from certification.tables import agreements, exam_results
from identity.app import SERVICE as IDENTITY
from learning.app import SERVICE as LEARNING
from notify.app import SERVICE as NOTIFY
from partnerhub.pagination import MAX_OFFSET
from partnerhub.standalone import Standalone
from specialization.app import SERVICE as SPECIALIZATION

TODAY = "2026-03-01"
NAMES = ["Jo\u2028Doe", "Jo\u2029Doe", "Jo\x85Doe", "Jo\x00Doe", "Jo\x9bDoe", "Jo\tDoe", "Jo\nDoe", *TEXT[4:]]
EMAILS = ["jo@example.com\u2028", "jo\x85@example.com", "jo@exämple.com", "zoë@example.com", "jo\x00@example.com", 7]


async def test_id1_id3_no3_identity_refuses_what_notify_could_not_mail_and_changes_nothing(system_factory) -> None:
    """ID-1/ID-3 writes; NO-3: a name or an address notify could never put into a mail is a 422
    when identity is given it (POST and PATCH), not a mail that fails forever later."""
    async with system_factory(IDENTITY, start_date=TODAY) as system:
        http, staff, runtime = system.clients["identity"], system.staff(), system.runtimes["identity"]
        limit = runtime.settings.json_max_bytes
        assert (await http.post("/v1/partners", json={"be_geo_id": "P1", "name": "Acme", "country": "DE"}, headers=staff)).status_code == 201
        person = {"cco_id": "jdoe", "name": "Jo Doe", "email": "jo@example.com"}
        assert (await http.post("/v1/individuals", json=person, headers=staff)).status_code == 201
        assert (await http.put("/v1/partners/P1/members/jdoe", params={"on": "2026-02-01"}, headers=staff)).status_code == 200
        before = [
            (await http.get(path, headers=staff)).json()
            for path in ("/v1/individuals/jdoe", "/v1/partners/P1", "/v1/partners/P1/members?include_former=true")
        ]
        events = await outbox_size(runtime)

        new = {"cco_id": "zoe", "name": "Zoe", "email": "zoe@example.com"}
        await refuse_all(http, "POST", "/v1/individuals", staff, new, {"name": NAMES, "email": EMAILS, "cco_id": ["zoe\n", "zo\x00e"]}, max_bytes=limit)
        me = system.token("jdoe", "individual")
        await refuse_all(http, "PATCH", "/v1/individuals/jdoe", me, {"name": "Jo"}, {"name": NAMES, "email": EMAILS}, max_bytes=limit)
        await refuse_all(http, "POST", "/v1/partners", staff, {"be_geo_id": "P2", "name": "Beta", "country": "FR"}, {"name": NAMES}, max_bytes=limit)
        await refuse_all(http, "POST", "/v1/individuals/jdoe/merge", staff, {"retire": ["old"]}, {"retire": ["old\x00", ["o\nld"], "old"]}, max_bytes=limit)
        for method in ("PUT", "DELETE"):  # the membership date, as the query `on` or in the body (ID-3)
            for day in DATES:
                refused(await http.request(method, "/v1/partners/P1/members/jdoe", params={"on": day}, headers=staff))
                refused(await http.request(method, "/v1/partners/P1/members/jdoe", json={"on": day}, headers=staff))
            refused(await http.request(method, "/v1/partners/P1/members/jdoe", content=DEEP, headers={**staff, **JSON}))
        refused(await http.get("/v1/individuals/jd%00oe", headers=staff))  # NUL in a path parameter

        after = [
            (await http.get(path, headers=staff)).json()
            for path in ("/v1/individuals/jdoe", "/v1/partners/P1", "/v1/partners/P1/members?include_former=true")
        ]
        assert after == before
        assert (await http.get("/v1/individuals/zoe", headers=staff)).status_code == 404
        assert (await http.get("/v1/partners/P2", headers=staff)).status_code == 404
        assert await outbox_size(runtime) == events


async def test_ce1_ce3_certification_refuses_bad_results_dates_and_uploads(system_factory) -> None:
    """CE-1 exam results and CE-3 agreements with dates out of range or as numbers, bad catalog
    text; bulk uploads keep their own (larger) limit and a bad line never breaks the import."""
    async with system_factory(CERTIFICATION, start_date=TODAY) as system:
        http, staff, runtime = system.clients["certification"], system.staff(), system.runtimes["certification"]
        center = system.token("testing-center", "system")
        limit = runtime.settings.json_max_bytes
        assert (await http.put("/v1/exams/A1", json={"title": "CCNA exam"}, headers=staff)).status_code == 201
        before = (await http.get("/v1/exams", headers=staff)).json()
        events = await outbox_size(runtime)

        await refuse_all(
            http, "PUT", "/v1/exams/A2", staff, {"title": "New"},
            {"title": TEXT, "replaces": ["A1\n"], "replacement_effective_on": DATES}, max_bytes=limit,
        )
        cert = {"name": "CCNA", "kind": "associate", "required_exams": [["A1"]]}
        await refuse_all(http, "PUT", "/v1/certifications/CCNA", staff, cert, {"name": TEXT, "required_exams": [[["A1\x00"]], "A1"]}, max_bytes=limit)
        result = {"external_id": "r-1", "cco_id": "jdoe", "exam_number": "A1", "taken_on": "2026-02-01", "passed": True}
        bad_results = {"taken_on": DATES, "external_id": ["r\x00", "r-1\n"], "cco_id": ["jdoe\u2028"], "passed": ["maybe", 2]}
        await refuse_all(http, "POST", "/v1/exam-results", center, result, bad_results, max_bytes=limit)
        await refuse_all(http, "POST", "/v1/individuals/jdoe/agreements", staff, {}, {"signed_on": DATES, "version": ["v\x00"]}, max_bytes=limit)
        # the upload's name is kept for its report: one line of text
        csv = b"external_id,cco_id,exam_number,taken_on,passed\nr-2,jdoe,A1,0001-01-01,true\n"
        for name in (b"a\x00.csv", "a\u2028.csv".encode(), b"a\x85.csv"):  # httpx would escape a NUL: built by hand
            form = b'--B\r\nContent-Disposition: form-data; name="file"; filename="' + name + b'"\r\n\r\n' + csv + b"\r\n--B--\r\n"
            headers = {**center, "content-type": "multipart/form-data; boundary=B"}
            refused(await http.post("/v1/exam-results/imports", params={"wait": "true"}, content=form, headers=headers))
        # a raw upload past the JSON limit is still taken; its bad lines (a NUL, year 1, year 9999) are reported
        lines = [b"r-3,jd\x00oe,A1,2026-02-01,true", b"r-4,jdoe,A1,0001-01-01,true", b"r-5,jdoe,A1,9999-12-31,true"]
        padding = [b"#" + b"x" * 1000] * (limit // 1000 + 1)
        body = b"external_id,cco_id,exam_number,taken_on,passed\n" + b"\n".join(lines + padding) + b"\n"
        assert len(body) > limit
        r = await http.post("/v1/exam-results/imports", params={"wait": "true", "format": "csv"}, content=body, headers={**center, "content-type": "text/csv"})
        assert r.status_code == 201, r.text
        report = r.json()
        assert (report["status"], report["accepted"], report["rejected"]) == ("done", 0, 3 + len(padding))
        errors = (await http.get(f"/v1/exam-results/imports/{report['id']}/errors", params={"limit": 3}, headers=center)).json()
        assert "\x00" not in errors[0]["content"] and "\ufffd" in errors[0]["content"]
        assert "taken_on" in errors[1]["error"] and "taken_on" in errors[2]["error"]

        assert (await http.get("/v1/exams", headers=staff)).json() == before
        assert (await http.get("/v1/certifications/CCNA", headers=staff)).status_code == 404
        assert await rows(runtime, exam_results) == 0 and await rows(runtime, agreements) == 0
        assert await outbox_size(runtime) == events


async def test_sp1_sp3_ce1_specialization_catalog_refuses_bad_input(system_factory) -> None:
    """SP-1/SP-8 levels, SP-3 role requirements (CE-1 exam replacements are certification's writes)."""
    async with system_factory(SPECIALIZATION, start_date=TODAY) as system:
        http, staff, runtime = system.clients["specialization"], system.staff(), system.runtimes["specialization"]
        limit = runtime.settings.json_max_bytes
        levels = (await http.get("/v1/levels", headers=staff)).json()
        events = await outbox_size(runtime)

        await refuse_all(http, "PUT", "/v1/levels/express", staff, {"points_required": 40}, {"points_required": ["forty", -1, 10**30, 4.5]}, max_bytes=limit)
        spec = {"name": "Express Networking", "level": "express", "roles": {"AM": [{"exams": ["700-001"]}]}}
        roles = [{"AM": [{"exams": ["700-001\n"]}]}, {"XX": [{"exams": ["700-001"]}]}, {"AM": []}, {"AM": [{"certification": "C\x00"}]}]
        await refuse_all(http, "PUT", "/v1/specializations/EXP", staff, spec, {"name": TEXT, "roles": roles}, max_bytes=limit)

        assert (await http.get("/v1/levels", headers=staff)).json() == levels
        assert (await http.get("/v1/specializations/EXP", headers=staff)).status_code == 404
        assert await outbox_size(runtime) == events


async def test_no3_notify_refuses_control_characters_in_its_filters(system_factory) -> None:
    async with system_factory(NOTIFY, start_date=TODAY) as system:
        http, staff = system.clients["notify"], system.staff()
        for name in ("recipient", "cause", "kind"):
            for value in ("jo\x00", "jo\u2028", "jo\x85", "jo\x1b"):
                refused(await http.get("/v1/notifications", params={name: value}, headers=staff))
        assert (await http.get("/v1/notifications", params={"recipient": "Zoë"}, headers=staff)).json() == []


LISTS = [
    ("identity", "/v1/duplicates"),
    ("certification", "/v1/exam-results/imports/{import_id}/errors"),
    ("certification", "/v1/exam-results/imports/{import_id}/warnings"),
    ("learning", "/v1/proofs"),
    ("learning", "/v1/partners/P1/points"),
    ("learning", "/v1/activities"),
    ("notify", "/v1/notifications"),
]


async def test_every_paginated_list_bounds_offset_and_limit(system_factory, tmp_path: Path) -> None:
    """offset ≥ 2^63 was an OverflowError (SQLite) or an int64 error (PostgreSQL): now a 422 everywhere."""
    async with system_factory(IDENTITY, CERTIFICATION, LEARNING, NOTIFY, start_date=TODAY, data_dir=tmp_path / "data") as system:
        staff = system.staff()
        upload = b"external_id,cco_id,exam_number,taken_on,passed\nr-1,jdoe,XX,2026-02-01,true\n"
        done = await system.clients["certification"].post(
            "/v1/exam-results/imports", params={"wait": "true", "format": "csv"}, content=upload, headers=staff
        )
        assert done.status_code == 201, done.text
        for service, template in LISTS:
            http, path = system.clients[service], template.format(import_id=done.json()["id"])
            for params in (
                {"offset": HUGE_OFFSET},
                {"offset": MAX_OFFSET + 1},
                {"offset": -1},
                {"offset": "1e3"},
                {"limit": 0},
                {"limit": 1001},
                {"limit": HUGE_OFFSET},
            ):
                body = refused(await http.get(path, params=params, headers=staff))
                assert body["errors"][0]["loc"][:2] == ["query", next(iter(params))], body
            last = await http.get(path, params={"offset": MAX_OFFSET, "limit": 1000}, headers=staff)
            assert last.status_code == 200, (path, last.text)


async def test_standalone_root_and_its_mounts_apply_the_limits(tmp_path: Path) -> None:
    """The standalone root reads JSON itself (PUT /v1/admin/today); each mounted service checks its own."""
    system = Standalone(tmp_path / "data", definitions=[IDENTITY])
    await system.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=system.app), base_url="http://sa") as http:
            staff = {"Authorization": f"Bearer {system.staff_token()}", **JSON}
            limit = system.settings.json_max_bytes
            for path in ("/v1/admin/today", "/identity/v1/admin/today"):
                refused(await http.put(path, content=DEEP, headers=staff))
                refused(await http.put(path, content=b'{"date": "' + b"1" * limit + b'"}', headers=staff), 413)
                refused(await http.put(path, content=b'{"date": "2026\\u0000"}', headers=staff))
            refused(await http.get("/identity/v1/individuals/jd%00oe", headers=staff))
            refused(await http.post("/identity/v1/individuals", content=DEEP, headers=staff))
    finally:
        await system.stop()
