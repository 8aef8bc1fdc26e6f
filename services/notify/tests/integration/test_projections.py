"""Addresses current at sending time (CE-6, NO-3), out-of-order updates and merges (ID-2)."""

from __future__ import annotations

from datetime import date

from notify.app import SERVICE
from partnerhub.bus.contracts import (
    AdminAssigned,
    IndividualMerged,
    IndividualRegistered,
    IndividualUpdated,
    ReminderDue,
    RoleAtRisk,
)
from partnerhub.bus.envelope import Envelope
from partnerhub.testing import eventually


def reminder(cco_id: str, months: int = 6) -> ReminderDue:
    return ReminderDue(cco_id=cco_id, certification="CCDA", kind="associate", expires_on=date(2027, 9, 1), months_before=months)


async def test_ce6_address_changed_before_reminder_uses_new_address(system_factory, smtp, feed, applied) -> None:
    async with system_factory(SERVICE, **smtp.settings()) as system:
        runtime, client = system.runtimes["notify"], system.clients["notify"]
        stale = Envelope.wrap(IndividualRegistered(cco_id="M1", name="Mo", email="old@example.com"), producer="identity")
        update = Envelope.wrap(IndividualUpdated(cco_id="M1", name="Mo Moved", email="new@example.com"), producer="identity")
        await applied(runtime, await feed(runtime, update))
        await applied(runtime, await feed(runtime, stale))  # arrives late: must not undo the update
        recipient = (await client.get("/v1/recipients/M1", headers=system.staff())).json()
        assert recipient["email"] == "new@example.com"
        await feed(runtime, reminder("M1"), producer="certification")
        await eventually(lambda: _received(smtp, 1), timeout=30)
        assert smtp.received[0].recipients == ["new@example.com"]
        assert smtp.received[0].message["To"] == "Mo Moved <new@example.com>"
        assert smtp.to("old@example.com") == []


async def test_id2_merge_moves_address_and_admin_role_to_survivor(system_factory, smtp, feed, applied) -> None:
    async with system_factory(SERVICE, **smtp.settings()) as system:
        runtime, client = system.runtimes["notify"], system.clients["notify"]
        await applied(
            runtime,
            await feed(
                runtime,
                IndividualRegistered(cco_id="S1", name="Sue", email="sue@example.com"),
                IndividualRegistered(cco_id="S1-old", name="Sue Old", email="sue.old@example.com"),
                IndividualRegistered(cco_id="T-old", name="Tom", email="tom@example.com"),
                IndividualRegistered(cco_id="H2", name="Hal", email="hal@example.com"),
                AdminAssigned(cco_id="S1-old", be_geo_id="BE9", role="partner_admin"),
            ),
        )
        await applied(
            runtime,
            await feed(
                runtime,
                IndividualMerged(survivor="S1", retired=["S1-old"], merged_on=date(2026, 12, 1)),
                IndividualMerged(survivor="T1", retired=["T-old"], merged_on=date(2026, 12, 1)),
            ),
        )
        # a retired ID resolves to its survivor; a survivor without an address takes the retired one's
        assert (await client.get("/v1/recipients/S1-old", headers=system.staff())).json()["email"] == "sue@example.com"
        assert (await client.get("/v1/recipients/T1", headers=system.staff())).json()["email"] == "tom@example.com"
        await feed(
            runtime,
            reminder("S1-old"),  # produced before the merge reached certification
            RoleAtRisk(be_geo_id="BE9", specialization="DC", role="FE", cco_id="H2", certification="CCNA", vacant_on=date(2027, 2, 2)),
            producer="certification",
        )
        await eventually(lambda: _received(smtp, 2), timeout=30)
        assert sorted(r.recipients[0] for r in smtp.received) == ["sue@example.com", "sue@example.com"]
        log = (await client.get("/v1/notifications", params={"cause": "role_at_risk|"}, headers=system.staff())).json()
        assert [n["recipient"] for n in log] == ["S1"]


async def _received(smtp, n: int) -> bool:
    return len(smtp.received) == n
