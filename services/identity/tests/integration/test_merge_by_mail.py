"""The merge link goes by mail to the ID being retired (ID-2): identity and notify together, both modes, real
SMTP (aiosmtpd). Only confirming the mailed link merges; the delivery log never shows the link."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from identity.app import SERVICE as IDENTITY
from notify.app import SERVICE as NOTIFY
from partnerhub.testing import eventually


async def test_id2_merge_link_mailed_to_the_retired_ids_address_confirms_once(system_factory, inbox) -> None:
    async with system_factory(IDENTITY, NOTIFY, start_date="2027-03-01", **inbox.notify_settings()) as system:
        identity, notify, staff = system.clients["identity"], system.clients["notify"], system.staff()
        for cco, name, mail in (("sam", "Sam Engineer", "sam@acme.example"), ("sam.old", "Sam Enginer", "sam+old@acme.example")):
            r = await identity.post("/v1/individuals", json={"cco_id": cco, "name": name, "email": mail}, headers=staff)
            assert r.status_code == 201, r.text

        async def known() -> bool:  # notify learns both addresses from identity's events
            codes = [(await notify.get(f"/v1/recipients/{c}", headers=staff)).status_code for c in ("sam", "sam.old")]
            return codes == [200, 200]

        await eventually(known, timeout=30)
        sam = system.token("sam")
        r = await identity.post("/v1/individuals/sam/merge-requests", json={"retire": "sam.old"}, headers=sam)
        assert r.status_code == 202, r.text

        async def mailed() -> list:
            return inbox.to("sam+old@acme.example")

        (mail,) = await eventually(mailed, timeout=30)
        assert not inbox.to("sam@acme.example")  # the second factor is the retired ID's mailbox
        assert mail["Subject"] == "Confirm merging your CCO ID sam.old into sam"
        assert "ignore this mail" in inbox.text_of(mail)
        link = inbox.link_in(mail)
        assert link.startswith("http://identity.test/ui/merge-confirmation?token=")
        token = parse_qs(urlsplit(link).query)["token"][0]

        # the delivery log shows the mail to staff and systems, never its link
        async def logged() -> list:
            found = (await notify.get("/v1/notifications", params={"kind": "merge_confirmation"}, headers=staff)).json()
            return found if found and found[0]["status"] == "sent" else []

        log = await eventually(logged, timeout=30)
        (entry,) = log
        assert entry["recipient"] == "sam.old" and entry["to_address"] == "sam+old@acme.example"
        assert token not in str(log) and entry["context"]["confirm_url"].startswith("(withheld")

        assert (await identity.get("/v1/individuals/sam.old", headers=staff)).json()["cco_id"] == "sam.old"
        r = await identity.post("/v1/merge-confirmations", json={"token": token})
        assert r.status_code == 200, r.text
        assert (await identity.get("/v1/individuals/sam.old", headers=staff)).json()["cco_id"] == "sam"
        assert (await identity.post("/v1/merge-confirmations", json={"token": token})).status_code == 409

        async def moved() -> bool:  # notify follows the merge: the retired ID's mail now goes to the survivor
            r = await notify.get("/v1/recipients/sam.old", headers=staff)
            return r.json().get("cco_id") == "sam"

        await eventually(moved, timeout=30)
