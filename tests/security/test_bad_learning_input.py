"""Learning's writes refuse bad input with a 4xx problem+json and change nothing: the library
(CL-1), completions and xAPI statements (CL-2, CL-9: dated after today's business date is refused
by one rule for both), proofs of attendance (CL-5). Both modes."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from attacks import DATES, DEEP, JSON, MOMENTS, TEXT, outbox_size, refuse_all, refused

from learning.app import SERVICE as LEARNING

TODAY = "2026-03-01"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
XAPI = {"X-Experience-API-Version": "1.0.3"}


def statement(**changes: Any) -> dict[str, Any]:
    base = {
        "actor": {"objectType": "Agent", "account": {"homePage": "https://id.example.com", "name": "jdoe"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
        "object": {"objectType": "Activity", "id": "https://lms.example.com/activities/ACT"},
        "timestamp": "2026-02-01T10:00:00Z",
    }
    return base | changes


@pytest.fixture
async def learning(system_factory, tmp_path: Path) -> Any:
    async with system_factory(LEARNING, start_date=TODAY, data_dir=tmp_path / "data") as system:
        http, staff = system.clients["learning"], system.staff()
        body = {"title": "Lab", "kind": "lab", "duration_minutes": 60, "specializations": ["ENT"]}
        assert (await http.put("/v1/activities/ACT", json=body, headers=staff)).status_code == 200
        assert (await http.post("/v1/activities/ACT/publish", headers=staff)).status_code == 200
        yield system


async def snapshot(system: Any) -> list[Any]:
    http, staff = system.clients["learning"], system.staff()
    paths = ("/v1/activities", "/v1/activities/drafts", "/v1/individuals/jdoe/points", "/v1/proofs")
    return [(await http.get(path, headers=staff)).json() for path in paths] + [await outbox_size(system.runtimes["learning"])]


async def test_cl1_cl2_library_and_completions_refuse_bad_text_and_dates(learning) -> None:
    http, staff, lms = learning.clients["learning"], learning.staff(), learning.token("lms.client", "system")
    limit = learning.runtimes["learning"].settings.json_max_bytes
    before = await snapshot(learning)

    activity = {"title": "New", "kind": "lab", "duration_minutes": 60, "specializations": ["ENT"]}
    bad_activity = {"title": TEXT, "specializations": [["ENT\n"], ["E\x00"], "ENT"], "duration_minutes": [60.5, 10**9, "sixty"]}
    await refuse_all(http, "PUT", "/v1/activities/ACT2", staff, activity, bad_activity, max_bytes=limit)
    completion = {"external_id": "c-1", "cco_id": "jdoe", "activity_id": "ACT", "action": "completed", "occurred_at": "2026-02-01T10:00:00Z"}
    bad_completion = {"occurred_at": MOMENTS, "external_id": ["c\x00", "c 1"], "cco_id": ["jdoe\n"], "action": ["done"]}
    await refuse_all(http, "POST", "/v1/completions", lms, completion, bad_completion, max_bytes=limit)
    # a batch answers per item (by design): every bad item rejected, nothing earned
    items = [{**completion, "external_id": f"c-{i}", "occurred_at": m} for i, m in enumerate(MOMENTS)]
    r = await http.post("/v1/completions", json={"items": items}, headers=lms)
    assert r.status_code == 200 and r.json()["rejected"] == len(MOMENTS), r.text

    assert await snapshot(learning) == before
    assert (await http.get("/v1/activities/ACT2", headers=staff)).status_code == 404


async def test_cl9_xapi_refuses_future_statements_as_completions_do(learning) -> None:
    """One rule (learning.domain.points.occurred_problem): a statement dated after today's
    business date is refused like a completion of that date, never stored and ignored."""
    http, lms = learning.clients["learning"], learning.token("lms.client", "system")
    limit = learning.runtimes["learning"].settings.json_max_bytes
    before = await snapshot(learning)
    headers = {**lms, **XAPI}

    for future in ("2026-03-02T00:00:00Z", "2026-03-01T23:30:00-01:00"):  # the next UTC day is after today
        completion = {"external_id": "c-f", "cco_id": "jdoe", "activity_id": "ACT", "action": "completed", "occurred_at": future}
        as_completion = refused(await http.post("/v1/completions", json=completion, headers=lms))
        as_statement = refused(await http.post("/v1/xapi/statements", json=statement(timestamp=future), headers=headers))
        assert as_statement["type"].endswith("statement-in-future")
        assert f"is after today ({TODAY})" in as_completion["detail"] and f"is after today ({TODAY})" in as_statement["detail"]
        sid = str(uuid.uuid4())
        put = await http.put("/v1/xapi/statements", params={"statementId": sid}, json=statement(timestamp=future), headers=headers)
        refused(put)
        # one future statement in a batch refuses the whole batch (xAPI batches are atomic)
        batch = [statement(timestamp="2026-02-01T10:00:00Z", id=str(uuid.uuid4())), statement(timestamp=future)]
        assert refused(await http.post("/v1/xapi/statements", json=batch, headers=headers))["index"] == 1

    bad = {"timestamp": MOMENTS[:5], "actor": [{"account": {"name": "jdoe\n"}}], "verb": [{"id": "http://x/\u2028completed"}]}
    await refuse_all(http, "POST", "/v1/xapi/statements", headers, statement(), bad, max_bytes=limit, statuses=(400,))
    refused(await http.post("/v1/xapi/statements", json=statement(verb={"id": "http://x/completed", "display": {"en": "a\x00"}}), headers=headers))
    assert await snapshot(learning) == before


async def test_cl5_proofs_refuse_bad_form_fields_and_decisions(learning) -> None:
    http, staff = learning.clients["learning"], learning.staff()
    form = {"cco_id": "jdoe", "event": "Cisco Live 2026", "specialization": "ENT", "attended_on": "2026-02-01"}
    pdf = {"file": ("certificate.pdf", PDF, "application/pdf")}
    first = await http.post("/v1/proofs", data=form, files=pdf, headers=staff)
    assert first.status_code == 201, first.text
    proof = first.json()["proof_id"]
    before = await snapshot(learning)

    for field, values in {"event": ["Cisco\x00Live", "Cisco\u2028Live", "Cisco\x85Live", "x" * 201], "attended_on": DATES}.items():
        for value in values:
            refused(await http.post("/v1/proofs", data={**form, field: str(value)}, files=pdf, headers=staff))
    for decision in ("accept", "reject"):
        for body in ({"reason": "bad\x00"}, {"reason": "x" * 1001}, {"reason": 5}):
            refused(await http.post(f"/v1/proofs/{proof}/{decision}", json=body, headers=staff))
        refused(await http.post(f"/v1/proofs/{proof}/{decision}", content=DEEP, headers={**staff, **JSON}))

    assert await snapshot(learning) == before
    assert (await http.get(f"/v1/proofs/{proof}", headers=staff)).json()["status"] == "submitted"
