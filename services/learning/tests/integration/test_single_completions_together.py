"""CL-6 and idempotency for single completions sent at the same time (issue 19): they are recorded together,
one transaction per batch, and each answers exactly as it would have alone. Both modes."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import select

from learning.api.completions import SINGLE_COMPLETIONS
from partnerhub.bus.contracts import PointsEarned
from partnerhub.bus.envelope import Envelope


async def test_cl6_concurrent_single_completions_are_combined_and_each_answers_as_alone(learning) -> None:
    await learning.today("2026-01-01")
    await learning.period("P", "ENT", "2026-01-01", "2026-12-31")
    await learning.activity("A1", duration_minutes=300)  # 10 points
    await learning.activity("A2", duration_minutes=60)  # 2 points
    people = [f"c{i}" for i in range(10)]
    for person in people:
        await learning.join(person, "P", "2026-01-01")
    await learning.today("2026-06-01")
    batches_before, items_before = SINGLE_COMPLETIONS.batches, SINGLE_COMPLETIONS.items

    def body(person: str, activity: str, external_id: str | None = None) -> dict[str, str]:
        return {"external_id": external_id or uuid.uuid4().hex, "cco_id": person, "activity_id": activity,
                "action": "completed", "occurred_at": "2026-02-01T10:00:00Z"}

    sent = []
    for person in people:
        sent.append(body(person, "A1"))
        sent.append(body(person, "A1"))  # the same activity again, another external id: CL-6, once
        sent.append(body(person, "A2", external_id=f"same-{person}"))
        sent.append(body(person, "A2", external_id=f"same-{person}"))  # the same external id: a replay
    sent.append(body("c0", "NOPE"))  # refused alone, the others unaffected

    async def post(b: dict[str, str]):  # each request with a correlation id of its own: its external id
        return await learning.client.post("/v1/completions", json=b, headers=learning.lms | {"X-Correlation-ID": b["external_id"]})

    answers = await asyncio.gather(*(post(b) for b in sent))
    *good, refused = answers
    assert refused.status_code == 422 and "NOPE" in refused.text
    for person_index in range(len(people)):
        a1, a1_again, a2, a2_replay = (good[4 * person_index + k] for k in range(4))
        outcomes = sorted([a1.json()["status"], a1_again.json()["status"]])
        assert outcomes == ["already_earned", "earned"], (a1.text, a1_again.text)
        assert {a1.status_code, a1_again.status_code} == {201}
        assert sorted([(a2.status_code, a2.json()["status"]), (a2_replay.status_code, a2_replay.json()["status"])]) == [
            (200, "duplicate"), (201, "earned")
        ]
        duplicate = a2 if a2.json()["status"] == "duplicate" else a2_replay
        assert duplicate.json()["reason"] == "already received"  # as alone, never "repeated in this batch"
        assert all(r.json()["index"] == 0 for r in (a1, a1_again, a2, a2_replay))
    (ent,) = (await learning.client.get("/v1/partners/P/cl-view", headers=learning.staff)).json()["specializations"]
    assert ent["points_earned"] == len(people) * 12
    batches = SINGLE_COMPLETIONS.batches - batches_before
    items = SINGLE_COMPLETIONS.items - items_before
    assert items == len(sent) and batches < items  # really recorded together, not one by one
    assert len(SINGLE_COMPLETIONS) == 0
    # recorded together, yet each points.earned event carries the correlation id of the request that earned it
    runtime = learning.system.runtimes["learning"]
    async with runtime.db.engine.connect() as conn:
        rows = (await conn.execute(select(runtime.db.outbox.c.envelope))).scalars().all()
    earned = {(e.payload["cco_id"], e.payload["activity_id"]): e.correlation_id
              for e in map(Envelope.model_validate, rows) if e.type == PointsEarned.TYPE}
    expected = {(b["cco_id"], b["activity_id"]): b["external_id"] for b, r in zip(sent, answers, strict=True)
                if r.status_code == 201 and r.json()["status"] == "earned"}
    assert earned == expected and len(expected) == 2 * len(people)
