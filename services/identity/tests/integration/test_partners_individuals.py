"""Partners and individuals: registration, 409 on taken IDs, profile updates, bad input (ID-1)."""

from __future__ import annotations

from sqlalchemy import select

from identity.tables import individuals, partners
from partnerhub.bus.contracts import IndividualRegistered, IndividualUpdated, PartnerRegistered
from partnerhub.bus.envelope import Envelope


async def test_id1_register_partner_and_read_it(identity) -> None:
    async with identity() as api:
        await api.partner("100001", "Acme Networks", "DE")
        r = await api.http.get("/v1/partners/100001", headers=api.staff())
        assert r.status_code == 200
        assert r.json()["name"] == "Acme Networks" and r.json()["country"] == "DE"
        assert await api.events(PartnerRegistered) == [
            PartnerRegistered(be_geo_id="100001", name="Acme Networks", country="DE")
        ]


async def test_taken_ids_answer_409_and_change_nothing(identity) -> None:
    async with identity() as api:
        await api.partner("100001")
        await api.person("jdoe")
        r = await api.http.post(
            "/v1/partners", json={"be_geo_id": "100001", "name": "Other", "country": "FR"}, headers=api.staff()
        )
        assert r.status_code == 409 and r.headers["content-type"] == "application/problem+json"
        assert r.json()["type"].endswith("be-geo-id-taken")
        r = await api.http.post(
            "/v1/individuals", json={"cco_id": "jdoe", "name": "J", "email": "j@example.com"}, headers=api.staff()
        )
        assert r.status_code == 409 and r.json()["type"].endswith("cco-id-taken")
        assert len(await api.events()) == 2
        assert await api.count(partners) == 1 and await api.count(individuals) == 1


BAD_PARTNERS = [
        {"be_geo_id": "", "name": "Acme", "country": "DE"},
        {"be_geo_id": "bad id!", "name": "Acme", "country": "DE"},
        {"be_geo_id": "100009", "name": "Acme", "country": "de"},
        {"be_geo_id": "100009", "name": "Acme", "country": "DEU"},
        {"be_geo_id": "100009", "name": "Acme\r\nBcc: x@evil.example", "country": "DE"},
        {"be_geo_id": "100009", "name": "", "country": "DE"},
        {"be_geo_id": "100009", "name": "Acme", "country": "DE", "extra": 1},
        {"be_geo_id": "100009", "country": "DE"},
]


async def test_bad_partner_input_is_422_and_changes_nothing(identity) -> None:
    async with identity() as api:
        for body in BAD_PARTNERS:
            r = await api.http.post("/v1/partners", json=body, headers=api.staff())
            assert r.status_code == 422, (body, r.text)
            assert r.headers["content-type"] == "application/problem+json"
        assert await api.count(partners) == 0 and await api.events() == []


BAD_INDIVIDUALS = [
        {"cco_id": "x", "name": "Short Id", "email": "s@example.com"},
        {"cco_id": "has space", "name": "N", "email": "s@example.com"},
        {"cco_id": "jdoe", "name": "N", "email": "not-an-email"},
        {"cco_id": "jdoe", "name": "N", "email": "a@example.com\r\nBcc: x@evil.example"},
        {"cco_id": "jdoe", "name": "Eve\nBcc: x@evil.example", "email": "a@example.com"},
        {"cco_id": "jdoe", "name": "   ", "email": "a@example.com"},
        {"cco_id": "jdoe", "name": "N", "email": "a@example.com", "roles": ["program_staff"]},
]


async def test_bad_individual_input_is_422_and_changes_nothing(identity) -> None:
    async with identity() as api:
        for body in BAD_INDIVIDUALS:
            r = await api.http.post("/v1/individuals", json=body, headers=api.staff())
            assert r.status_code == 422, (body, r.text)
            assert r.json()["status"] == 422
        assert await api.count(individuals) == 0 and await api.events() == []


async def test_individual_updates_own_profile_and_event_carries_it(identity) -> None:
    async with identity() as api:
        await api.person("jdoe", "John Doe", "john@example.com")
        me = api.as_("jdoe", "individual")
        r = await api.http.patch("/v1/individuals/jdoe", json={"email": "john.doe@example.com"}, headers=me)
        assert r.status_code == 200 and r.json()["email"] == "john.doe@example.com"
        r = await api.http.patch("/v1/individuals/jdoe", json={"name": "John Q. Doe"}, headers=me)
        assert r.json()["name"] == "John Q. Doe"
        # the same values again: nothing to say
        r = await api.http.patch("/v1/individuals/jdoe", json={"name": "John Q. Doe"}, headers=me)
        assert r.status_code == 200
        assert await api.events(IndividualUpdated) == [
            IndividualUpdated(cco_id="jdoe", name="John Doe", email="john.doe@example.com"),
            IndividualUpdated(cco_id="jdoe", name="John Q. Doe", email="john.doe@example.com"),
        ]
        assert [e.cco_id for e in await api.events(IndividualRegistered)] == ["jdoe"]


