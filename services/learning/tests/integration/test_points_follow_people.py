"""CL-7, CL-8 (points follow people, Previous Employee), ID-2 (merges), CL-9/SP-13 (the CL View), both modes."""

from __future__ import annotations

import csv
import io


async def _setup(learning, partners=("P", "Q", "R")) -> None:
    await learning.today("2026-01-01")
    for p in partners:
        await learning.period(p, "ENT", "2026-01-01", "2026-12-31")
    for a in ("A1", "A2", "A3"):
        await learning.activity(a, duration_minutes=300)  # 10 points each


async def test_cl8_a_person_who_moves_twice_credits_each_partner_correctly(learning) -> None:
    await _setup(learning)
    await learning.join("mia", "P", "2026-01-01")
    await learning.today("2026-10-01")
    await learning.complete("mia", "A1", "2026-02-01")  # at P
    await learning.leave("mia", "P", "2026-01-01", "2026-04-01")
    await learning.join("mia", "Q", "2026-04-01")
    await learning.complete("mia", "A2", "2026-05-01")  # at Q
    await learning.leave("mia", "Q", "2026-04-01", "2026-08-01")
    await learning.join("mia", "R", "2026-08-01")
    await learning.complete("mia", "A3", "2026-09-01")  # at R
    assert (await learning.earned("P"), await learning.earned("Q"), await learning.earned("R")) == (10, 20, 30)
    # the old partners keep the points under "Previous Employee"; the current one lists her as a member
    p_view = await learning.view("P", "ENT")
    assert p_view["people"] == [] and p_view["previous_employees"]["people"] == [{"cco_id": "mia", "name": None, "points": 10}]
    r_view = await learning.view("R", "ENT")
    assert r_view["people"] == [{"cco_id": "mia", "name": None, "points": 30}]
    ledger = await learning.credits("P")
    assert ledger["total_points"] == 10 and ledger["items"][0]["group"] == "Previous Employee"
    assert ledger["items"][0]["cco_id"] == "mia"  # credits keep who earned them
    for partner, total in (("P", 10), ("Q", 20), ("R", 30)):
        assert await learning.credit_sum(partner) == total


async def test_cl8_a_person_who_leaves_and_comes_back_counts_once(learning) -> None:
    await _setup(learning, partners=("P",))
    await learning.today("2026-10-01")
    await learning.join("noa", "P", "2026-01-01")
    await learning.complete("noa", "A1", "2026-02-01")
    await learning.leave("noa", "P", "2026-01-01", "2026-04-01")
    await learning.complete("noa", "A2", "2026-05-01")  # between partners: credited to nobody yet
    assert await learning.earned("P") == 10
    assert (await learning.view("P", "ENT"))["previous_employees"]["total"] == 1
    await learning.join("noa", "P", "2026-06-01")
    assert await learning.earned("P") == 20  # A1 once, A2 on her return
    view = await learning.view("P", "ENT")
    assert view["people"] == [{"cco_id": "noa", "name": None, "points": 20}] and view["previous_employees"]["total"] == 0
    assert await learning.credit_sum("P") == 20


async def test_cl8_late_end_of_membership_corrects_credits_with_negative_events(learning) -> None:
    await _setup(learning, partners=("P",))
    await learning.today("2026-10-01")
    await learning.join("olga", "P", "2026-01-01")
    await learning.complete("olga", "A1", "2026-05-01")
    assert await learning.earned("P") == 10
    await learning.leave("olga", "P", "2026-01-01", "2026-04-01")  # she had left before earning it
    assert await learning.earned("P") == 0
    events = [e["points"] for e in await learning.outbox("learning.partner.credited.v1")]
    assert events == [10, -10]


async def test_id2_merge_moves_entries_counts_shared_activity_once_and_corrects_credits(learning) -> None:
    await _setup(learning, partners=("P", "Q"))
    await learning.today("2026-10-01")
    await learning.join("old-id", "P", "2026-01-01")
    await learning.join("new-id", "Q", "2026-01-01")
    await learning.complete("old-id", "A1", "2026-02-01")
    await learning.complete("old-id", "A2", "2026-02-02")
    await learning.complete("new-id", "A1", "2026-03-01")
    assert (await learning.earned("P"), await learning.earned("Q")) == (20, 10)
    await learning.merge("new-id", ["old-id"])
    person = await learning.person("new-id")
    assert sorted(i["activity_id"] for i in person["items"]) == ["A1", "A2"] and person["total_points"] == 20
    assert (await learning.person("old-id"))["cco_id"] == "new-id"  # a retired ID resolves to its survivor
    # both partners now credited once per activity, under the survivor
    assert (await learning.earned("P"), await learning.earned("Q")) == (20, 20)
    assert (await learning.credit_sum("P"), await learning.credit_sum("Q")) == (20, 20)
    events = await learning.outbox("learning.partner.credited.v1")
    assert any(e["points"] < 0 for e in events), "corrections travel as negative credits"
    view = await learning.view("P", "ENT")
    assert [p["cco_id"] for p in view["people"]] == ["new-id"]
    # a completion arriving later under the retired ID goes to the survivor, and earns nothing twice
    late = await learning.complete("old-id", "A2", "2026-03-05")
    assert late["status"] == "already_earned"
    await learning.merge("new-id", ["old-id"])  # replayed merge: no change
    assert (await learning.credit_sum("P"), await learning.credit_sum("Q")) == (20, 20)


