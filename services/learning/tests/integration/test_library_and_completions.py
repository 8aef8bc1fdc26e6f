"""Library (CL-1, CL-2), completions (CL-4, idempotency, batches), exams (CL-6), mandatory items (CL-3).
Run in both modes: standalone, and on PostgreSQL + RabbitMQ."""

from __future__ import annotations


async def test_cl1_cl2_drafts_count_only_once_published_with_points_from_duration(learning) -> None:
    await learning.today("2026-03-01")
    await learning.join("alice", "P1", "2026-01-01")
    await learning.period("P1", "ENT", "2026-01-01", "2026-12-31")
    draft = await learning.activity("C-601", publish=False, duration_minutes=601)
    assert draft["published"] is None and draft["draft"]["points"] == 20
    r = await learning.client.post(
        "/v1/completions",
        json={"external_id": "x1", "cco_id": "alice", "activity_id": "C-601", "action": "completed", "occurred_at": "2026-02-01T09:00:00Z"},
        headers=learning.lms,
    )
    assert r.status_code == 422 and "no published activity" in r.json()["detail"]
    # program staff see the draft, others do not
    assert (await learning.client.get("/v1/activities/C-601", headers=learning.lms)).status_code == 404
    published = await learning.client.post("/v1/activities/C-601/publish", headers=learning.staff)
    assert published.json()["published"]["points"] == 20
    (event,) = await learning.outbox("learning.activity.published.v1")
    assert event["activity_id"] == "C-601" and event["points"] == 20
    # a new revision stays a draft; the published one keeps counting until it is published
    await learning.activity("C-601", publish=False, duration_minutes=59)
    out = await learning.complete("alice", "C-601", "2026-02-01")
    assert out["status"] == "earned" and out["points"] == 20
    again = await learning.client.post("/v1/activities/C-601/publish", headers=learning.staff)
    assert again.json()["published"]["points"] == 1
    for minutes, points in ((29, 0), (30, 1), (60, 2), (600, 20)):
        await learning.activity(f"C-{minutes}", duration_minutes=minutes)
        assert (await learning.complete("alice", f"C-{minutes}", "2026-02-02"))["points"] == points
    flagged = await learning.activity("C-big", duration_minutes=900, extended_cap=True)
    assert flagged["published"]["points"] == 25
    explicit = await learning.activity("C-exc", duration_minutes=10, explicit_points=7)
    assert explicit["published"]["points"] == 7
    assert await learning.earned("P1") == 20 + 0 + 1 + 2 + 20


async def test_cl4_video_earns_when_viewed_never_when_downloaded(learning) -> None:
    await learning.today("2026-03-01")
    await learning.join("bob", "P1", "2026-01-01")
    await learning.period("P1", "ENT", "2026-01-01", "2026-12-31")
    await learning.activity("VID-1", kind="video", duration_minutes=60)
    downloaded = await learning.complete("bob", "VID-1", "2026-02-01", action="downloaded")
    assert downloaded["status"] == "recorded" and downloaded["points"] == 0
    assert await learning.earned("P1") == 0
    viewed = await learning.complete("bob", "VID-1", "2026-02-02", action="viewed")
    assert viewed["status"] == "earned" and viewed["points"] == 2
    assert await learning.earned("P1") == 2


async def test_an_activity_earns_once_per_person_and_replays_are_harmless(learning) -> None:
    await learning.today("2026-03-01")
    await learning.join("carol", "P1", "2026-01-01")
    await learning.period("P1", "ENT", "2026-01-01", "2026-12-31")
    await learning.activity("C1", duration_minutes=300)
    first = await learning.complete("carol", "C1", "2026-02-01", external_id="lms-1")
    replay = await learning.complete("carol", "C1", "2026-02-01", external_id="lms-1")
    second_time = await learning.complete("carol", "C1", "2026-02-10", external_id="lms-2")
    assert (first["status"], replay["status"], second_time["status"]) == ("earned", "duplicate", "already_earned")
    assert await learning.earned("P1") == 10
    assert await learning.credit_sum("P1") == 10
    assert len(await learning.outbox("learning.points.earned.v1")) == 1


