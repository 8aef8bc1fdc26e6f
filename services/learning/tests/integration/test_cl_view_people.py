"""CL-8, CL-10, CL-3 (the CL View's people and figures), both modes.

The view decides who is a current member once per request and counts previous employees from the
partner's totals; these tests pin down the answers that must not change with how it is computed:
the membership boundary days, members without points and `people_limit`, ties, several
specializations, a person with two open stints, and mandatory items done by a previous employee."""

from __future__ import annotations

import csv
import io
from typing import Any


async def _get(learning, partner: str, **params: Any) -> dict[str, Any]:
    r = await learning.client.get(f"/v1/partners/{partner}/cl-view", headers=learning.staff, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def _people(group: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(p["cco_id"], p["points"]) for p in group]


async def test_cl8_members_and_previous_employees_at_the_membership_boundaries(learning) -> None:
    await learning.today("2026-01-01")
    await learning.period("P", "ENT", "2026-01-01", "2026-12-31")
    await learning.activity("A1", duration_minutes=300)  # 10 points
    await learning.activity("A2", duration_minutes=300)
    for person in ("ana", "bo"):
        await learning.join(person, "P", "2026-01-01")
    await learning.join("eve", "P", "2025-01-01")
    await learning.join("eve", "P", "2026-01-01")  # a second open stint: still one member
    await learning.today("2026-10-01")
    await learning.complete("ana", "A1", "2026-02-01")
    await learning.complete("bo", "A1", "2026-02-01")
    await learning.complete("bo", "A2", "2026-03-01")
    await learning.complete("eve", "A1", "2026-02-01")
    await learning.leave("ana", "P", "2026-01-01", "2026-10-01")  # ends today: no longer a member
    await learning.leave("bo", "P", "2026-01-01", "2026-10-02")  # ends tomorrow: still a member today
    await learning.join("cy", "P", "2026-10-01")  # starts today: a member, without points
    await learning.join("dee", "P", "2026-10-02")  # starts tomorrow: not yet

    view = await _get(learning, "P")
    assert view["members"] == 3  # bo, cy, eve (eve once)
    (ent,) = view["specializations"]
    assert ent["points_earned"] == 40  # ana's 10 stay with P (CL-8)
    assert _people(ent["people"]) == [("bo", 20), ("eve", 10), ("cy", 0)]
    assert ent["previous_employees"]["total"] == 1
    assert _people(ent["previous_employees"]["people"]) == [("ana", 10)]

    await learning.today("2026-10-02")
    view = await _get(learning, "P")
    assert view["members"] == 3  # cy, dee, eve
    (ent,) = view["specializations"]
    assert _people(ent["people"]) == [("eve", 10), ("cy", 0), ("dee", 0)]
    assert ent["previous_employees"]["total"] == 2
    assert _people(ent["previous_employees"]["people"]) == [("bo", 20), ("ana", 10)]


async def test_cl10_people_limit_counts_members_without_points_and_keeps_the_totals(learning) -> None:
    await learning.today("2026-01-01")
    await learning.period("P", "ENT", "2026-01-01", "2026-12-31")
    await learning.activity("A1", duration_minutes=300)  # 10 points
    await learning.activity("A2", duration_minutes=60)  # 2 points
    for person in ("m1", "m2", "m3", "m4", "x1", "x2"):
        await learning.join(person, "P", "2026-01-01")
    await learning.today("2026-10-01")
    await learning.complete("m1", "A1", "2026-02-01")
    await learning.complete("m2", "A2", "2026-02-01")
    for leaver, activity in (("x1", "A1"), ("x2", "A2")):
        await learning.complete(leaver, activity, "2026-02-01")
        await learning.leave(leaver, "P", "2026-01-01", "2026-06-01")

    everyone = [("m1", 10), ("m2", 2), ("m3", 0), ("m4", 0)]
    for limit, shown in ((0, 0), (1, 1), (2, 2), (3, 3), (100, 4)):
        (ent,) = (await _get(learning, "P", people_limit=limit))["specializations"]
        assert _people(ent["people"]) == everyone[:shown], limit
        assert _people(ent["previous_employees"]["people"]) == [("x1", 10), ("x2", 2)][:limit], limit
        assert ent["previous_employees"]["total"] == 2 and ent["points_earned"] == 24, limit

    # the CSV lists everyone, in the same order
    r = await learning.client.get("/v1/partners/P/cl-view", headers={**learning.staff, "Accept": "text/csv"})
    rows = [(row["group"], row["cco_id"], int(row["points"])) for row in csv.DictReader(io.StringIO(r.text))]
    assert rows == [("current", c, p) for c, p in everyone] + [
        ("Previous Employee", "x1", 10),
        ("Previous Employee", "x2", 2),
    ]


async def test_cl10_cl3_several_specializations_each_with_its_own_people_and_mandatory_items(learning) -> None:
    await learning.today("2026-01-01")
    for spec in ("ENT", "SEC"):
        await learning.period("P", spec, "2026-01-01", "2026-12-31")
    await learning.activity("ENT-1", explicit_points=10, specializations=["ENT"])
    await learning.activity("SEC-1", explicit_points=10, specializations=["SEC"])
    await learning.activity("BOTH", explicit_points=5, specializations=["ENT", "SEC"])
    await learning.activity(
        "MAND-ENT", explicit_points=1, specializations=["ENT"], mandatory_for=[{"specialization": "ENT", "cycle": "2026"}]
    )
    await learning.activity(
        "MAND-SEC", explicit_points=1, specializations=["SEC"], mandatory_for=[{"specialization": "SEC", "cycle": "2026"}]
    )
    for person in ("m1", "m2", "m3", "m4", "m5", "x1"):
        await learning.join(person, "P", "2026-01-01")
    await learning.today("2026-10-01")
    await learning.complete("m1", "ENT-1", "2026-02-01")
    await learning.complete("m5", "ENT-1", "2026-02-01")  # ties with m1: the higher CCO ID first
    await learning.complete("m2", "ENT-1", "2026-02-01")
    await learning.complete("m2", "BOTH", "2026-02-01")
    await learning.complete("m3", "SEC-1", "2026-02-01")
    await learning.complete("x1", "BOTH", "2026-02-01")
    await learning.complete("x1", "MAND-ENT", "2026-02-02")  # done for the partner, by someone who then left
    await learning.leave("x1", "P", "2026-01-01", "2026-06-01")

    view = await _get(learning, "P")
    assert view["members"] == 5
    ent, sec = view["specializations"]
    assert (ent["specialization"], sec["specialization"]) == ("ENT", "SEC")
    assert ent["points_earned"] == 41 and sec["points_earned"] == 20
    assert _people(ent["people"]) == [("m2", 15), ("m5", 10), ("m1", 10), ("m3", 0), ("m4", 0)]
    assert _people(sec["people"]) == [("m3", 10), ("m2", 5), ("m1", 0), ("m4", 0), ("m5", 0)]
    assert _people(ent["previous_employees"]["people"]) == [("x1", 6)] and ent["previous_employees"]["total"] == 1
    assert _people(sec["previous_employees"]["people"]) == [("x1", 5)] and sec["previous_employees"]["total"] == 1
    assert ent["mandatory_outstanding"] == []
    assert [m["activity_id"] for m in sec["mandatory_outstanding"]] == ["MAND-SEC"]

    # one specialization asked for: the same figures for it alone
    only = await _get(learning, "P", specialization="SEC")
    assert only["members"] == 5 and only["specializations"] == [sec]


async def test_cl9_concurrent_readers_share_reads_yet_each_sees_every_earlier_completion(learning) -> None:
    """Identical CL View requests in flight together share one read (issue 19); one sent after a completion
    was recorded must still count it, however many readers are in flight around it (read-your-writes)."""
    import asyncio

    from learning.api.points import SHARED_VIEWS

    await learning.today("2026-01-01")
    await learning.period("P", "ENT", "2026-01-01", "2026-12-31")
    await learning.activity("A1", duration_minutes=30)  # 1 point each
    people = [f"p{i}" for i in range(12)]
    for person in people:
        await learning.join(person, "P", "2026-01-01")
    await learning.today("2026-10-01")
    stop = asyncio.Event()

    async def reader() -> int:
        reads = 0
        while not stop.is_set():
            (ent,) = (await _get(learning, "P"))["specializations"]
            assert 0 <= ent["points_earned"] <= len(people)
            reads += 1
        return reads

    crowd = [asyncio.ensure_future(reader()) for _ in range(12)]
    try:
        for done, person in enumerate(people, start=1):
            await learning.complete(person, "A1", "2026-02-01")
            (ent,) = (await _get(learning, "P"))["specializations"]
            assert ent["points_earned"] == done, (person, ent["points_earned"])
    finally:
        stop.set()
        reads = await asyncio.gather(*crowd)
    assert sum(reads) > len(people)  # the crowd really read alongside
    assert len(SHARED_VIEWS) == 0  # nothing is kept once no request is in flight
