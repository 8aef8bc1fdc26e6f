"""CE-10 / SP-4: a role naming a Specialist badge is met by its component exams, which certification announces
(`certification.requirements.changed`), in both modes."""

from __future__ import annotations

from datetime import date

from partnerhub.bus import contracts as c

PARTNER = "BG-1001"
SPEC = "ADV-COLLAB"
TODAY = date(2027, 1, 15)
EXPIRES = date(2027, 3, 1)
CATALOG = {
    "name": "Advanced Collaboration Architecture",
    "level": "advanced_architecture",
    "roles": {"AM": [{"exams": ["700-001"]}], "SE": [{"certification": "CCNP"}], "FE": [{"certification": "SPEC"}]},
}


def requirements(kind: str = "cqs_specialist") -> c.RequirementsChanged:
    return c.RequirementsChanged(
        code="SPEC", name="Specialist badge", kind=kind, version=1, effective_on=None, required_exams=[["X1", "X2"]],
        validity_months=24,
    )


async def fe_candidates(sp) -> dict[str, str]:  # type: ignore[no-untyped-def]
    r = await sp.client.get(f"/v1/partners/{PARTNER}/specializations/{SPEC}/roles/FE/candidates", headers=sp.staff)
    assert r.status_code == 200, r.text
    return {x["cco_id"]: x["qualified_via"] for x in r.json()["candidates"]}


async def test_ce10_sp4_specialist_badge_role_holder_stays_qualified_by_exams_after_the_badge_expires(start) -> None:
    async with start(start_date=TODAY) as sp:
        await sp.catalog(SPEC, CATALOG)
        team = await sp.qualified_team(date(2026, 1, 1))
        fe = team["FE"]
        await sp.feed(
            requirements(),
            c.BadgeAchieved(cco_id=fe, certification="SPEC", kind="cqs_specialist", achieved_on=date(2025, 3, 1), expires_on=EXPIRES),
            c.ExamPassed(cco_id=fe, exam_number="X1", passed_on=date(2024, 11, 2), result_id="x1"),
            c.ExamPassed(cco_id=fe, exam_number="X2", passed_on=date(2025, 3, 1), result_id="x2"),
        )
        assert (await fe_candidates(sp))[fe] == "SPEC", "the badge OR its exams"
        r = await sp.apply(team)
        assert r.status_code == 201, r.text
        assert await sp.outbox(c.RoleAtRisk.TYPE) == [], "the badge expires within 90 days, the exams do not (NO-4)"

        await sp.feed(c.BadgeExpired(cco_id=fe, certification="SPEC", kind="cqs_specialist", expired_on=EXPIRES))
        await sp.today(date(2027, 3, 2))
        assert (await fe_candidates(sp))[fe] == "exams", "credit for the component exams instead of the badge (CE-10)"
        s = await sp.status(SPEC)
        assert s["compliant"] is True and s["vacancies"] == []
        assert {x["role"]: x["holder"] for x in s["roles"]}["FE"] == fe
        assert await sp.outbox(c.RoleVacated.TYPE) == [] and await sp.outbox(c.RoleAtRisk.TYPE) == []
        assert all(e["compliant"] is not False for e in await sp.outbox(c.StatusChanged.TYPE, PARTNER))


async def test_ce10_sp4_requirements_arriving_later_rejudge_holders_and_career_badges_are_not_met_by_exams(start) -> None:
    async with start(start_date=TODAY) as sp:
        await sp.catalog(SPEC, CATALOG)
        team = await sp.qualified_team(date(2026, 1, 1))
        fe = team["FE"]
        await sp.feed(
            c.BadgeAchieved(cco_id=fe, certification="SPEC", kind="cqs_specialist", achieved_on=date(2025, 3, 1), expires_on=EXPIRES),
            c.ExamPassed(cco_id=fe, exam_number="X1", passed_on=date(2024, 11, 2), result_id="x1"),
            c.ExamPassed(cco_id=fe, exam_number="X2", passed_on=date(2025, 3, 1), result_id="x2"),
        )
        assert (await sp.apply(team)).status_code == 201

        async def fe_vacates_on() -> str | None:
            return {x["role"]: x["vacates_on"] for x in (await sp.status(SPEC))["roles"]}["FE"]

        assert await fe_vacates_on() == "2027-03-01", "the badge alone: the role ends with it"
        # certification announces SPEC as a career certification: its exams do not hold the role (SP-4)
        await sp.feed(requirements("professional"))
        assert await fe_vacates_on() == "2027-03-01"
        # then as a Specialist badge (a later version): the exams hold it, no end known
        later = requirements().model_copy(update={"version": 2, "effective_on": TODAY})
        await sp.feed(later, later)
        assert await fe_vacates_on() is None
        await sp.today(date(2027, 3, 2))
        assert (await sp.status(SPEC))["vacancies"] == [] and await sp.outbox(c.RoleVacated.TYPE) == []
