"""Daily jobs with the manual clock: expiry on the exact day (CE-4, CE-5), reminders once per
threshold across clock jumps (CE-6, NO-1), none for Representative CQS and the 2015-04-26
extension on both sides of the date (CE-9), the CCNA extension (CE-7) — both modes."""

from __future__ import annotations

from certification.app import SERVICE


async def test_ce4_expiry_on_the_exact_day_emits_expired_once(system_factory, h) -> None:
    async with system_factory(SERVICE, start_date="2023-04-25") as system:
        await h.catalog(system)
        await h.result(system, "x-1", "ann", "A1", "2020-05-01")  # CCNA expires 2023-05-01
        await h.today(system, "2023-04-30")
        assert (await h.badges(system, "ann"))["CCNA"]["status"] == "active"
        assert await h.events(system, "certification.badge.expired.v1") == []
        await h.today(system, "2023-05-01")
        assert (await h.badges(system, "ann"))["CCNA"]["status"] == "expired"
        await h.today(system, "2023-06-01")
        expired = await h.events(system, "certification.badge.expired.v1")
        assert expired == [{"cco_id": "ann", "certification": "CCNA", "kind": "associate", "expired_on": "2023-05-01"}]


async def test_ce6_reminders_once_per_threshold_even_across_jumps(system_factory, h) -> None:
    async with system_factory(SERVICE, start_date="2022-10-25") as system:
        await h.catalog(system)
        await h.result(system, "x-1", "ann", "A1", "2020-05-01")  # expires 2023-05-01: reminders 2022-11-01, 2023-02-01
        await h.today(system, "2022-10-31")
        assert await h.events(system, "certification.reminder.due.v1") == []
        await h.today(system, "2022-11-01")
        six = await h.events(system, "certification.reminder.due.v1")
        assert six == [{"cco_id": "ann", "certification": "CCNA", "kind": "associate", "expires_on": "2023-05-01", "months_before": 6}]
        await h.today(system, "2023-01-31")
        assert len(await h.events(system, "certification.reminder.due.v1")) == 1
        await h.today(system, "2023-06-01")  # one jump over the 3-month date and the expiry
        reminders = await h.events(system, "certification.reminder.due.v1")
        assert [r["months_before"] for r in reminders] == [6, 3]
        assert len(await h.events(system, "certification.badge.expired.v1")) == 1


async def test_ce9_ce10_no_reminders_for_representative_but_for_specialist(system_factory, h) -> None:
    async with system_factory(SERVICE, start_date="2024-01-01") as system:
        await h.catalog(system)
        await h.result(system, "r-1", "ann", "R1", "2022-03-01")  # CQS-R expires 2024-03-01
        await h.result(system, "s-1", "cat", "A1", "2022-01-01")
        await h.result(system, "s-2", "cat", "T1", "2022-03-01")  # CQS-S expires 2024-03-01
        await h.today(system, "2024-01-05")
        reminded = [(r["cco_id"], r["certification"], r["months_before"]) for r in await h.events(system, "certification.reminder.due.v1")]
        assert reminded == [("cat", "CQS-S", 3)]  # the 6-month date had passed before it was recorded: only the 3-month one
        await h.today(system, "2024-03-02")
        expired = {(e["cco_id"], e["certification"]) for e in await h.events(system, "certification.badge.expired.v1")}
        assert expired == {("ann", "CQS-R"), ("cat", "CQS-S")}
        assert len(await h.events(system, "certification.reminder.due.v1")) == 1


async def test_ce5_renewal_one_day_before_expiry_restarts_validity(system_factory, h) -> None:
    async with system_factory(SERVICE, start_date="2023-04-20") as system:
        await h.catalog(system)
        await h.result(system, "x-1", "ann", "A1", "2020-05-01")
        await h.today(system, "2023-04-30")
        await h.result(system, "x-2", "ann", "A1", "2023-04-30")  # one day before expiry
        renewed = await h.events(system, "certification.badge.renewed.v1")
        assert renewed == [{"cco_id": "ann", "certification": "CCNA", "kind": "associate", "renewed_on": "2023-04-30", "expires_on": "2026-04-30",
                            "requirements_version": 1}]
        await h.today(system, "2023-06-01")
        assert await h.events(system, "certification.badge.expired.v1") == []
        badge = (await h.badges(system, "ann"))["CCNA"]
        assert (badge["status"], badge["achieved_on"], badge["expires_on"]) == ("active", "2020-05-01", "2026-04-30")
        assert [r["expires_on"] for r in await h.events(system, "certification.reminder.due.v1")] == ["2023-05-01"]


