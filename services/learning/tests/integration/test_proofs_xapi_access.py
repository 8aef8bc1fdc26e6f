"""CL-5 proofs of attendance, xAPI through a real client (tincan), and who may see points (CL-10). Both modes."""

from __future__ import annotations

import asyncio
import uuid

import uvicorn
from sqlalchemy import select
from tincan import Activity, Agent, AgentAccount, RemoteLRS, Statement, Verb

from learning.tables import proof_files
from partnerhub.testing import free_port

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EML = b"From: events@ciscolive.example\r\nDate: Mon, 8 Jun 2026 09:00:00 +0000\r\nSubject: Registration confirmed\r\n\r\nSee you in Las Vegas.\r\n"


async def stored_files(learning) -> dict[str, bytes]:
    """What the proof store (learning's database) keeps: name -> content."""
    async with learning.runtime.db.engine.connect() as conn:
        return {r.name: bytes(r.content) for r in await conn.execute(select(proof_files))}


def proof_form(cco_id: str, spec: str = "ENT", attended: str = "2026-01-20", event: str = "Cisco Live 2026") -> dict[str, str]:
    return {"cco_id": cco_id, "event": event, "specialization": spec, "attended_on": attended}


async def test_cl5_cisco_live_proof_accepted_earns_20_points_retroactively(learning) -> None:
    await learning.today("2026-03-01")
    await learning.join("ivy", "P1", "2025-06-01")
    await learning.period("P1", "SEC", "2026-01-01", "2026-12-31")
    ivy = learning.system.token("ivy", "individual")
    r = await learning.client.post(
        "/v1/proofs", data=proof_form("ivy", "SEC"), files={"file": ("certificate.pdf", PDF, "application/pdf")}, headers=ivy
    )
    assert r.status_code == 201, r.text
    proof = r.json()
    assert proof["status"] == "submitted" and proof["content_type"] == "application/pdf"
    assert await stored_files(learning) == {f"proofs/{proof['proof_id']}.pdf": PDF}
    file = await learning.client.get(f"/v1/proofs/{proof['proof_id']}/file", headers=ivy)
    assert file.status_code == 200 and file.content == PDF and file.headers["content-type"] == "application/pdf"
    assert file.headers["content-disposition"] == 'attachment; filename="certificate.pdf"'
    assert await learning.earned("P1", "SEC") == 0  # nothing before staff accept
    assert (await learning.client.post(f"/v1/proofs/{proof['proof_id']}/accept", headers=ivy)).status_code == 403
    accepted = await learning.client.post(f"/v1/proofs/{proof['proof_id']}/accept", headers=learning.staff)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert await learning.earned("P1", "SEC") == 20  # effective on 2026-01-20, inside the running period
    (entry,) = (await learning.person("ivy"))["items"]
    assert (entry["earned_on"], entry["specializations"], entry["points"]) == ("2026-01-20", ["SEC"], 20)
    again = await learning.client.post(f"/v1/proofs/{proof['proof_id']}/accept", headers=learning.staff)
    assert again.status_code == 409
    # a second proof for the same event (an e-mail this time) earns nothing more
    r = await learning.client.post(
        "/v1/proofs", data=proof_form("ivy", "SEC"), files={"file": ("mail.eml", EML, "message/rfc822")}, headers=ivy
    )
    assert r.status_code == 201 and r.json()["content_type"] == "message/rfc822"
    second = await learning.client.post(f"/v1/proofs/{r.json()['proof_id']}/accept", headers=learning.staff)
    assert second.status_code == 409 and await learning.earned("P1", "SEC") == 20
    # an attendance before the period counts for that earlier period only (CL-9)
    await learning.join("jon", "P1", "2025-06-01")
    r = await learning.client.post(
        "/v1/proofs", data=proof_form("jon", "SEC", attended="2025-06-10", event="Cisco Live 2025"),
        files={"file": ("receipt.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")}, headers=learning.staff,
    )
    await learning.client.post(f"/v1/proofs/{r.json()['proof_id']}/accept", headers=learning.staff)
    assert await learning.earned("P1", "SEC") == 20
    assert (await learning.person("jon"))["total_points"] == 20


