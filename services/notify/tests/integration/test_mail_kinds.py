"""Each kind of mail and its content, over a real SMTP server (NO-1, NO-2, NO-4, CE-6, CE-9)."""

from __future__ import annotations

from datetime import date

from notify import projections
from notify.app import SERVICE
from partnerhub.bus.contracts import (
    AdminAssigned,
    AdminRemoved,
    GraceStarted,
    IndividualRegistered,
    Lost,
    PartnerRegistered,
    Reactivated,
    ReminderDue,
    RenewalWindowOpened,
    Renewed,
    RoleAtRisk,
    RoleVacated,
)
from partnerhub.testing import eventually

BE = "BE100"


async def setup_partner(runtime, feed, admins=("A1", "A2")) -> None:
    """A partner, its admins (plus a PAM and a removed admin who get nothing) and a role holder."""
    await feed(
        runtime,
        PartnerRegistered(be_geo_id=BE, name="Acme Networks", country="DE"),
        IndividualRegistered(cco_id="A1", name="Alice Admin", email="alice@acme.example"),
        IndividualRegistered(cco_id="A2", name="Bob Admin", email="bob@acme.example"),
        IndividualRegistered(cco_id="P1", name="Pam Manager", email="pam@cisco.example"),
        IndividualRegistered(cco_id="X1", name="Xena Former", email="xena@acme.example"),
        IndividualRegistered(cco_id="H1", name="Hank Holder", email="hank@acme.example"),
    )
    await feed(runtime, *[AdminAssigned(cco_id=a, be_geo_id=BE, role="partner_admin") for a in admins])
    await feed(
        runtime,
        AdminAssigned(cco_id="P1", be_geo_id=BE, role="pam"),
        AdminAssigned(cco_id="X1", be_geo_id=BE, role="partner_admin"),
    )
    await feed(runtime, AdminRemoved(cco_id="X1", be_geo_id=BE, role="partner_admin"))

    async def ready() -> bool:
        async with runtime.db.engine.connect() as conn:
            known = await projections.addresses(conn, ["H1"])
            return await projections.admins_of(conn, BE) == sorted(admins) and "H1" in known

    await eventually(ready, timeout=30)


async def test_no1_ce6_reminders_at_6_and_3_months(system_factory, smtp, feed) -> None:
    async with system_factory(SERVICE, **smtp.settings()) as system:
        runtime, client = system.runtimes["notify"], system.clients["notify"]
        await feed(runtime, IndividualRegistered(cco_id="C1", name="Ann Able", email="ann@example.com"))
        for months in (6, 3):
            await feed(
                runtime,
                ReminderDue(cco_id="C1", certification="CCNP", kind="professional", expires_on=date(2027, 6, 1), months_before=months),
                producer="certification",
            )
        await eventually(lambda: _count(smtp, 2), timeout=30)
        mails = sorted(smtp.to("ann@example.com"), key=lambda r: r.message["Subject"])
        assert [m.message["Subject"] for m in mails] == [
            "Your CCNP certification expires on 1 June 2027 (3-month reminder)",
            "Your CCNP certification expires on 1 June 2027 (6-month reminder)",
        ]
        for mail in mails:
            assert mail.sender == "no-reply@partnerhub.example"
            assert mail.message["To"] == "Ann Able <ann@example.com>"
            assert "CCNP" in mail.part("plain") and "1 June 2027" in mail.part("plain")
            assert "<strong>CCNP</strong>" in mail.part("html") and "1 June 2027" in mail.part("html")
        log = (await client.get("/v1/notifications", params={"recipient": "C1"}, headers=system.staff())).json()
        assert {(n["status"], n["attempts"], n["to_address"]) for n in log} == {("sent", 1, "ann@example.com")}
        assert {n["message_id"] for n in log} == {m.message["Message-ID"] for m in mails}


async def test_ce9_no1_no_mail_for_representative_cqs(system_factory, smtp, feed, applied) -> None:
    async with system_factory(SERVICE, **smtp.settings()) as system:
        runtime, client = system.runtimes["notify"], system.clients["notify"]
        await feed(runtime, IndividualRegistered(cco_id="C2", name="Rita Rep", email="rita@example.com"))
        representative = await feed(
            runtime,
            ReminderDue(cco_id="C2", certification="CQS-REP", kind="cqs_representative", expires_on=date(2027, 3, 1), months_before=6),
            ReminderDue(cco_id="C2", certification="CQS-REP", kind="cqs_representative", expires_on=date(2027, 3, 1), months_before=3),
            producer="certification",
        )
        # a Specialist CQS still gets its reminder (CE-10): it also shows the representative ones were handled
        await feed(
            runtime,
            ReminderDue(cco_id="C2", certification="CQS-SPEC", kind="cqs_specialist", expires_on=date(2027, 3, 1), months_before=3),
            producer="certification",
        )
        await eventually(lambda: _count(smtp, 1), timeout=30)
        await applied(runtime, representative)
        await system.runtimes["notify"].mail_sender.send_due()  # a round after they were handled
        log = (await client.get("/v1/notifications", params={"recipient": "C2"}, headers=system.staff())).json()
        assert [n["context"]["certification"] for n in log] == ["CQS-SPEC"]
        assert "CQS-REP" not in smtp.received[0].message["Subject"]
        assert len(smtp.received) == 1