async def test_ce5_pass_one_day_after_expiry_is_a_new_achievement(system_factory, h) -> None:
    async with system_factory(SERVICE, start_date="2022-04-28") as system:
        await h.catalog(system)
        await h.result(system, "x-1", "ann", "A1", "2020-05-01")
        await h.result(system, "x-0", "ann", "D1", "2020-05-01")
        await h.result(system, "x-9", "ann", "T1", "2020-05-02")  # CQS-S, 2 years: expires 2022-05-02
        await h.today(system, "2022-05-03")
        await h.result(system, "x-2", "ann", "T1", "2022-05-03")  # one day after expiry
        badges = await h.badges(system, "ann")
        assert badges["CQS-S"]["status"] == "active" and badges["CQS-S"]["achieved_on"] == "2022-05-03"
        assert badges["CQS-S"]["renewed_on"] is None
        assert await h.events(system, "certification.badge.renewed.v1") == []
        achieved = [e for e in await h.events(system, "certification.badge.achieved.v1") if e["certification"] == "CQS-S"]
        assert [e["achieved_on"] for e in achieved] == ["2020-05-02", "2022-05-03"]
        expired = [e for e in await h.events(system, "certification.badge.expired.v1") if e["certification"] == "CQS-S"]
        assert [e["expired_on"] for e in expired] == ["2022-05-02"]


async def test_ce7_ccna_extension_when_active_and_not(system_factory, h) -> None:
    async with system_factory(SERVICE, start_date="2021-01-10") as system:
        await h.catalog(system)
        await h.result(system, "a-1", "ann", "A1", "2020-05-01")
        await h.result(system, "b-1", "bob", "A1", "2016-05-01")  # expired 2019-05-01
        await h.result(system, "b-2", "bob", "D1", "2019-06-01")
        await h.result(system, "a-2", "ann", "T1", "2021-01-10")
        await h.result(system, "b-3", "bob", "T1", "2021-01-10")
        extended = await h.events(system, "certification.badge.extended.v1")
        assert {(e["cco_id"], e["certification"], e["previous_expires_on"], e["expires_on"]) for e in extended} == {
            ("ann", "CCNA", "2023-05-01", "2024-01-10"),
            ("bob", "CCDA", "2022-06-01", "2024-01-10"),
        }
        assert all("CE-7" in e["reason"] for e in extended)
        assert (await h.badges(system, "bob"))["CCNA"]["status"] == "expired"


async def test_ce9_representative_extension_on_both_sides_of_2015_04_26(system_factory, h) -> None:
    async with system_factory(SERVICE, start_date="2015-04-20") as system:
        await h.catalog(system)
        await h.result(system, "r-1", "ann", "R1", "2013-04-27")  # expires 2015-04-27: active on the day
        await h.result(system, "r-2", "bob", "R1", "2013-04-26")  # expires 2015-04-26: expired that day
        await h.result(system, "r-3", "cat", "A1", "2013-06-01")
        await h.result(system, "r-4", "cat", "T1", "2014-01-01")  # Specialist: not extended
        await h.today(system, "2015-04-25")
        assert (await h.badges(system, "ann"))["CQS-R"]["expires_on"] == "2015-04-27"
        await h.today(system, "2015-04-26")
        assert (await h.badges(system, "ann"))["CQS-R"]["expires_on"] == "2020-04-27"
        bob = (await h.badges(system, "bob"))["CQS-R"]
        assert bob["status"] == "expired" and bob["expires_on"] == "2015-04-26"
        assert (await h.badges(system, "cat"))["CQS-S"]["expires_on"] == "2016-01-01"
        await h.today(system, "2015-05-01")
        extended = [e for e in await h.events(system, "certification.badge.extended.v1") if e["certification"] == "CQS-R"]
        assert [(e["cco_id"], e["previous_expires_on"], e["expires_on"]) for e in extended] == [("ann", "2015-04-27", "2020-04-27")]
        assert "CE-9" in extended[0]["reason"]
        await h.result(system, "r-5", "dan", "R1", "2015-04-27")  # after the date: two years only
        assert (await h.badges(system, "dan"))["CQS-R"]["expires_on"] == "2017-04-27"


async def test_ce9_recorded_late_history_gets_the_same_answer(system_factory, h) -> None:
    """A Representative pass from before 2015-04-26 recorded today is extended by the replay, not the job."""
    async with system_factory(SERVICE, start_date="2016-01-01") as system:
        await h.catalog(system)
        await h.result(system, "r-1", "ann", "R1", "2014-01-01")
        badge = (await h.badges(system, "ann"))["CQS-R"]
        assert badge["expires_on"] == "2021-01-01" and badge["status"] == "active"
