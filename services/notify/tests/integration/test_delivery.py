"""Exactly once per cause, through duplicates, outages, 4xx/5xx answers and crashes (NO-3)."""

from __future__ import annotations

import email
from datetime import date
from email.policy import default as default_policy

from sqlalchemy import select

from notify.app import SERVICE
from notify.tables import deliveries
from partnerhub.bus.contracts import (
    AdminAssigned,
    IndividualRegistered,
    IndividualUpdated,
    Lost,
    ReminderDue,
)
from partnerhub.bus.envelope import Envelope
from partnerhub.testing import eventually


def reminder(cco_id: str, certification: str = "CCNA", months: int = 6) -> ReminderDue:
    return ReminderDue(
        cco_id=cco_id, certification=certification, kind="associate", expires_on=date(2027, 9, 1), months_before=months
    )


async def rows(runtime) -> list:
    async with runtime.db.engine.connect() as conn:
        return list((await conn.execute(select(deliveries).order_by(deliveries.c.created_at))).all())


async def test_no3_duplicate_event_sends_once(system_factory, smtp, feed, applied) -> None:
    async with system_factory(SERVICE, **smtp.settings()) as system:
        runtime = system.runtimes["notify"]
        await feed(runtime, IndividualRegistered(cco_id="D1", name="Dee", email="dee@example.com"))
        envelope = Envelope.wrap(reminder("D1"), producer="certification")
        again = Envelope.wrap(reminder("D1"), producer="certification")  # same cause, a new event id
        await feed(runtime, envelope)
        await feed(runtime, envelope)  # redelivered, as after a lost ack
        await feed(runtime, again)
        await applied(runtime, [envelope, again])
        await eventually(lambda: _all_settled(runtime), timeout=30)
        await runtime.mail_sender.send_due()
        assert len(smtp.to("dee@example.com")) == 1
        assert [(r.status, r.attempts) for r in await rows(runtime)] == [("sent", 1)]


async def test_no3_smtp_down_then_back_every_pending_mail_sent_once(system_factory, smtp_later, feed) -> None:
    async with system_factory(SERVICE, **smtp_later.settings()) as system:
        runtime = system.runtimes["notify"]
        people = [f"O{i}" for i in range(4)]
        await feed(runtime, *[IndividualRegistered(cco_id=p, name=p, email=f"{p.lower()}@example.com") for p in people])
        await feed(runtime, *[reminder(p) for p in people], producer="certification")

        async def retried_while_down() -> bool:
            found = await rows(runtime)
            return len(found) == 4 and all(r.status == "pending" and r.attempts >= 2 for r in found)

        await eventually(retried_while_down, timeout=30)
        assert all("not reachable" in r.last_error for r in await rows(runtime))
        assert all(r.sent_at is None for r in await rows(runtime))

        smtp_later.start()  # the mail server is back
        await eventually(lambda: _all_settled(runtime), timeout=30)
        await runtime.mail_sender.send_due()
        for p in people:
            assert len(smtp_later.to(f"{p.lower()}@example.com")) == 1
        ids = [r.message["Message-ID"] for r in smtp_later.received]
        assert len(ids) == len(set(ids)) == 4
        assert {r.status for r in await rows(runtime)} == {"sent"}