async def test_batch_applies_good_items_and_reports_each_bad_or_duplicate_one(learning) -> None:
    await learning.today("2026-03-01")
    await learning.period("P1", "ENT", "2026-01-01", "2026-12-31")
    await learning.activity("C1", duration_minutes=90)
    await learning.activity("EX-1", kind="exam", exam_number="350-401", duration_minutes=120)
    people = [f"p{i:03d}" for i in range(40)]
    for p in people[:3]:
        await learning.join(p, "P1", "2026-01-01")
    good = [
        {"external_id": f"b-{p}", "cco_id": p, "activity_id": "C1", "action": "completed", "occurred_at": "2026-02-01T08:00:00+01:00"}
        for p in people
    ]
    bad = [
        {"external_id": "b-p000", "cco_id": "p000", "activity_id": "C1", "action": "completed", "occurred_at": "2026-02-01T08:00:00Z"},
        {"external_id": "no-activity", "cco_id": "p001", "activity_id": "NOPE", "action": "completed", "occurred_at": "2026-02-01T08:00:00Z"},
        {"external_id": "bad-action", "cco_id": "p001", "activity_id": "C1", "action": "skimmed", "occurred_at": "2026-02-01T08:00:00Z"},
        {"external_id": "naive", "cco_id": "p001", "activity_id": "C1", "action": "completed", "occurred_at": "2026-02-01T08:00:00"},
        {"external_id": "future", "cco_id": "p001", "activity_id": "C1", "action": "completed", "occurred_at": "2027-02-01T08:00:00Z"},
        {"external_id": "exam", "cco_id": "p001", "activity_id": "EX-1", "action": "completed", "occurred_at": "2026-02-01T08:00:00Z"},
        "not an object",
    ]
    r = await learning.client.post("/v1/completions", json={"items": good + bad}, headers=learning.lms)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["received"], body["earned"], body["duplicates"], body["rejected"]) == (47, 40, 1, 6)
    statuses = {i["index"]: i["status"] for i in body["items"]}
    assert statuses[40] == "duplicate" and all(statuses[i] == "rejected" for i in range(41, 47))
    reasons = [i["reason"] for i in body["items"][41:]]
    assert "NOPE" in reasons[0] and "action" in reasons[1] and "timezone" in reasons[2].lower()
    assert "after today" in reasons[3] and "CL-6" in reasons[4]
    assert await learning.earned("P1") == 3 * 3  # only the three members credit P1 (ID-1)
    replay = await learning.client.post("/v1/completions", json=good, headers=learning.lms)
    assert replay.json()["duplicates"] == 40 and await learning.earned("P1") == 9
    too_many = [dict(good[0], external_id=f"m{i}") for i in range(1001)]
    r = await learning.client.post("/v1/completions", json={"items": too_many}, headers=learning.lms)
    assert r.status_code == 413
    assert (await learning.client.post("/v1/completions", json={"items": []}, headers=learning.lms)).status_code == 422


async def test_cl6_a_passed_exam_earns_only_when_in_the_library(learning) -> None:
    await learning.today("2026-03-01")
    await learning.join("dave", "P1", "2026-01-01")
    await learning.period("P1", "ENT", "2026-01-01", "2026-12-31")
    await learning.exam("dave", "200-301", "2026-02-01")  # not in the library
    assert await learning.earned("P1") == 0
    await learning.activity("EX-350", kind="exam", exam_number="350-401", explicit_points=15)
    await learning.exam("dave", "350-401", "2026-02-03")
    await learning.exam("dave", "350-401", "2026-02-20")  # a retake earns nothing more
    assert await learning.earned("P1") == 15
    (entry,) = (await learning.person("dave"))["items"]
    assert entry["source"] == "exam" and entry["credited_partners"] == ["P1"]


async def test_cl3_mandatory_item_credits_each_person_and_is_outstanding_until_done(learning) -> None:
    await learning.today("2026-03-01")
    await learning.period("P1", "ENT", "2026-01-01", "2026-12-31")
    await learning.activity(
        "MAND-1", explicit_points=5, mandatory_for=[{"specialization": "ENT", "cycle": "2026"}]
    )
    await learning.activity("MAND-OLD", explicit_points=5, mandatory_for=[{"specialization": "ENT", "cycle": "2025"}])
    view = await learning.view("P1", "ENT")
    assert [m["activity_id"] for m in view["mandatory_outstanding"]] == ["MAND-1"]
    for person in ("erin", "frank"):
        await learning.join(person, "P1", "2026-01-01")
        await learning.complete(person, "MAND-1", "2026-02-01")
    view = await learning.view("P1", "ENT")
    assert view["mandatory_outstanding"] == [] and view["points_earned"] == 10
    credits = await learning.outbox("learning.partner.credited.v1")
    assert {c["cco_id"] for c in credits} == {"erin", "frank"}
    for c in credits:  # typed items; the deprecated strings still travel for one version
        assert c["specializations"] == ["ENT"] and c["mandatory"] == [{"specialization": "ENT", "cycle": "2026"}]
        assert c["mandatory_for"] == ["ENT/2026"]
    (published, _) = await learning.outbox("learning.activity.published.v1")
    assert published["mandatory"] == [{"specialization": "ENT", "cycle": "2026"}] and published["mandatory_for"] == ["ENT/2026"]