async def test_no2_specialization_mail_to_each_partner_admin(system_factory, smtp, feed) -> None:
    async with system_factory(SERVICE, **smtp.settings()) as system:
        runtime, client = system.runtimes["notify"], system.clients["notify"]
        await setup_partner(runtime, feed)
        spec = "ENT-NET"
        await feed(
            runtime,
            RenewalWindowOpened(be_geo_id=BE, specialization=spec, opened_on=date(2027, 1, 2), anniversary=date(2027, 4, 2)),
            Renewed(be_geo_id=BE, specialization=spec, renewed_on=date(2027, 4, 2), period_start=date(2027, 4, 2), period_end=date(2028, 4, 1)),
            GraceStarted(be_geo_id=BE, specialization=spec, started_on=date(2028, 4, 2), grace_ends_on=date(2028, 4, 12)),
            Lost(be_geo_id=BE, specialization=spec, lost_on=date(2028, 4, 12), blocked_until=date(2029, 10, 12)),
            Reactivated(be_geo_id=BE, specialization=spec, reactivated_on=date(2028, 6, 1), anniversary=date(2028, 6, 1)),
            producer="specialization",
        )
        await eventually(lambda: _count(smtp, 10), timeout=30)
        assert smtp.to("pam@cisco.example") == [] and smtp.to("xena@acme.example") == []
        for admin, name in (("alice@acme.example", "Alice Admin"), ("bob@acme.example", "Bob Admin")):
            subjects = {m.message["Subject"]: m for m in smtp.to(admin)}
            assert set(subjects) == {
                "ENT-NET: renewal window open, anniversary 2 April 2027",
                "ENT-NET renewed until 1 April 2028",
                "ENT-NET: grace period until 12 April 2028",
                "ENT-NET lost on 12 April 2028",
                "ENT-NET reactivated on 1 June 2028",
            }
            grace = subjects["ENT-NET: grace period until 12 April 2028"]
            assert "ends on 12 April 2028" in grace.part("plain")
            assert "Acme Networks (BE GEO ID BE100)" in grace.part("plain")
            assert f"Dear {name}," in grace.part("plain")
            assert "<strong>12 April 2028</strong>" in grace.part("html")
            assert "applying for it as new is possible again from 12 October 2029" in subjects["ENT-NET lost on 12 April 2028"].part("plain")
            assert "1 January 2027" not in grace.part("plain")
        # an admin sees their partner's mails in the delivery log
        admin = system.token("A1", "partner_admin", admin_of=[BE])
        log = (await client.get("/v1/notifications", params={"cause": "grace_started|"}, headers=admin)).json()
        assert sorted(n["recipient"] for n in log) == ["A1", "A2"]


async def test_no4_role_at_risk_and_vacated_name_role_person_and_date(system_factory, smtp, feed) -> None:
    async with system_factory(SERVICE, **smtp.settings()) as system:
        runtime = system.runtimes["notify"]
        await setup_partner(runtime, feed, admins=("A1",))
        await feed(
            runtime,
            RoleAtRisk(be_geo_id=BE, specialization="SEC", role="SE", cco_id="H1", certification="CCNP-SEC", vacant_on=date(2027, 5, 31)),
            RoleVacated(be_geo_id=BE, specialization="SEC", role="AM", cco_id="H1", vacated_on=date(2027, 2, 1), reason="left the partner"),
            producer="specialization",
        )
        await eventually(lambda: _count(smtp, 2), timeout=30)
        mails = {m.message["Subject"]: m for m in smtp.to("alice@acme.example")}
        risk = mails["SEC at risk: Systems Engineer role falls vacant on 31 May 2027"]
        text = risk.part("plain")
        assert "Systems Engineer (SE)" in text and "Hank Holder (CCO ID H1)" in text
        assert "CCNP-SEC" in text and "31 May 2027" in text
        vacated = mails["SEC: Account Manager role vacant since 1 February 2027"]
        assert "Hank Holder (CCO ID H1)" in vacated.part("plain") and "left the partner" in vacated.part("plain")
        assert "Account Manager (AM)" in vacated.part("html") and "1 February 2027" in vacated.part("html")
        assert smtp.to("hank@acme.example") == []


async def _count(smtp, n: int) -> bool:
    assert len(smtp.received) <= n, f"more mails than expected: {[r.message['Subject'] for r in smtp.received]}"
    return len(smtp.received) == n