async def test_no3_4xx_retried_5xx_failed_without_blocking_others_then_staff_retry(system_factory, smtp, feed) -> None:
    smtp.rcpt_replies["busy@example.com"] = ["451 4.3.0 Try again later", "451 4.3.0 Try again later"]
    smtp.always_refuse["gone@example.com"] = "550 5.1.1 No such user"
    async with system_factory(SERVICE, **smtp.settings()) as system:
        runtime, client = system.runtimes["notify"], system.clients["notify"]
        await feed(
            runtime,
            IndividualRegistered(cco_id="R1", name="Ok", email="ok@example.com"),
            IndividualRegistered(cco_id="R2", name="Busy", email="busy@example.com"),
            IndividualRegistered(cco_id="R3", name="Gone", email="gone@example.com"),
        )
        await feed(runtime, reminder("R1"), reminder("R2"), reminder("R3"), producer="certification")
        await eventually(lambda: _all_settled(runtime), timeout=30)
        by_person = {r.recipient: r for r in await rows(runtime)}
        assert (by_person["R1"].status, by_person["R1"].attempts) == ("sent", 1)
        assert (by_person["R2"].status, by_person["R2"].attempts) == ("sent", 3)
        assert by_person["R3"].status == "failed" and "550" in by_person["R3"].last_error
        assert len(smtp.to("busy@example.com")) == 1 and smtp.to("gone@example.com") == []

        failed = (await client.get("/v1/notifications", params={"status": "failed"}, headers=system.staff())).json()
        assert [n["recipient"] for n in failed] == ["R3"]
        failed_id = failed[0]["id"]
        admin = system.token("A9", "partner_admin", admin_of=["BE1"])
        assert (await client.post(f"/v1/notifications/{failed_id}/retry", headers=admin)).status_code == 403
        sent_id = by_person["R1"].id
        conflict = await client.post(f"/v1/notifications/{sent_id}/retry", headers=system.staff())
        assert conflict.status_code == 409 and conflict.headers["content-type"] == "application/problem+json"
        missing = await client.post("/v1/notifications/no-such-id/retry", headers=system.staff())
        assert missing.status_code == 404

        # the person fixes their address; staff retry; the mail goes to the address current now
        await feed(runtime, IndividualUpdated(cco_id="R3", name="Gone", email="back@example.com"))
        await eventually(lambda: _recipient_is(client, system, "R3", "back@example.com"))
        retried = await client.post(f"/v1/notifications/{failed_id}/retry", headers=system.staff())
        assert retried.status_code == 200 and retried.json()[0]["status"] == "pending"
        await eventually(lambda: _all_settled(runtime), timeout=30)
        row = next(r for r in await rows(runtime) if r.id == failed_id)
        assert (row.status, row.to_address, row.attempts) == ("sent", "back@example.com", 2)
        assert len(smtp.to("back@example.com")) == 1


async def test_no3_retries_are_bounded_a_mail_refused_4xx_every_time_is_failed_and_listed(system_factory, smtp, feed) -> None:
    smtp.rcpt_replies["full@example.com"] = ["452 4.2.2 Mailbox full"] * 10
    async with system_factory(SERVICE, **smtp.settings(max_attempts=3)) as system:
        runtime, client = system.runtimes["notify"], system.clients["notify"]
        await feed(runtime, IndividualRegistered(cco_id="F1", name="Full", email="full@example.com"))
        await feed(runtime, reminder("F1"), producer="certification")
        await eventually(lambda: _all_settled(runtime), timeout=30)
        [row] = await rows(runtime)
        assert (row.status, row.attempts) == ("failed", 3)
        assert row.last_error.startswith("gave up after 3 attempts") and "452" in row.last_error
        assert smtp.to("full@example.com") == []
        failed = (await client.get("/v1/notifications", params={"status": "failed"}, headers=system.staff())).json()
        assert [n["recipient"] for n in failed] == ["F1"]