async def test_cl3_put_refuses_a_mandatory_item_outside_the_activity_s_specializations(learning) -> None:
    """A mandatory item's points count toward the specialization it is mandatory for: 422 otherwise, nothing saved."""
    body = {
        "title": "Security for collaboration", "kind": "online_course", "duration_minutes": 60, "specializations": ["ENT"],
        "mandatory_for": [{"specialization": "ENT", "cycle": "2026"}, {"specialization": "SEC", "cycle": "2026"}],
    }
    r = await learning.client.put("/v1/activities/MAND-X", json=body, headers=learning.staff)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert "SEC" in r.text and "specializations" in r.text
    assert (await learning.client.get("/v1/activities/MAND-X", headers=learning.staff)).status_code == 404
    assert (await learning.client.get("/v1/activities/drafts", headers=learning.staff)).json() == []
    r = await learning.client.put("/v1/activities/MAND-X", json={**body, "specializations": ["ENT", "SEC"]}, headers=learning.staff)
    assert r.status_code == 200, r.text


async def test_activity_writes_refuse_bad_input_and_change_nothing(learning) -> None:
    staff = learning.staff
    cases = [
        ("/v1/activities/bad id!", {"title": "t", "kind": "video", "duration_minutes": 1, "specializations": ["ENT"]}),
        ("/v1/activities/A", {"title": "t", "kind": "podcast", "duration_minutes": 1, "specializations": ["ENT"]}),
        ("/v1/activities/A", {"title": "t", "kind": "video", "duration_minutes": -1, "specializations": ["ENT"]}),
        ("/v1/activities/A", {"title": "t", "kind": "video", "duration_minutes": 1, "specializations": []}),
        ("/v1/activities/A", {"title": "t", "kind": "video", "duration_minutes": 1, "specializations": ["ENT"], "explicit_points": -3}),
        ("/v1/activities/A", {"title": "t", "kind": "video", "duration_minutes": 1, "specializations": ["ENT"], "mandatory_for": [{"specialization": "ENT", "cycle": "next"}]}),
        ("/v1/activities/A", {"title": "t", "kind": "video", "duration_minutes": 1, "specializations": ["ENT"], "colour": "red"}),
    ]
    for path, body in cases:
        r = await learning.client.put(path, json=body, headers=staff)
        assert r.status_code in (404, 422), (body, r.text)
        assert r.headers["content-type"].startswith("application/problem+json") or r.status_code == 404
    exam_without_number = {"title": "t", "kind": "exam", "duration_minutes": 60, "specializations": ["ENT"]}
    assert (await learning.client.put("/v1/activities/A", json=exam_without_number, headers=staff)).status_code == 409
    assert (await learning.client.post("/v1/activities/A/publish", headers=staff)).status_code == 404
    assert (await learning.client.get("/v1/activities", headers=staff)).json() == []
    single = {"external_id": "s1", "cco_id": "alice", "activity_id": "A", "action": "completed", "occurred_at": "nope"}
    r = await learning.client.post("/v1/completions", json=single, headers=learning.lms)
    assert r.status_code == 422 and "occurred_at" in r.json()["detail"]
    r = await learning.client.post("/v1/completions", content=b"{not json", headers={**learning.lms, "content-type": "application/json"})
    assert r.status_code == 422
    async with learning.runtime.db.engine.connect() as conn:
        from sqlalchemy import func, select

        from learning.tables import activities, completions

        assert await conn.scalar(select(func.count()).select_from(activities)) == 0
        assert await conn.scalar(select(func.count()).select_from(completions)) == 0


async def test_membership_redelivery_is_applied_once(learning) -> None:
    from datetime import date

    from partnerhub.bus.contracts import MembershipStarted
    from partnerhub.bus.envelope import Envelope
    from partnerhub.testing import eventually

    await learning.today("2026-03-01")
    await learning.period("P1", "ENT", "2026-01-01", "2026-12-31")
    await learning.activity("C1", duration_minutes=120)
    await learning.complete("gina", "C1", "2026-02-01")
    envelope = Envelope.wrap(MembershipStarted(cco_id="gina", be_geo_id="P1", started_on=date(2026, 2, 15)), producer="identity")
    await learning.runtime.transport.publish([envelope])
    await learning.runtime.transport.publish([envelope])

    async def credited() -> bool:
        return await learning.earned("P1") == 4

    await eventually(credited, timeout=30)
    await learning.join("gina", "P1", "2026-02-15")  # the same fact under a new event id changes nothing either
    assert await learning.earned("P1") == 4 and await learning.credit_sum("P1") == 4
