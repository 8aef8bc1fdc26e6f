"""Header injection attempts and who may read the delivery log."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from notify.app import SERVICE
from notify.tables import deliveries
from partnerhub.bus.contracts import (
    AdminAssigned,
    IndividualRegistered,
    PartnerRegistered,
    ReminderDue,
    Renewed,
)
from partnerhub.testing import eventually

INJECTED_ADDRESSES = {
    "J1": ("Jo", "jo@example.com\r\nBcc: evil@attacker.example"),
    "J2": ("Jo", "jo@example.com\nX-Injected: yes"),
    "J3": ("Jo", "jo@example.com>, evil@attacker.example"),
    "J4": ("Jo", "jo@example.com\u2028Bcc: evil@attacker.example"),
}
INJECTED_NAMES = {
    "J5": ("Jo\r\nBcc: evil@attacker.example", "jo5@example.com"),
    "J6": ("Jo\nX-Injected: yes", "jo6@example.com"),
    "J7": ("Jo\x0bBcc: evil@attacker.example", "jo7@example.com"),  # (NUL is covered by unit tests:
    "J8": ("Jo\x85Bcc: evil@attacker.example", "jo8@example.com"),  # PostgreSQL cannot even store it)
}


def reminder(cco_id: str, certification: str = "CCNA") -> ReminderDue:
    return ReminderDue(cco_id=cco_id, certification=certification, kind="associate", expires_on=date(2027, 9, 1), months_before=6)


async def test_no3_header_injection_attempts_never_reach_the_server(system_factory, smtp, feed) -> None:
    async with system_factory(SERVICE, **smtp.settings()) as system:
        runtime = system.runtimes["notify"]
        people = INJECTED_ADDRESSES | INJECTED_NAMES | {"J0": ("Safe Person", "safe@example.com")}
        await feed(runtime, *[IndividualRegistered(cco_id=c, name=n, email=e) for c, (n, e) in people.items()])
        events = [reminder(c) for c in people]
        events.append(reminder("J0", certification="CCNP\r\nBcc: evil@attacker.example"))  # a subject trick
        await feed(runtime, *events, producer="certification")

        async def settled() -> list:
            async with runtime.db.engine.connect() as conn:
                found = (await conn.execute(select(deliveries))).all()
            return len(found) == len(events) and all(r.status in ("sent", "failed") for r in found) and found

        found = await eventually(settled, timeout=30)
        status = {(r.recipient, r.context["certification"]): r for r in found}
        assert status[("J0", "CCNA")].status == "sent"
        assert status[("J0", "CCNP\r\nBcc: evil@attacker.example")].status == "failed"
        for cco_id in list(INJECTED_ADDRESSES) + list(INJECTED_NAMES):
            row = status[(cco_id, "CCNA")]
            assert row.status == "failed", cco_id
            assert "refused to build the message" in row.last_error
        # exactly one mail went out, to the safe address, with nothing smuggled in
        assert [r.recipients for r in smtp.received] == [["safe@example.com"]]
        raw = smtp.received[0].raw
        assert b"attacker" not in raw and b"X-Injected" not in raw and b"Bcc" not in raw


async def test_no3_unicode_names_are_encoded_not_injected(system_factory, smtp, feed) -> None:
    async with system_factory(SERVICE, **smtp.settings()) as system:
        runtime = system.runtimes["notify"]
        await feed(runtime, IndividualRegistered(cco_id="U1", name="Zoë \"Q\" O'Brien, Jr.", email="zoe@example.com"))
        await feed(runtime, reminder("U1"), producer="certification")
        await eventually(lambda: _received(smtp, 1), timeout=30)
        message = smtp.received[0].message
        assert message["To"].addresses[0].display_name == "Zoë \"Q\" O'Brien, Jr."
        assert message["To"].addresses[0].addr_spec == "zoe@example.com"
        assert smtp.received[0].recipients == ["zoe@example.com"]


async def test_delivery_log_visibility_by_actor(system_factory, smtp, feed, applied) -> None:
    async with system_factory(SERVICE, **smtp.settings()) as system:
        runtime, client = system.runtimes["notify"], system.clients["notify"]
        await applied(
            runtime,
            await feed(
                runtime,
                PartnerRegistered(be_geo_id="BEA", name="A Corp", country="US"),
                PartnerRegistered(be_geo_id="BEB", name="B Corp", country="US"),
                IndividualRegistered(cco_id="AA", name="Admin A", email="aa@example.com"),
                IndividualRegistered(cco_id="BB", name="Admin B", email="bb@example.com"),
                IndividualRegistered(cco_id="II", name="Indy", email="ii@example.com"),
                AdminAssigned(cco_id="AA", be_geo_id="BEA", role="partner_admin"),
                AdminAssigned(cco_id="BB", be_geo_id="BEB", role="partner_admin"),
            ),
        )
        renewed = dict(renewed_on=date(2027, 1, 1), period_start=date(2027, 1, 1), period_end=date(2027, 12, 31))
        await feed(
            runtime,
            Renewed(be_geo_id="BEA", specialization="S1", **renewed),
            Renewed(be_geo_id="BEB", specialization="S1", **renewed),
            reminder("II"),
            producer="specialization",
        )
        await eventually(lambda: _received(smtp, 3), timeout=30)

        async def listing(headers, **params):
            response = await client.get("/v1/notifications", params=params, headers=headers)
            assert response.status_code == 200, response.text
            return sorted(n["recipient"] for n in response.json())

        admin_a = system.token("AA", "partner_admin", admin_of=["BEA"])
        assert await listing(system.staff()) == ["AA", "BB", "II"]
        assert await listing(system.token("sys", "system")) == ["AA", "BB", "II"]
        assert await listing(admin_a) == ["AA"]
        assert await listing(admin_a, recipient="BB") == []
        assert await listing(system.token("II", "individual")) == ["II"]
        assert await listing(system.token("PM", "pam", pam_of=["BEA"])) == []
        other = (await client.get("/v1/notifications", params={"recipient": "BB"}, headers=system.staff())).json()[0]
        assert (await client.get(f"/v1/notifications/{other['id']}", headers=admin_a)).status_code == 404
        assert (await client.get(f"/v1/notifications/{other['id']}", headers=system.staff())).status_code == 200
        assert (await client.get("/v1/notifications")).status_code == 401
        bad = await client.get("/v1/notifications", params={"status": "lost", "limit": 0}, headers=system.staff())
        assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
        # the cause filter is a prefix, with LIKE wildcards taken literally
        assert await listing(system.staff(), cause="renewed|BEA|") == ["AA"]
        assert await listing(system.staff(), cause="renewed|%") == []


async def _received(smtp, n: int) -> bool:
    return len(smtp.received) == n