async def test_cl5_proofs_refuse_bad_files_and_rejections_earn_nothing(learning) -> None:
    await learning.today("2026-03-01")
    await learning.join("kim", "P1", "2026-01-01")
    await learning.period("P1", "ENT", "2026-01-01", "2026-12-31")
    kim = learning.system.token("kim", "individual")
    post = lambda data, files, headers=kim: learning.client.post("/v1/proofs", data=data, files=files, headers=headers)  # noqa: E731
    exe = await post(proof_form("kim"), {"file": ("cert.pdf", b"MZ\x90\x00evil", "application/pdf")})
    assert exe.status_code == 415 and "PDF, PNG, JPEG" in exe.json()["detail"]
    limit = learning.runtime.settings.proof_max_bytes
    big = await post(proof_form("kim"), {"file": ("big.pdf", b"%PDF-" + b"0" * limit, "application/pdf")})
    assert big.status_code == 413
    assert (await post(proof_form("kim"), {"file": ("e.pdf", b"", "application/pdf")})).status_code == 422
    assert (await post(proof_form("kim", attended="2027-01-01"), {"file": ("c.pdf", PDF, "application/pdf")})).status_code == 422
    assert (await post({"cco_id": "kim"}, {"file": ("c.pdf", PDF, "application/pdf")})).status_code == 422
    assert (await post(proof_form("kim", spec="bad spec!"), {"file": ("c.pdf", PDF, "application/pdf")})).status_code == 422
    other = await post(proof_form("lee"), {"file": ("c.pdf", PDF, "application/pdf")})
    assert other.status_code == 404  # an individual submits only their own; others are not theirs to see
    foreign_admin = learning.system.token("adm", "partner_admin", admin_of=["P2"])
    assert (await post(proof_form("kim"), {"file": ("c.pdf", PDF, "application/pdf")}, foreign_admin)).status_code == 404
    own_admin = learning.system.token("adm", "partner_admin", admin_of=["P1"])
    ok = await post(proof_form("kim"), {"file": ("c.pdf", PDF, "application/pdf")}, own_admin)
    assert ok.status_code == 201
    assert len(await stored_files(learning)) == 1, "refused uploads leave no file behind"
    rejected = await learning.client.post(f"/v1/proofs/{ok.json()['proof_id']}/reject", json={"reason": "blurry"}, headers=learning.staff)
    assert rejected.json()["status"] == "rejected" and rejected.json()["reason"] == "blurry"
    assert await learning.earned("P1") == 0
    assert (await learning.client.post(f"/v1/proofs/{uuid.uuid4()}/accept", headers=learning.staff)).status_code == 404



