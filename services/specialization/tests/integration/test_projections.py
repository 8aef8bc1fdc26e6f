"""Projections from other services' events: merges (ID-2), CE-12 counts, order and redelivery, in both modes."""

from __future__ import annotations

from datetime import date

from partnerhub.bus import contracts as c
from partnerhub.bus.envelope import Envelope

PARTNER = "BG-1001"


async def test_id2_merge_moves_allocations_and_history_to_the_survivor(start) -> None:
    async with start(start_date=date(2027, 1, 15)) as sp:
        await sp.catalog()
        team = await sp.qualified_team(date(2026, 1, 1))
        assert (await sp.apply(team)).status_code == 201
        survivor = "se.survivor"
        await sp.feed(c.IndividualMerged(survivor=survivor, retired=[team["SE"]], merged_on=date(2027, 1, 15)))
        s = await sp.status()
        assert {r["role"]: r["holder"] for r in s["roles"]}["SE"] == survivor
        assert s["compliant"] is True, "the survivor inherits the membership and the CCNP"
        assert await sp.outbox(c.RoleVacated.TYPE) == []
        # late events about the retired ID land on the survivor
        await sp.feed(c.BadgeExpired(cco_id=team["SE"], certification="CCNP", kind="professional", expired_on=date(2027, 1, 15)))
        s = await sp.status()
        assert s["vacancies"] == ["SE"]
        assert (await sp.outbox(c.RoleVacated.TYPE))[0]["cco_id"] == survivor


async def test_ce12_program_requirements_count_by_the_kind_certification_gives(start) -> None:
    async with start(start_date=date(2027, 1, 15)) as sp:
        people = {
            "a1": ("CCNA", "associate"), "a2": ("CCDA", "associate"), "p1": ("CCIP", "professional"),
            "e1": ("CCIE", "expert"), "s1": ("CSE", "sales_expert"), "q1": ("CQS-IPT", "cqs_specialist"),
            "q2": ("CQS-SEC", "cqs_representative"), "e2": ("CCIE-RS", "expert"),
        }
        for cco, (cert, kind) in people.items():
            await sp.feed(
                c.MembershipStarted(cco_id=cco, be_geo_id=PARTNER, started_on=date(2026, 1, 1)),
                c.BadgeAchieved(cco_id=cco, certification=cert, kind=kind, achieved_on=date(2026, 1, 1), expires_on=date(2029, 1, 1)),
            )
        await sp.feed(
            c.BadgeAchieved(cco_id="gone", certification="CCIE", kind="expert", achieved_on=date(2026, 1, 1), expires_on=None),
            c.MembershipStarted(cco_id="gone", be_geo_id=PARTNER, started_on=date(2026, 1, 1)),
            c.MembershipEnded(cco_id="gone", be_geo_id=PARTNER, started_on=date(2026, 1, 1), ended_on=date(2026, 6, 1)),
            c.BadgeAchieved(cco_id="old", certification="CCNP", kind="professional", achieved_on=date(2020, 1, 1), expires_on=date(2023, 1, 1)),
            c.MembershipStarted(cco_id="old", be_geo_id=PARTNER, started_on=date(2026, 1, 1)),
        )
        r = await sp.client.get(f"/v1/partners/{PARTNER}/program-requirements", headers=sp.admin)
        assert r.status_code == 200, r.text
        body = r.json()
        # a CCIE coded CCIE-RS is an expert: the kind counts, not the code (CE-12); CQS never counts
        assert body["counts"] == {"sales_experts": 1, "associates": 2, "professionals": 1, "experts": 2}
        assert body["individuals"]["experts"] == ["e1", "e2"]
        assert body["individuals"]["associates"] == ["a1", "a2"]


async def test_events_out_of_order_and_redelivered_apply_once(start) -> None:
    async with start(start_date=date(2027, 1, 15)) as sp:
        await sp.catalog()
        # the end of a membership arrives before its start; a renewal before the achievement
        await sp.feed(c.MembershipEnded(cco_id="p", be_geo_id=PARTNER, started_on=date(2026, 1, 1), ended_on=date(2026, 6, 1)))
        await sp.feed(c.MembershipStarted(cco_id="p", be_geo_id=PARTNER, started_on=date(2026, 1, 1)))
        await sp.feed(c.BadgeRenewed(cco_id="q", certification="CCNP", kind="professional", renewed_on=date(2026, 6, 1), expires_on=date(2029, 6, 1)))
        await sp.feed(c.BadgeAchieved(cco_id="q", certification="CCNP", kind="professional", achieved_on=date(2023, 6, 1), expires_on=date(2026, 6, 1)))
        await sp.feed(c.MembershipStarted(cco_id="q", be_geo_id=PARTNER, started_on=date(2026, 1, 1)))
        cands = (await sp.client.get(f"/v1/partners/{PARTNER}/specializations/ADV-COLLAB/roles/SE/candidates", headers=sp.staff)).json()
        assert [x["cco_id"] for x in cands["candidates"]] == ["q"], "p left; q's later renewal wins"
        assert cands["candidates"][0]["qualified_until"] == "2029-06-01"
        # a credit delivered twice counts once
        team = await sp.qualified_team(date(2026, 1, 1))
        assert (await sp.apply(team)).status_code == 201
        credit = c.PartnerCredited(credit_id="c1", be_geo_id=PARTNER, cco_id="x", entry_id="e1", activity_id="a", points=7,
                                   earned_on=date(2027, 1, 15), specializations=["ADV-COLLAB"])
        envelope = Envelope.wrap(credit, producer="learning")
        await sp.runtime.transport.publish([envelope])
        await sp.runtime.transport.publish([envelope])
        await sp.feed(c.PartnerCredited(**{**credit.model_dump(), "entry_id": "e2"}))  # same credit id, new event
        assert (await sp.status())["points_earned"] == 7