async def test_no3_crash_between_smtp_and_record_resends_same_message_id(system_factory, smtp, feed) -> None:
    settings = smtp.settings(sending_lease_seconds=1.5)
    smtp.hold_data.set()  # the server takes the mail but never says so: we "crash" meanwhile
    async with system_factory(SERVICE, **settings) as system:
        runtime = system.runtimes["notify"]
        url = runtime.settings.database_url
        await feed(runtime, IndividualRegistered(cco_id="K1", name="Kim", email="kim@example.com"))
        await feed(runtime, reminder("K1"), producer="certification")
        await eventually(lambda: _data_seen(smtp), timeout=30)
        [row] = await rows(runtime)
        assert (row.status, row.attempts) == ("sending", 1)  # recorded before the attempt
    # the runtime is stopped while the row is 'sending' (the crash); the server then finishes
    smtp.hold_data.clear()
    assert len(smtp.received) == 1

    async with system_factory(SERVICE, database_urls={"notify": url}, **settings) as system:
        runtime = system.runtimes["notify"]
        [row] = await rows(runtime)
        assert row.status == "sending"  # nobody knows whether the server kept it
        await eventually(lambda: _all_settled(runtime), timeout=30)
        [row] = await rows(runtime)
        assert (row.status, row.attempts) == ("sent", 2)
    # at most one duplicate, in that window only, and with the same Message-ID for the receiver to drop
    copies = smtp.to("kim@example.com")
    assert len(copies) == 2
    assert {c.message["Message-ID"] for c in copies} == {row.message_id}


async def test_no3_without_smtp_server_mails_are_eml_files(system_factory, feed, tmp_path) -> None:
    outbox = tmp_path / "outbox"
    async with system_factory(SERVICE, outbox_dir=str(outbox), sender_poll_interval=0.1) as system:
        runtime, client = system.runtimes["notify"], system.clients["notify"]
        await feed(runtime, IndividualRegistered(cco_id="F1", name="Fay", email="fay@example.com"))
        await feed(runtime, reminder("F1", months=3), producer="certification")
        await eventually(lambda: _all_settled(runtime), timeout=30)
        files = list(outbox.glob("*.eml"))
        assert len(files) == 1
        message = email.message_from_bytes(files[0].read_bytes(), policy=default_policy)
        assert message["To"] == "Fay <fay@example.com>"
        assert message["Subject"] == "Your CCNA certification expires on 1 September 2027 (3-month reminder)"
        [entry] = (await client.get("/v1/notifications", params={"recipient": "fay@example.com"}, headers=system.staff())).json()
        assert entry["transport"] == "file" and entry["status"] == "sent"
        assert entry["message_id"] == message["Message-ID"]


async def test_no2_partner_without_admin_fails_visibly_then_staff_retry_fans_out(system_factory, smtp, feed, applied) -> None:
    async with system_factory(SERVICE, **smtp.settings()) as system:
        runtime, client = system.runtimes["notify"], system.clients["notify"]
        lost = Lost(be_geo_id="BE7", specialization="COLLAB", lost_on=date(2027, 3, 1), blocked_until=date(2028, 9, 1))
        await applied(runtime, await feed(runtime, lost, producer="specialization"))
        [row] = await rows(runtime)
        assert row.status == "failed" and "no partner admin" in row.last_error
        still = await client.post(f"/v1/notifications/{row.id}/retry", headers=system.staff())
        assert still.status_code == 409

        await applied(
            runtime,
            await feed(
                runtime,
                IndividualRegistered(cco_id="N1", name="Nia", email="nia@example.com"),
                AdminAssigned(cco_id="N1", be_geo_id="BE7", role="partner_admin"),
            ),
        )
        retried = await client.post(f"/v1/notifications/{row.id}/retry", headers=system.staff())
        assert retried.status_code == 200 and [n["recipient"] for n in retried.json()] == ["N1"]
        await eventually(lambda: _all_settled(runtime), timeout=30)
        assert [m.message["Subject"] for m in smtp.to("nia@example.com")] == ["COLLAB lost on 1 March 2027"]
        assert {r.status for r in await rows(runtime)} == {"replaced", "sent"}


async def _all_settled(runtime) -> bool:
    found = await rows(runtime)
    return bool(found) and all(r.status in ("sent", "failed", "replaced") for r in found)


async def _data_seen(smtp) -> bool:
    return smtp.data_seen.is_set()


async def _recipient_is(client, system, cco_id: str, address: str) -> bool:
    response = await client.get(f"/v1/recipients/{cco_id}", headers=system.staff())
    return response.status_code == 200 and response.json()["email"] == address