async def test_cl9_sp13_cl_view_counts_only_the_period_and_shows_specialization_s_icon(learning) -> None:
    await _setup(learning, partners=("P",))
    await learning.today("2026-03-01")
    await learning.join("pia", "P", "2025-01-01")
    await learning.complete("pia", "A1", "2025-12-31")  # the previous period
    await learning.complete("pia", "A2", "2026-01-01")
    view = await learning.view("P", "ENT")
    assert view["points_earned"] == 10 and view["icon"] is None  # nothing announced by specialization yet
    await learning.period("P", "ENT", "2026-01-01", "2026-12-31", icon="inactive")
    assert (await learning.view("P", "ENT"))["icon"] == "inactive"
    await learning.today("2026-07-02")  # the date alone changes nothing here: specialization announces the icon
    assert (await learning.view("P", "ENT"))["icon"] == "inactive"
    await learning.period("P", "ENT", "2026-01-01", "2026-12-31", icon="behind")
    view = await learning.view("P", "ENT")
    assert (view["icon"], view["points_earned"]) == ("behind", 10)
    await learning.period("P", "ENT", "2026-01-01", "2026-12-31")  # an event that does not state it: the last holds
    assert (await learning.view("P", "ENT"))["icon"] == "behind"
    r = await learning.client.get("/v1/partners/P/cl-view", headers={**learning.staff, "Accept": "text/csv"})
    assert ",behind," in r.text.splitlines()[1]
    # a new period (renewal): totals restart; the old period's points stay out of it (no rollover)
    await learning.period("P", "ENT", "2027-01-01", "2027-12-31", required=80, icon="inactive")
    view = await learning.view("P", "ENT")
    assert (view["points_earned"], view["points_required"], view["period"]["start"], view["icon"]) == (0, 80, "2027-01-01", "inactive")
    await learning.period("P", "ENT", "2026-01-01", "2026-12-31")
    assert await learning.earned("P") == 10  # rebuilt from the credits


async def test_cl10_csv_export_lists_everyone(learning) -> None:
    await _setup(learning, partners=("P",))
    await learning.today("2026-10-01")
    for person in ("ann", "ben"):
        await learning.join(person, "P", "2026-01-01")
        await learning.complete(person, "A1", "2026-02-01")
    await learning.leave("ben", "P", "2026-01-01", "2026-06-01")
    r = await learning.client.get("/v1/partners/P/cl-view", headers={**learning.staff, "Accept": "text/csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {(row["group"], row["cco_id"], row["points"]) for row in rows} == {
        ("current", "ann", "10"),
        ("Previous Employee", "ben", "10"),
    }
    assert all(row["points_earned"] == "20" and row["specialization"] == "ENT" for row in rows)


async def test_cl10_csv_is_excel_safe_a_typed_formula_stays_text_and_accents_survive(learning) -> None:
    """Issue "for the people who use it": names are typed by the people themselves; the export an admin opens
    in a spreadsheet starts with a UTF-8 byte-order mark and never hands the sheet a formula."""
    from partnerhub.bus.contracts import IndividualRegistered

    await _setup(learning, partners=("P",))
    await learning.today("2026-10-01")
    for cco_id, name in (("zoe", "Zoë Æsir"), ("eve", '=HYPERLINK("http://evil.example","pay")')):
        await learning.applied(IndividualRegistered(cco_id=cco_id, name=name, email=f"{cco_id}@example.com"))
        await learning.join(cco_id, "P", "2026-01-01")
        await learning.complete(cco_id, "A1", "2026-02-01")
    r = await learning.client.get("/v1/partners/P/cl-view", params={"format": "csv"}, headers=learning.staff)
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert {row["cco_id"]: row["name"] for row in rows} == {
        "zoe": "Zoë Æsir", "eve": '\'=HYPERLINK("http://evil.example","pay")',
    }
    plain = await learning.client.get(
        "/v1/partners/P/cl-view", params={"format": "csv", "bom": "false", "header": "titles"}, headers=learning.staff
    )
    assert plain.content.startswith(b"Partner ID,Specialization,Status,")
    bad = await learning.client.get("/v1/partners/P/cl-view", params={"format": "csv", "header": "x"}, headers=learning.staff)
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