BAD_PATCHES = [
        {"email": "a@example.com\r\nBcc: x@evil.example"},
        {"email": "nope"},
        {"name": "Eve\r\nBcc: x@evil.example"},
        {"name": ""},
        {"cco_id": "other"},
        [],
]


async def test_bad_profile_update_is_422_and_changes_nothing(identity) -> None:
    async with identity() as api:
        await api.person("jdoe", "John Doe", "john@example.com")
        for body in BAD_PATCHES:
            r = await api.http.patch("/v1/individuals/jdoe", json=body, headers=api.as_("jdoe"))
            assert r.status_code == 422, (body, r.text)
        r = await api.http.get("/v1/individuals/jdoe", headers=api.staff())
        assert (r.json()["name"], r.json()["email"]) == ("John Doe", "john@example.com")
        assert await api.events(IndividualUpdated) == []


async def test_only_staff_sets_the_program_staff_flag(identity) -> None:
    async with identity() as api:
        await api.person("jdoe")
        r = await api.http.patch("/v1/individuals/jdoe", json={"program_staff": True}, headers=api.as_("jdoe"))
        assert r.status_code == 403
        r = await api.http.patch("/v1/individuals/jdoe", json={"program_staff": True}, headers=api.staff())
        assert r.status_code == 200 and r.json()["program_staff"] is True
        assert [e.program_staff for e in await api.events(IndividualUpdated)] == [True]


async def test_unknown_ids_answer_404(identity) -> None:
    async with identity() as api:
        for path in ("/v1/partners/999", "/v1/individuals/nobody", "/v1/partners/999/members"):
            r = await api.http.get(path, headers=api.staff())
            assert r.status_code == 404, path
        r = await api.http.put("/v1/partners/999/members/nobody", headers=api.staff())
        assert r.status_code == 404


async def test_id1_concurrent_registrations_are_combined_and_each_answers_as_alone(identity) -> None:
    """Registrations sent at the same time are written together (issue 19); each answers as it would alone:
    201, or 409 for an ID taken before or by the same ID sent twice at once; one event per person."""
    import asyncio

    from identity.api.individuals import REGISTRATIONS

    async with identity() as api:
        await api.person("taken")
        before = (REGISTRATIONS.batches, REGISTRATIONS.items)
        ids = [f"c{i}" for i in range(15)]
        bodies = [{"cco_id": c, "name": f"Person {c}", "email": f"{c}@example.com"} for c in ids]
        bodies += [{"cco_id": "c0", "name": "Again", "email": "again@example.com"},
                   {"cco_id": "taken", "name": "T", "email": "t@example.com"}]
        answers = await asyncio.gather(  # each request with a correlation id of its own
            *(api.http.post("/v1/individuals", json=b, headers=api.staff() | {"X-Correlation-ID": f"req-{k}"})
              for k, b in enumerate(bodies))
        )
        first, again = answers[0], answers[len(ids)]
        assert sorted([first.status_code, again.status_code]) == [201, 409]
        assert answers[-1].status_code == 409 and answers[-1].json()["type"].endswith("cco-id-taken")
        assert all(r.status_code == 201 for r in answers[1 : len(ids)])
        registered = await api.events(IndividualRegistered)
        assert sorted(e.cco_id for e in registered) == sorted(["taken", *ids])
        assert await api.count(individuals) == len(ids) + 1
        batches, items = REGISTRATIONS.batches - before[0], REGISTRATIONS.items - before[1]
        assert items == len(bodies) and batches < items
        assert len(REGISTRATIONS) == 0
        # written together, yet each event carries the correlation id of the request that caused it
        outbox = api.runtime.db.outbox
        async with api.runtime.db.engine.connect() as conn:
            envelopes = [Envelope.model_validate(r) for r in (await conn.execute(select(outbox.c.envelope))).scalars()]
        correlation = {e.payload["cco_id"]: e.correlation_id for e in envelopes if e.type == IndividualRegistered.TYPE}
        first_of_c0 = "req-0" if first.status_code == 201 else f"req-{len(ids)}"
        assert correlation == {"taken": correlation["taken"], "c0": first_of_c0} | {c: f"req-{k}" for k, c in enumerate(ids) if k}
