"""Requirement versions (CE-4): a certification's exams change by a new version, and a badge achieved
under the old one keeps its term — both modes, through the API, the outbox and the relay."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from certification import repository
from certification.app import SERVICE
from certification.tables import badges, certification_versions, metadata
from partnerhub.bus.contracts import RequirementsChanged
from partnerhub.bus.envelope import Envelope
from partnerhub.db.engine import make_engine
from partnerhub.db.migrations import migrate
from partnerhub.db.types import UtcDateTime
from partnerhub.testing import System, eventually

CHANGED = "certification.requirements.changed.v1"
Q = {"name": "Q", "kind": "professional", "required_exams": [["P1"]]}


async def _put(system: System, body: dict[str, Any], expected: int, code: str = "Q") -> dict[str, Any]:
    r = await system.clients["certification"].put(f"/v1/certifications/{code}", json=body, headers=system.staff())
    assert r.status_code == expected, r.text
    if expected >= 400:
        assert r.headers["content-type"].startswith("application/problem+json")
    return r.json()


async def _get(system: System, code: str = "Q") -> dict[str, Any]:
    r = await system.clients["certification"].get(f"/v1/certifications/{code}", headers=system.token("ann", "individual"))
    assert r.status_code == 200, r.text
    return r.json()


async def _published(system: System) -> bool:
    runtime = system.runtimes["certification"]
    box = runtime.db.outbox
    async with runtime.db.engine.connect() as conn:
        waiting = (await conn.execute(select(box.c.seq).where(box.c.type == CHANGED, box.c.published_at.is_(None)))).all()
    return not waiting


async def test_ce4_badge_stays_for_its_term_when_its_exams_change(system_factory, h) -> None:
    """The reported bug: PUT Q, pass → badge; PUT Q with other exams; another result of the holder
    recomputed them from the new exams and the badge vanished. Now it stays, named version 1."""
    async with system_factory(SERVICE, start_date="2020-06-01") as system:
        await h.catalog(system)
        created = await _put(system, Q, 201)
        assert (created["version"], created["effective_on"]) == (1, None)
        assert [(v["version"], v["effective_on"], v["in_force"]) for v in created["versions"]] == [(1, None, True)]
        assert (await h.result(system, "q-1", "ann", "P1", "2020-05-01")).status_code == 201
        before = (await h.badges(system, "ann"))["Q"]
        assert (before["status"], before["expires_on"], before["requirements_version"]) == ("active", "2023-05-01", 1)

        changed = await _put(system, Q | {"name": "Q (new exams)", "required_exams": [["P2"]]}, 200)
        assert (changed["version"], changed["effective_on"], changed["required_exams"]) == (2, "2020-06-01", [["P2"]])
        assert (await h.result(system, "q-2", "ann", "D1", "2020-05-30")).status_code == 201  # recomputes ann
        assert (await h.result(system, "q-3", "ann", "P1", "2020-06-01")).status_code == 201  # v1's exam, under v2

        badge = (await h.badges(system, "ann"))["Q"]
        assert (badge["status"], badge["achieved_on"], badge["expires_on"]) == ("active", "2020-05-01", "2023-05-01")
        assert (badge["requirements_version"], badge["renewed_on"], badge["name"]) == (1, None, "Q (new exams)")
        assert [e["certification"] for e in await h.events(system, "certification.badge.expired.v1", "ann")] == []
        achieved = [e for e in await h.events(system, "certification.badge.achieved.v1", "ann") if e["certification"] == "Q"]
        assert [(e["achieved_on"], e["requirements_version"]) for e in achieved] == [("2020-05-01", 1)]

        # v1's exam passed under v2 achieves nothing; v2's does, and says so
        await h.result(system, "q-4", "bob", "P1", "2020-06-01")
        assert "Q" not in await h.badges(system, "bob")
        await h.result(system, "q-5", "cyd", "P2", "2020-06-01")
        cyd = (await h.badges(system, "cyd"))["Q"]
        assert (cyd["achieved_on"], cyd["requirements_version"]) == ("2020-06-01", 2)

        got = await _get(system)
        assert (got["version"], got["required_exams"]) == (2, [["P2"]])
        assert [(v["version"], v["effective_on"], v["in_force"], v["required_exams"]) for v in got["versions"]] == [
            (1, None, False, [["P1"]]),
            (2, "2020-06-01", True, [["P2"]]),
        ]
        listed = {c["code"]: c for c in (await system.clients["certification"].get("/v1/certifications", headers=system.staff())).json()}
        assert (listed["Q"]["version"], listed["Q"]["required_exams"]) == (2, [["P2"]]) and "versions" not in listed["Q"]

        published = [p for p in await h.events(system, CHANGED) if p["code"] == "Q"]
        assert [RequirementsChanged.model_validate(p).version for p in published] == [1, 2]
        assert published[1] == {
            "code": "Q", "name": "Q (new exams)", "kind": "professional", "version": 2, "effective_on": "2020-06-01",
            "required_exams": [["P2"]], "renewal_exams": None, "prerequisites": [], "validity_months": 36,
        }  # fmt: skip
        assert {p["code"] for p in await h.events(system, CHANGED)} == {"CCNA", "CCDA", "CCNP", "CQS-S", "CQS-R", "Q"}
        assert await eventually(lambda: _published(system), timeout=30), "the relay published them"


async def test_ce4_future_version_comes_into_force_on_its_date(system_factory, h) -> None:
    async with system_factory(SERVICE, start_date="2020-06-01") as system:
        await h.catalog(system)
        await _put(system, Q, 201)
        await h.result(system, "f-1", "ann", "P1", "2020-05-01")
        future = await _put(system, Q | {"required_exams": [["P2"]], "effective_on": "2020-09-01"}, 200)
        assert future["version"] == 1, "the answer shows the version in force today"
        assert [(v["version"], v["effective_on"], v["in_force"]) for v in future["versions"]] == [(1, None, True), (2, "2020-09-01", False)]
        # not yet in force: superseded by a new version on the same date (both stay listed; the later wins)
        superseding = await _put(system, Q | {"required_exams": [["P2"]], "validity_months": 24, "effective_on": "2020-09-01"}, 200)
        assert [(v["version"], v["effective_on"]) for v in superseding["versions"]] == [(1, None), (2, "2020-09-01"), (3, "2020-09-01")]
        # the same as the latest version: nothing new, nothing published
        again = await _put(system, Q | {"required_exams": [["P2"]], "validity_months": 24}, 200)
        assert len(again["versions"]) == 3
        assert [p["version"] for p in await h.events(system, CHANGED) if p["code"] == "Q"] == [1, 2, 3]

        await h.today(system, "2020-09-01")
        got = await _get(system)
        assert (got["version"], got["validity_months"]) == (3, 24)
        # a result arriving late is judged by the version in force on its day: the last day of version 1
        assert (await h.result(system, "f-2", "bob", "P1", "2020-08-31")).status_code == 201
        await h.result(system, "f-3", "cyd", "P1", "2020-09-01")
        await h.result(system, "f-4", "ann", "P2", "2020-09-01")  # renews under version 3
        assert "Q" not in await h.badges(system, "cyd")
        bob = (await h.badges(system, "bob"))["Q"]
        assert (bob["achieved_on"], bob["expires_on"], bob["requirements_version"]) == ("2020-08-31", "2023-08-31", 1)
        ann = (await h.badges(system, "ann"))["Q"]
        assert (ann["renewed_on"], ann["expires_on"], ann["requirements_version"]) == ("2020-09-01", "2023-05-01", 3)
        renewed = await h.events(system, "certification.badge.renewed.v1", "ann")
        assert [(e["renewed_on"], e["requirements_version"]) for e in renewed] == [("2020-09-01", 3)]


async def test_ce4_refused_writes_change_nothing(system_factory, h) -> None:
    async with system_factory(SERVICE, start_date="2020-06-01") as system:
        await h.catalog(system)
        await _put(system, Q, 201)
        await _put(system, Q | {"required_exams": [["P2"]], "effective_on": "2020-09-01"}, 200)
        snapshot = await _get(system)
        events = await h.events(system, CHANGED)
        cases = [
            (Q | {"required_exams": [["P1", "P2"]], "effective_on": "2020-05-31"}, "before today"),  # rewrites history
            (Q | {"required_exams": [["P1", "P2"]], "effective_on": "2020-08-31"}, "before the effective date of version 2"),
            (Q | {"kind": "expert", "effective_on": "2020-09-01"}, "kind never changes"),
            (Q | {"required_exams": [["NOPE"]], "effective_on": "2020-09-01"}, "not in the exam catalog"),
            (Q | {"prerequisites": ["Q"], "effective_on": "2020-09-01"}, "own prerequisite"),
            (Q | {"effective_on": "2020-13-01"}, "effective_on"),
        ]
        for body, words in cases:
            problem = await _put(system, body, 422)
            assert words in str(problem), (body, problem)
        # a cycle through any version: CCNA's next version may not require Q while Q's version 1 ... here CCNP
        await _put(system, Q | {"prerequisites": ["CCNP"], "effective_on": "2020-10-01"}, 200)
        ccna = {"name": "CCNA", "kind": "associate", "required_exams": [["A1"]], "prerequisites": ["Q"], "effective_on": "2020-11-01"}
        assert "cycle" in str(await _put(system, ccna, 422, code="CCNA"))
        assert (await _get(system, "CCNA"))["versions"][-1]["prerequisites"] == []
        after = await _get(system)
        assert after["versions"][:2] == snapshot["versions"] and len(after["versions"]) == 3
        assert [p for p in await h.events(system, CHANGED)][: len(events)] == events
        assert len(await h.events(system, CHANGED)) == len(events) + 1
        staff_only = await system.clients["certification"].put(
            "/v1/certifications/Q", json=Q | {"name": "x"}, headers=system.token("ann", "individual")
        )
        assert staff_only.status_code == 403


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'cert.db'}"
    return str(request.getfixturevalue("databases").new_url("cert0005"))


async def test_ce4_migration_makes_existing_certifications_version_1_and_publishes_them(database_url: str) -> None:
    """cert0005 on a database of cert0004: data kept as version 1, badges named version 1, and one
    `requirements.changed` per certification in the outbox, in the relay's envelope."""
    await migrate("certification", SERVICE.migrations_dir, database_url, revision="cert0004")
    engine = make_engine(database_url)
    try:
        now = datetime.now(UTC)
        async with engine.begin() as conn:
            old = sa.table(
                "certifications", *(sa.column(c) for c in ("code", "name", "kind", "validity_months")),
                *(sa.column(c, sa.JSON) for c in ("required_exams", "renewal_exams", "prerequisites")),
                sa.column("updated_at", UtcDateTime()),
            )  # fmt: skip
            await conn.execute(old.insert(), [
                {"code": "CQS-S", "name": "Specialist", "kind": "cqs_specialist", "required_exams": [["T1"], ["T2", "T3"]],
                 "renewal_exams": None, "prerequisites": ["CCNA"], "validity_months": 24, "updated_at": now},
                {"code": "CCNA", "name": "CCNA", "kind": "associate", "required_exams": [["A1"]],
                 "renewal_exams": [["A2"]], "prerequisites": [], "validity_months": 36, "updated_at": now},
            ])  # fmt: skip
            await conn.execute(badges.insert().values(  # the columns of cert0004 (requirements_version: a server default)
                cco_id="ann", certification="CCNA", kind="associate", status="active", achieved_on=date(2020, 1, 1),
                expires_on=date(2023, 1, 1), updated_at=now,
            ))  # fmt: skip
        await migrate("certification", SERVICE.migrations_dir, database_url)
        async with engine.connect() as conn:
            versions = [repository.certification_def(r) for r in await conn.execute(sa.select(certification_versions).order_by(certification_versions.c.code))]
            badge = (await conn.execute(sa.select(badges.c.requirements_version))).scalar_one()
            box = metadata.tables["outbox"]
            rows = (await conn.execute(sa.select(box).order_by(box.c.seq))).all()
    finally:
        await engine.dispose()
    assert [(v.code, v.version, v.effective_on, v.name) for v in versions] == [("CCNA", 1, None, "CCNA"), ("CQS-S", 1, None, "Specialist")]
    assert versions[1].required_exams == (("T1",), ("T2", "T3")) and versions[0].renewal_exams == (("A2",),)
    assert badge == 1
    assert [(r.type, r.published_at, r.attempts) for r in rows] == [(CHANGED, None, 0)] * 2
    envelopes = [Envelope.model_validate(r.envelope) for r in rows]
    assert [str(e.id) for e in envelopes] == [r.event_id for r in rows]
    assert [(e.type, e.producer, e.key) for e in envelopes] == [(CHANGED, "certification", "CCNA"), (CHANGED, "certification", "CQS-S")]
    events = [RequirementsChanged.model_validate(e.payload) for e in envelopes]
    assert events[0].renewal_exams == [["A2"]] and events[1].required_exams == [["T1"], ["T2", "T3"]]
    assert [(e.version, e.effective_on, e.prerequisites) for e in events] == [(1, None, []), (1, None, ["CCNA"])]
