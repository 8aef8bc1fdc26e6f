"""The identity mirror's rules, one test each, in both modes (SQLite + in-process bus, PostgreSQL + RabbitMQ):
events go through the service's real transport and consumer (``deliver``), as identity would send them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from mirror_probe import IDENTITY, MIRROR, MIRROR_PROBE, calls
from sqlalchemy import select

from partnerhub.bus import contracts as c
from partnerhub.mirrors.identity import IdentityMirror
from partnerhub.testing import deliver

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


async def rows(runtime, table, *where):  # type: ignore[no-untyped-def]
    async with runtime.db.engine.connect() as conn:
        return [tuple(r) for r in await conn.execute(select(table).where(*where).order_by(*table.primary_key.columns))]


async def test_id3_a_membership_end_before_its_start_is_kept_and_the_late_start_changes_nothing(system_factory) -> None:
    async with system_factory(MIRROR_PROBE) as system:
        probe = system.runtimes["mirrorprobe"]
        await deliver(probe, c.MembershipEnded(cco_id="ann", be_geo_id="P1", started_on=date(2026, 1, 5), ended_on=date(2026, 4, 1)))
        await deliver(probe, c.MembershipStarted(cco_id="ann", be_geo_id="P1", started_on=date(2026, 1, 5)))
        await deliver(probe, c.MembershipStarted(cco_id="ann", be_geo_id="P2", started_on=date(2026, 4, 1)))
        m = IDENTITY.memberships
        assert await rows(probe, m) == [
            ("ann", "P1", date(2026, 1, 5), date(2026, 4, 1)),
            ("ann", "P2", date(2026, 4, 1), None),
        ]
        assert await calls(probe.db) == [("after_change", "membership", "ann")] * 3


async def test_id2_events_about_a_retired_id_reach_the_survivor_and_chains_collapse_on_write(system_factory) -> None:
    async with system_factory(MIRROR_PROBE) as system:
        probe = system.runtimes["mirrorprobe"]
        await deliver(
            probe,
            c.IndividualRegistered(cco_id="bob.old", name="Bob Old", email="bob@old.example"),
            c.MembershipStarted(cco_id="bob.old", be_geo_id="P1", started_on=date(2026, 1, 5)),
            c.LeavePlanned(cco_id="bob.old", be_geo_id="P1", started_on=date(2026, 1, 5), leaves_on=date(2026, 9, 1), revision=1),
            occurred_at=T0,
        )
        await deliver(probe, c.IndividualMerged(survivor="bob", retired=["bob.old"], merged_on=date(2026, 3, 2)))
        # bob is merged in turn: bob.old must point at the last survivor directly, not through bob
        await deliver(probe, c.IndividualMerged(survivor="robert", retired=["bob", "robert"], merged_on=date(2026, 3, 3)))
        assert await rows(probe, IDENTITY.aliases) == [
            ("bob", "robert", date(2026, 3, 3)),
            ("bob.old", "robert", date(2026, 3, 2)),
        ]
        # an event about a retired ID, arriving after the merges, lands on the survivor
        await deliver(probe, c.MembershipEnded(cco_id="bob.old", be_geo_id="P1", started_on=date(2026, 1, 5), ended_on=date(2026, 9, 1)))
        assert await rows(probe, IDENTITY.memberships) == [("robert", "P1", date(2026, 1, 5), date(2026, 9, 1))]
        assert await rows(probe, IDENTITY.planned_leaves) == [("robert", "P1", date(2026, 1, 5), date(2026, 9, 1), 1)]
        async with probe.db.engine.connect() as conn:
            assert await IDENTITY.resolve(conn, "bob.old") == "robert"
            assert await IDENTITY.resolve_many(conn, ["bob", "bob.old", "eve"]) == {"bob": "robert", "bob.old": "robert", "eve": "eve"}
            assert await IDENTITY.known(conn, ["bob.old", "bob", "robert", "eve"]) == {"bob.old", "bob", "robert"}
            # the survivor had no profile: it takes the retired one's
            person = (await conn.execute(select(IDENTITY.people).where(IDENTITY.people.c.cco_id == "robert"))).one()
        assert (person.name, person.email) == ("Bob Old", "bob@old.example")
        hooked = await calls(probe.db)
        assert ("rekey", "merge", "bob,bob.old") in hooked
        assert ("rekey", "merge", "robert,bob") in hooked  # the survivor named among the retired is left out
        assert hooked[-1] == ("after_change", "membership", "robert")
        # redelivering a merge (or naming only the survivor) changes nothing and calls no hook
        before = len(hooked)
        await deliver(probe, c.IndividualMerged(survivor="robert", retired=["robert"], merged_on=date(2026, 3, 4)))
        assert len(await calls(probe.db)) == before


async def test_a_profile_applies_only_if_it_is_not_older_than_the_one_kept(system_factory) -> None:
    async with system_factory(MIRROR_PROBE) as system:
        probe = system.runtimes["mirrorprobe"]
        await deliver(probe, c.IndividualUpdated(cco_id="cy", name="Cy New", email="cy@new.example"), occurred_at=T0 + timedelta(hours=1))
        await deliver(probe, c.IndividualRegistered(cco_id="cy", name="Cy Old", email="cy@old.example"), occurred_at=T0)
        async with probe.db.engine.connect() as conn:
            person = (await conn.execute(select(IDENTITY.people).where(IDENTITY.people.c.cco_id == "cy"))).one()
        assert (person.name, person.email, person.as_of) == ("Cy New", "cy@new.example", T0 + timedelta(hours=1))
        assert await calls(probe.db) == [("after_change", "profile", "cy")]


async def test_no4_a_planned_leave_applies_by_revision_and_a_cancellation_keeps_a_late_older_plan_out(system_factory) -> None:
    async with system_factory(MIRROR_PROBE) as system:
        probe = system.runtimes["mirrorprobe"]
        key = {"cco_id": "dee", "be_geo_id": "P1", "started_on": date(2026, 1, 5)}
        await deliver(probe, c.LeaveCancelled(**key, leaves_on=date(2026, 6, 1), revision=2))
        await deliver(probe, c.LeavePlanned(**key, leaves_on=date(2026, 6, 1), revision=1))
        assert await rows(probe, IDENTITY.planned_leaves) == [("dee", "P1", date(2026, 1, 5), None, 2)]
        await deliver(probe, c.LeavePlanned(**key, leaves_on=date(2026, 7, 1), revision=3))
        assert await rows(probe, IDENTITY.planned_leaves) == [("dee", "P1", date(2026, 1, 5), date(2026, 7, 1), 3)]
        assert await calls(probe.db) == [("after_change", "leave", "dee")] * 2


def test_a_service_keeps_only_the_profile_fields_it_names_and_follows_only_what_it_asks() -> None:
    with pytest.raises(ValueError, match="only"):
        IdentityMirror(IDENTITY, keep=("name", "birthday"))
    assert set(IdentityMirror(IDENTITY, keep=None, memberships=False).subscriptions()) == {c.IndividualMerged}
    assert set(MIRROR.subscriptions()) == {
        c.IndividualRegistered, c.IndividualUpdated, c.IndividualMerged, c.MembershipStarted, c.MembershipEnded,
        c.LeavePlanned, c.LeaveCancelled,
    }


def _run_of_identity_events() -> list:  # type: ignore[type-arg]
    """Profiles and memberships in every order the rules allow, a merge and a planned leave among them."""
    from partnerhub.bus.envelope import Envelope

    def at(event: c.Event, minutes: int) -> Envelope:
        return Envelope.wrap(event, producer="identity").model_copy(update={"occurred_at": T0 + timedelta(minutes=minutes)})

    d = date
    return [
        at(c.IndividualRegistered(cco_id="ann", name="Ann", email="ann@x.example"), 0),
        at(c.MembershipEnded(cco_id="ann", be_geo_id="P1", started_on=d(2026, 1, 5), ended_on=d(2026, 4, 1)), 1),
        at(c.MembershipStarted(cco_id="ann", be_geo_id="P1", started_on=d(2026, 1, 5)), 2),  # ID-3: after its end
        at(c.IndividualUpdated(cco_id="bo", name="Bo New", email="bo@new.example"), 30),
        at(c.IndividualRegistered(cco_id="bo", name="Bo Old", email="bo@old.example"), 10),  # older: stays out
        at(c.MembershipStarted(cco_id="bo", be_geo_id="P1", started_on=d(2026, 2, 1)), 3),
        at(c.MembershipEnded(cco_id="bo", be_geo_id="P1", started_on=d(2026, 2, 1), ended_on=d(2026, 8, 1)), 4),
        at(c.MembershipEnded(cco_id="bo", be_geo_id="P1", started_on=d(2026, 2, 1), ended_on=d(2026, 7, 1)), 5),  # corrected
        at(c.IndividualRegistered(cco_id="cy.old", name="Cy", email="cy@x.example"), 6),
        at(c.MembershipStarted(cco_id="cy.old", be_geo_id="P2", started_on=d(2026, 3, 1)), 7),
        at(c.IndividualMerged(survivor="cy", retired=["cy.old"], merged_on=d(2026, 3, 2)), 8),  # a barrier
        at(c.MembershipEnded(cco_id="cy.old", be_geo_id="P2", started_on=d(2026, 3, 1), ended_on=d(2026, 5, 1)), 9),
        at(c.MembershipStarted(cco_id="cy", be_geo_id="P1", started_on=d(2026, 5, 1)), 11),
        at(c.LeavePlanned(cco_id="cy", be_geo_id="P1", started_on=d(2026, 5, 1), leaves_on=d(2026, 9, 1), revision=1), 12),
        at(c.IndividualRegistered(cco_id="dee", name="Dee", email="dee@x.example"), 13),
        at(c.MembershipStarted(cco_id="dee", be_geo_id="P2", started_on=d(2026, 1, 1)), 14),
    ]


async def test_id2_id3_a_batch_applied_together_leaves_what_one_by_one_leaves_in_fewer_statements(system_factory) -> None:
    """Issue 19: consecutive profile and membership events of one consumer batch are applied set-based
    (``apply_many``); merges and planned leaves end such a run. The mirror, and the hooks' view of it, must
    come out exactly as applying each event alone, with a fraction of the statements."""
    from sqlalchemy import event as sa_event

    envelopes = _run_of_identity_events()
    outcome = {}
    for how in ("one by one", "together"):
        async with system_factory(MIRROR_PROBE) as system:
            probe = system.runtimes["mirrorprobe"]
            statements = []
            sa_event.listen(probe.db.engine.sync_engine, "before_cursor_execute", lambda *a, seen=statements: seen.append(a[2]))
            if how == "together":
                await probe.consumer.handle_batch(envelopes)
            else:
                for envelope in envelopes:
                    await probe.consumer.handle(envelope)
            tables = (IDENTITY.people, IDENTITY.memberships, IDENTITY.aliases, IDENTITY.planned_leaves)
            state = [[r[:-1] if t is IDENTITY.people else r for r in await rows(probe, t)] for t in tables]  # people: less updated_at
            hooked = sorted(set(await calls(probe.db)))
            outcome[how] = (state, hooked, len(statements))
    (alone, alone_hooks, alone_count), (together, together_hooks, together_count) = outcome["one by one"], outcome["together"]
    assert together == alone
    assert together_hooks == alone_hooks  # the same people's changes reach the service's hooks
    people, memberships, *_ = together
    assert ("bo", "Bo New", "bo@new.example") == people[1][:3] and memberships[0][3] == date(2026, 4, 1)
    # one by one 108 statements, together 61 (the hooks' own inserts are per change either way); the same
    # batch applied handler by handler, as before apply_many, would still cost about 93
    assert together_count < 0.7 * alone_count, (together_count, alone_count)