async def test_xapi_statements_from_the_tincan_client_earn_points_and_replays_are_harmless(learning) -> None:
    await learning.today("2026-03-01")
    await learning.join("zoe", "P1", "2026-01-01")
    await learning.period("P1", "ENT", "2026-01-01", "2026-12-31")
    await learning.activity("VID-7", kind="video", duration_minutes=45)
    await learning.activity("LAB-2", kind="lab", duration_minutes=120)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(learning.runtime.app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(3000):  # up to a minute
            if server.started:
                break
            await asyncio.sleep(0.02)
        assert server.started
        token = learning.lms["Authorization"]
        lrs = RemoteLRS(endpoint=f"http://127.0.0.1:{port}/v1/xapi/", version="1.0.3", auth=token)
        actor = Agent(account=AgentAccount(name="zoe", home_page="https://id.cisco.com"))

        def statement(verb: str, activity: str, sid: str | None = None) -> Statement:
            return Statement(
                id=sid,
                actor=actor,
                verb=Verb(id=f"http://adlnet.gov/expapi/verbs/{verb}"),
                object=Activity(id=f"https://learning.example.com/activities/{activity}"),
                timestamp="2026-02-01T10:00:00+00:00",
            )

        download = statement("downloaded", "VID-7")
        download.verb = Verb(id="http://id.tincanapi.com/verb/downloaded")
        saved = await asyncio.to_thread(lrs.save_statements, [download, statement("completed", "LAB-2")])
        assert saved.success, saved.data
        assert await learning.earned("P1") == 4  # the lab; a downloaded video earns nothing (CL-4)
        sid = str(uuid.uuid4())
        viewed = statement("experienced", "VID-7", sid)
        first = await asyncio.to_thread(lrs.save_statement, viewed)  # PUT ?statementId=
        replay = await asyncio.to_thread(lrs.save_statement, viewed)
        assert first.success and replay.success, (first.data, replay.data)
        assert await learning.earned("P1") == 4 + 1
        # an actor known by mbox: stored (a valid statement), credits nothing (no CCO ID)
        by_mail = statement("completed", "LAB-2")
        by_mail.actor = Agent(mbox="mailto:zoe@example.com")
        stored = await asyncio.to_thread(lrs.save_statement, by_mail)
        assert stored.success, stored.data
        # malformed: 400 with the reason
        bad = statement("completed", "LAB-2")
        bad.actor = Agent(mbox_sha1sum="abc")
        refused = await asyncio.to_thread(lrs.save_statement, bad)
        assert not refused.success and refused.response.status == 400 and "40 hex digits" in str(refused.data)
    finally:
        server.should_exit = True
        await task
    h = {**learning.lms, "X-Experience-API-Version": "1.0.3"}
    assert (await learning.client.post("/v1/xapi/statements", content=b"[{", headers=h)).status_code == 400
    no_version = await learning.client.post("/v1/xapi/statements", json=[], headers=learning.lms)
    assert no_version.status_code == 400 and "X-Experience-API-Version" in no_version.json()["detail"]
    individual = learning.system.token("zoe", "individual")
    assert (await learning.client.post("/v1/xapi/statements", json=[], headers={**individual, "X-Experience-API-Version": "1.0.3"})).status_code == 403
    assert await learning.earned("P1") == 5


async def test_cl10_only_admins_pams_and_staff_see_points(learning) -> None:
    await learning.today("2026-03-01")
    await learning.join("sam", "P1", "2026-01-01")
    await learning.period("P1", "ENT", "2026-01-01", "2026-12-31")
    await learning.activity("C1", duration_minutes=60)
    await learning.complete("sam", "C1", "2026-02-01")
    token = learning.system.token
    who = {
        "staff": (learning.staff, 200, 200),
        "admin of P1": (token("adm1", "partner_admin", admin_of=["P1"]), 200, 200),
        "PAM of P1": (token("pam1", "pam", pam_of=["P1"]), 200, 200),
        "admin of P2": (token("adm2", "partner_admin", admin_of=["P2"]), 404, 404),
        "PAM of P2": (token("pam2", "pam", pam_of=["P2"]), 404, 404),
        "sam himself": (token("sam", "individual"), 403, 403),
        "another individual": (token("tom", "individual"), 403, 403),
        "a system": (token("lms", "system"), 403, 403),
    }
    for name, (headers, partner_status, person_status) in who.items():
        for path in ("/v1/partners/P1/cl-view", "/v1/partners/P1/points"):
            r = await learning.client.get(path, headers=headers)
            assert r.status_code == partner_status, (name, path, r.text)
        r = await learning.client.get("/v1/individuals/sam/points", headers=headers)
        assert r.status_code == person_status, (name, r.text)
    assert (await learning.client.get("/v1/partners/P1/cl-view")).status_code == 401
    # writes: the library is staff's; completions come from systems and staff
    individual = token("sam", "individual")
    admin = token("adm1", "partner_admin", admin_of=["P1"])
    body = {"title": "t", "kind": "video", "duration_minutes": 30, "specializations": ["ENT"]}
    for headers in (individual, admin, learning.lms):
        assert (await learning.client.put("/v1/activities/X", json=body, headers=headers)).status_code == 403
        assert (await learning.client.post("/v1/activities/C1/publish", headers=headers)).status_code == 403
    completion = {"external_id": "z", "cco_id": "sam", "activity_id": "C1", "action": "completed", "occurred_at": "2026-02-01T00:00:00Z"}
    for headers in (individual, admin):
        assert (await learning.client.post("/v1/completions", json=completion, headers=headers)).status_code == 403
    assert (await learning.client.get("/v1/proofs", headers=admin)).status_code == 403
