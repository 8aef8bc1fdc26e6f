"""The xAPI Learning Record Store (xAPI 1.0.3), both modes: every valid statement stored, crediting only as
the rules say (CL-2, CL-4, CL-11), voiding through the ledger (CL-7/CL-8 credits taken back once), reading
back with filters and `more`, documents with ETags, Basic credentials of LMS clients, and the tincan client."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from typing import Any

import uvicorn
from tincan import Activity, Agent, AgentAccount, RemoteLRS, Statement, StatementRef, Verb
from typer.testing import CliRunner

from partnerhub.cli import app as cli_app
from partnerhub.testing import free_port

V = {"X-Experience-API-Version": "1.0.3"}
HOME = "https://id.cisco.com"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def st(actor: dict[str, Any] | None = None, verb: str = COMPLETED, obj: dict[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": actor or {"account": {"homePage": HOME, "name": "zoe"}},
        "verb": {"id": verb},
        "object": obj or {"id": "https://learning.example.com/activities/LAB-2"},
        "timestamp": "2026-02-01T10:00:00Z",
        **more,
    }


def void(target: str) -> dict[str, Any]:
    return st(verb=VOIDED, obj={"objectType": "StatementRef", "id": target}, timestamp="2026-02-02T10:00:00Z")


async def client_credentials(learning, scopes: list[str] | None = None) -> dict[str, str]:
    body: dict[str, Any] = {"name": "Acme LMS"}
    if scopes:
        body["scopes"] = scopes
    r = await learning.client.post("/v1/xapi-clients", json=body, headers=learning.staff)
    assert r.status_code == 201, r.text
    issued = r.json()
    basic = base64.b64encode(f"{issued['key']}:{issued['secret']}".encode()).decode()
    return {"Authorization": f"Basic {basic}", "key": issued["key"], "secret": issued["secret"]}


def basic(creds: dict[str, str]) -> dict[str, str]:
    return {"Authorization": creds["Authorization"], **V}


async def setup(learning) -> None:
    await learning.today("2026-03-01")
    await learning.join("zoe", "P1", "2026-01-01")
    await learning.period("P1", "ENT", "2026-01-01", "2026-12-31")
    await learning.activity("LAB-2", kind="lab", duration_minutes=120)
    await learning.activity("VID-7", kind="video", duration_minutes=45)


async def crediting(learning) -> dict[str, dict[str, Any]]:
    r = await learning.client.get("/v1/xapi-crediting", headers=learning.staff, params={"limit": 1000})
    assert r.status_code == 200, r.text
    return {row["statement_id"]: row for row in r.json()}


async def test_lrs_stores_every_valid_statement_and_credits_only_what_the_rules_allow(learning) -> None:
    """Data 2.4.2/2.4.4: mbox, sha1, openid and Group actors, Agent/Group/SubStatement/StatementRef objects are
    stored; only a library completion by an account whose name is a CCO ID earns (CL-2), a download nothing (CL-4)."""
    await setup(learning)
    lms = await client_credentials(learning)
    sub = {"objectType": "SubStatement", "actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": COMPLETED},
           "object": {"id": "https://learning.example.com/activities/LAB-2"}}
    statements = {
        "earns": st(),
        "mbox": st({"mbox": "mailto:zoe@example.com"}),
        "sha1": st({"mbox_sha1sum": "a" * 40}),
        "openid": st({"openid": "https://openid.example/zoe"}),
        "group": st({"objectType": "Group", "member": [{"mbox": "mailto:zoe@example.com"}]}),
        "agent_object": st(obj={"objectType": "Agent", "mbox": "mailto:b@example.com"}),
        "substatement": st(obj=sub),
        "statement_ref": st(obj={"objectType": "StatementRef", "id": str(uuid.uuid4())}),
        "not_library": st(obj={"id": "https://elsewhere.example/courses/XYZ-9"}),
        "download": st(verb="http://id.tincanapi.com/verb/downloaded", obj={"id": "https://learning.example.com/activities/VID-7"}),
        "not_cco": st({"account": {"homePage": HOME, "name": "no spaces allowed"}}),
    }
    r = await learning.client.post("/v1/xapi/statements", json=list(statements.values()), headers=basic(lms))
    assert r.status_code == 200, r.text
    assert r.json() == [s["id"] for s in statements.values()]
    assert r.headers["X-Experience-API-Version"] == "1.0.3" and r.headers["X-Experience-API-Consistent-Through"]
    assert await learning.earned("P1") == 4  # the lab, once
    seen = await crediting(learning)
    outcome = {name: seen[s["id"]] for name, s in statements.items()}
    assert outcome["earns"]["outcome"] == "earned" and outcome["earns"]["points"] == 4
    for name in ("mbox", "sha1", "openid", "group"):
        assert outcome[name]["outcome"] == "not_credited" and "unknown person" in outcome[name]["reason"]
    assert "not an Activity" in outcome["agent_object"]["reason"] and "not an Activity" in outcome["substatement"]["reason"]
    assert "no published activity 'XYZ-9'" in outcome["not_library"]["reason"]
    assert outcome["download"]["outcome"] == "recorded" and "downloaded does not earn" in outcome["download"]["reason"]
    assert "not a CCO ID" in outcome["not_cco"]["reason"]
    # stored as sent, with what the LRS adds
    got = await learning.client.get("/v1/xapi/statements", params={"statementId": statements["group"]["id"]}, headers=basic(lms))
    assert got.status_code == 200 and got.json()["actor"] == statements["group"]["actor"]
    assert got.json()["authority"]["account"]["name"] == lms["key"] and got.json()["version"] == "1.0.0" and got.json()["stored"]
    # staff only: the crediting view is not a client's
    assert (await learning.client.get("/v1/xapi-crediting", headers=learning.lms)).status_code == 403


async def test_lrs_voiding_a_crediting_statement_takes_the_points_back_once(learning) -> None:
    """Data 2.4.8: a voided statement is only read by voidedStatementId; its points leave the ledger and the
    partner's credits (a negative learning.partner.credited), once, whatever repeats; a voiding statement is never voided."""
    await setup(learning)
    lms = await client_credentials(learning)
    earning = st()
    assert (await learning.client.post("/v1/xapi/statements", json=earning, headers=basic(lms))).status_code == 200
    assert await learning.earned("P1") == 4 and await learning.credit_sum("P1") == 4
    voiding = void(earning["id"])
    assert (await learning.client.post("/v1/xapi/statements", json=voiding, headers=basic(lms))).status_code == 200
    assert await learning.earned("P1") == 0 and await learning.credit_sum("P1") == 0
    again = void(earning["id"])
    assert (await learning.client.post("/v1/xapi/statements", json=[again, voiding], headers=basic(lms))).status_code == 200
    assert await learning.credit_sum("P1") == 0  # not taken back twice
    assert (await learning.client.post("/v1/xapi/statements", json=void(voiding["id"]), headers=basic(lms))).status_code == 200
    assert await learning.credit_sum("P1") == 0  # voiding the voiding statement restores nothing
    single = await learning.client.get("/v1/xapi/statements", params={"statementId": earning["id"]}, headers=basic(lms))
    assert single.status_code == 404 and single.headers["X-Experience-API-Version"] == "1.0.3"
    voided = await learning.client.get("/v1/xapi/statements", params={"voidedStatementId": earning["id"]}, headers=basic(lms))
    assert voided.status_code == 200 and voided.json()["id"] == earning["id"]
    seen = await crediting(learning)
    assert seen[earning["id"]]["outcome"] == "voided" and "4 points taken back" in seen[earning["id"]]["reason"]
    # the activity can be earned again afterwards, by a new completion
    assert (await learning.client.post("/v1/xapi/statements", json=st(), headers=basic(lms))).status_code == 200
    assert await learning.earned("P1") == 4
    # a statement and its voiding in one request
    await learning.activity("LAB-3", kind="lab", duration_minutes=60)
    lab3 = st(obj={"id": "https://learning.example.com/activities/LAB-3"})
    assert (await learning.client.post("/v1/xapi/statements", json=[lab3, void(lab3["id"])], headers=basic(lms))).status_code == 200
    assert await learning.earned("P1") == 4 and await learning.credit_sum("P1") == 4
    # the voiding statement first, its target later: stored voided, credits nothing
    await learning.activity("LAB-4", kind="lab", duration_minutes=60)
    lab4 = st(obj={"id": "https://learning.example.com/activities/LAB-4"})
    assert (await learning.client.post("/v1/xapi/statements", json=void(lab4["id"]), headers=basic(lms))).status_code == 200
    assert (await learning.client.post("/v1/xapi/statements", json=lab4, headers=basic(lms))).status_code == 200
    assert await learning.earned("P1") == 4 and await learning.credit_sum("P1") == 4
    late = await learning.client.get("/v1/xapi/statements", params={"voidedStatementId": lab4["id"]}, headers=basic(lms))
    assert late.status_code == 200 and "arrived first" in (await crediting(learning))[lab4["id"]]["reason"]


async def test_lrs_get_statements_filters_more_and_head(learning) -> None:
    """Communication 2.1.3: agent, verb, activity, registration, related_*, since/until, ascending, limit and
    `more`; HEAD answers as GET without a body; the xAPI headers on every answer, errors included."""
    await setup(learning)
    lms = await client_credentials(learning)
    h = basic(lms)
    reg = str(uuid.uuid4())
    ann = {"mbox": "mailto:ann@example.com"}
    a = st(ann, obj={"id": "http://x.example/a"}, context={"registration": reg})
    b = st(ann, verb="http://x.example/verbs/liked", obj={"id": "http://x.example/b"},
           context={"contextActivities": {"parent": {"id": "http://x.example/a"}}, "instructor": {"mbox": "mailto:i@example.com"}})
    c = st(obj={"objectType": "Agent", **ann})
    first = await learning.client.post("/v1/xapi/statements", json=[a], headers=h)
    since = first.headers["X-Experience-API-Consistent-Through"]
    await asyncio.sleep(0.01)
    assert (await learning.client.post("/v1/xapi/statements", json=[b, c], headers=h)).status_code == 200

    async def ids(**params: str) -> list[str]:
        r = await learning.client.get("/v1/xapi/statements", params=params, headers=h)
        assert r.status_code == 200, r.text
        return [s["id"] for s in r.json()["statements"]]

    agent = json.dumps(ann)
    assert set(await ids(agent=agent)) == {a["id"], b["id"], c["id"]}  # actor or object
    assert await ids(agent=json.dumps({"mbox": "mailto:i@example.com"})) == []
    assert await ids(agent=json.dumps({"mbox": "mailto:i@example.com"}), related_agents="true") == [b["id"]]
    assert await ids(verb="http://x.example/verbs/liked") == [b["id"]]
    assert await ids(activity="http://x.example/a") == [a["id"]]
    assert set(await ids(activity="http://x.example/a", related_activities="true")) == {a["id"], b["id"]}
    assert await ids(registration=reg) == [a["id"]]
    assert a["id"] not in await ids(agent=agent, since=since)
    assert await ids(agent=agent, until=since) == [a["id"]]
    assert (await ids(agent=agent, ascending="true"))[0] == a["id"]
    page = await learning.client.get("/v1/xapi/statements", params={"agent": agent, "limit": "2"}, headers=h)
    assert len(page.json()["statements"]) == 2 and page.json()["more"].startswith("/v1/xapi/statements?more=")
    rest = await learning.client.get(page.json()["more"], headers=h)
    assert len(rest.json()["statements"]) == 1 and rest.json()["more"] == ""
    head = await learning.client.head("/v1/xapi/statements", params={"statementId": a["id"]}, headers=h)
    assert head.status_code == 200 and head.content == b"" and head.headers["X-Experience-API-Version"] == "1.0.3"
    # the spec's status codes, each with the xAPI headers
    for r, status in [
        (await learning.client.get("/v1/xapi/statements", params={"statementId": "nope"}, headers=h), 400),
        (await learning.client.get("/v1/xapi/statements", params={"statementId": a["id"], "verb": COMPLETED}, headers=h), 400),
        (await learning.client.get("/v1/xapi/statements", params={"unknown": "1"}, headers=h), 400),
        (await learning.client.get("/v1/xapi/statements", params={"agent": "{\"name\": \"x\"}"}, headers=h), 400),
        (await learning.client.get("/v1/xapi/statements", params={"statementId": a["id"]}, headers={"Authorization": lms["Authorization"]}), 400),
        (await learning.client.get("/v1/xapi/statements", params={"statementId": str(uuid.uuid4())}, headers=h), 404),
        (await learning.client.get("/v1/xapi/statements", headers=V), 401),
        (await learning.client.post("/v1/xapi/statements", json=st(actor={"name": "no id"}), headers=h), 400),
        (await learning.client.post("/v1/xapi/statements", json={**a, "verb": {"id": COMPLETED + "/other"}}, headers=h), 409),
    ]:
        assert r.status_code == status, (status, r.text)
        assert r.headers["X-Experience-API-Version"] == "1.0.3" and "X-Experience-API-Consistent-Through" in r.headers
    # a replay of the same statement is harmless (200/204), and stores nothing new
    assert (await learning.client.post("/v1/xapi/statements", json=a, headers=h)).status_code == 200
    assert (await learning.client.put("/v1/xapi/statements", params={"statementId": a["id"]}, json=a, headers=h)).status_code == 204
    assert set(await ids(agent=agent)) == {a["id"], b["id"], c["id"]}
    about = await learning.client.get("/v1/xapi/about")
    assert about.status_code == 200 and "1.0.3" in about.json()["version"] and about.headers["X-Experience-API-Version"]
    person = await learning.client.get("/v1/xapi/agents", params={"agent": agent}, headers=h)
    assert person.json() == {"objectType": "Person", "mbox": [ann["mbox"]]}


async def test_lrs_cl9_future_statements_are_refused_whole_and_store_nothing(learning) -> None:
    """CL-9: a statement dated after today's business date is a 422 (the one deliberate departure from the
    spec's 200), and the request's other statements are not stored either."""
    await setup(learning)
    lms = await client_credentials(learning)
    fine, future = st(), st(timestamp="2026-03-05T10:00:00Z")
    r = await learning.client.post("/v1/xapi/statements", json=[fine, future], headers=basic(lms))
    assert r.status_code == 422 and r.json()["index"] == 1 and r.headers["X-Experience-API-Version"] == "1.0.3"
    got = await learning.client.get("/v1/xapi/statements", params={"statementId": fine["id"]}, headers=basic(lms))
    assert got.status_code == 404 and await learning.earned("P1") == 0


async def test_lrs_basic_credentials_issued_listed_and_revoked_by_staff_only(learning) -> None:
    """Secrets are shown once and kept hashed; a revoked client gets 401; scopes limit a client (403);
    only program staff manage clients; bearer tokens keep working."""
    await setup(learning)
    lms = await client_credentials(learning)
    listed = await learning.client.get("/v1/xapi-clients", headers=learning.staff)
    assert [c["key"] for c in listed.json()] == [lms["key"]] and lms["secret"] not in listed.text
    async with learning.runtime.db.engine.connect() as conn:
        from sqlalchemy import select

        from learning.tables import xapi_clients

        stored = (await conn.execute(select(xapi_clients))).one()
    assert lms["secret"] not in json.dumps(list(stored), default=str)
    for who in (learning.lms, learning.system.token("zoe", "individual")):
        assert (await learning.client.post("/v1/xapi-clients", json={"name": "x"}, headers=who)).status_code == 403
    wrong = base64.b64encode(f"{lms['key']}:not-the-secret".encode()).decode()
    assert (await learning.client.get("/v1/xapi/statements", headers={"Authorization": f"Basic {wrong}", **V})).status_code == 401
    reader = await client_credentials(learning, ["statements/read"])
    refused = await learning.client.post("/v1/xapi/statements", json=st(), headers=basic(reader))
    assert refused.status_code == 403 and await learning.earned("P1") == 0
    assert (await learning.client.get("/v1/xapi/statements", headers=basic(reader))).status_code == 200
    assert (await learning.client.post("/v1/xapi/statements", json=st(), headers={**learning.lms, **V})).status_code == 200
    # statements/read/mine: a client reads back only what it stored itself
    own = await client_credentials(learning, ["statements/write", "statements/read/mine"])
    mine, theirs = st(), st()
    assert (await learning.client.post("/v1/xapi/statements", json=mine, headers=basic(own))).status_code == 200
    assert (await learning.client.post("/v1/xapi/statements", json=theirs, headers=basic(lms))).status_code == 200
    seen = await learning.client.get("/v1/xapi/statements", headers=basic(own))
    assert [s["id"] for s in seen.json()["statements"]] == [mine["id"]]
    hidden = await learning.client.get("/v1/xapi/statements", params={"statementId": theirs["id"]}, headers=basic(own))
    assert hidden.status_code == 404
    everything = await learning.client.get("/v1/xapi/statements", headers=basic(lms))
    assert {mine["id"], theirs["id"]} <= {s["id"] for s in everything.json()["statements"]}
    assert (await learning.client.delete(f"/v1/xapi-clients/{lms['key']}", headers=learning.staff)).status_code == 204
    assert (await learning.client.get("/v1/xapi/statements", headers=basic(lms))).status_code == 401
    assert (await learning.client.delete("/v1/xapi-clients/lrs-unknown", headers=learning.staff)).status_code == 404


async def test_lrs_documents_state_and_profiles_with_etags(learning) -> None:
    """Communication 2.3-2.7: State (PUT, POST merging JSON, GET one and ids, DELETE), profiles guarded by
    If-Match / If-None-Match (412), a PUT over an existing profile without either is a 409."""
    await setup(learning)
    h = basic(await client_credentials(learning))
    agent = json.dumps({"mbox": "mailto:ann@example.com"})
    state = {"activityId": "http://x.example/a", "agent": agent, "stateId": "bookmark"}
    put = await learning.client.put("/v1/xapi/activities/state", params=state, json={"page": 3}, headers=h)
    assert put.status_code == 204
    assert (await learning.client.post("/v1/xapi/activities/state", params=state, json={"seen": True}, headers=h)).status_code == 204
    got = await learning.client.get("/v1/xapi/activities/state", params=state, headers=h)
    assert got.json() == {"page": 3, "seen": True} and got.headers["ETag"]
    ids = await learning.client.get("/v1/xapi/activities/state", params={k: v for k, v in state.items() if k != "stateId"}, headers=h)
    assert ids.json() == ["bookmark"]
    assert (await learning.client.post("/v1/xapi/activities/state", params=state, content=b"text", headers={**h, "Content-Type": "text/plain"})).status_code == 400
    assert (await learning.client.delete("/v1/xapi/activities/state", params=state, headers=h)).status_code == 204
    assert (await learning.client.get("/v1/xapi/activities/state", params=state, headers=h)).status_code == 404
    assert (await learning.client.get("/v1/xapi/activities/state", params={"activityId": "http://x.example/a", "stateId": "s"}, headers=h)).status_code == 400
    profile = {"activityId": "http://x.example/a", "profileId": "p1"}
    first = await learning.client.put("/v1/xapi/activities/profile", params=profile, json={"v": 1}, headers={**h, "If-None-Match": "*"})
    assert first.status_code == 204
    etag = (await learning.client.get("/v1/xapi/activities/profile", params=profile, headers=h)).headers["ETag"]
    assert (await learning.client.put("/v1/xapi/activities/profile", params=profile, json={"v": 2}, headers=h)).status_code == 409
    assert (await learning.client.put("/v1/xapi/activities/profile", params=profile, json={"v": 2}, headers={**h, "If-None-Match": "*"})).status_code == 412
    assert (await learning.client.put("/v1/xapi/activities/profile", params=profile, json={"v": 2}, headers={**h, "If-Match": '"bad"'})).status_code == 412
    assert (await learning.client.put("/v1/xapi/activities/profile", params=profile, json={"v": 2}, headers={**h, "If-Match": etag})).status_code == 204
    assert (await learning.client.get("/v1/xapi/activities/profile", params=profile, headers=h)).json() == {"v": 2}
    agent_profile = {"agent": agent, "profileId": "prefs"}
    assert (await learning.client.put("/v1/xapi/agents/profile", params=agent_profile, json={"lang": "nl"}, headers=h)).status_code == 204
    assert (await learning.client.get("/v1/xapi/agents/profile", params={"agent": agent}, headers=h)).json() == ["prefs"]


async def test_lrs_tincan_remote_lrs_saves_retrieves_queries_voids_and_reads_about(learning) -> None:
    """The `tincan` client, as an LMS uses it, with Basic credentials against a live server; the credentials
    issued, listed and revoked with `partnerhub lrs-clients`."""
    await setup(learning)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(learning.runtime.app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(3000):
            if server.started:
                break
            await asyncio.sleep(0.02)
        assert server.started
        staff_token = learning.staff["Authorization"].split(" ", 1)[1]
        cli = ["--url", f"http://127.0.0.1:{port}", "--token", staff_token]
        issued = await asyncio.to_thread(CliRunner().invoke, cli_app, ["lrs-clients", "issue", "Acme LMS", *cli])
        assert issued.exit_code == 0, issued.output
        lines = dict(line.split(None, 1) for line in issued.output.splitlines())
        assert lines["endpoint"] == f"http://127.0.0.1:{port}/v1/xapi/"
        creds = {"key": lines["key"], "secret": lines["secret"].split()[0]}
        lrs = RemoteLRS(endpoint=f"http://127.0.0.1:{port}/v1/xapi/", version="1.0.3",
                        username=creds["key"], password=creds["secret"])
        about = await asyncio.to_thread(lrs.about)
        assert about.success and "1.0.3" in about.content.version
        actor = Agent(account=AgentAccount(name="zoe", home_page=HOME))
        lab = Statement(id=str(uuid.uuid4()), actor=actor, verb=Verb(id=COMPLETED),
                        object=Activity(id="https://learning.example.com/activities/LAB-2"),
                        timestamp="2026-02-01T10:00:00+00:00")
        other = Statement(id=str(uuid.uuid4()), actor=Agent(mbox="mailto:zoe@example.com"), verb=Verb(id=COMPLETED),
                          object=Activity(id="https://learning.example.com/activities/LAB-2"),
                          timestamp="2026-02-01T11:00:00+00:00")
        saved = await asyncio.to_thread(lrs.save_statements, [lab, other])
        assert saved.success, saved.data
        assert await learning.earned("P1") == 4
        got = await asyncio.to_thread(lrs.retrieve_statement, str(lab.id))
        assert got.success and str(got.content.id) == str(lab.id) and got.content.actor.account.name == "zoe"
        query = await asyncio.to_thread(lrs.query_statements, {"verb": Verb(id=COMPLETED), "limit": 1})
        assert query.success and len(query.content.statements) == 1 and query.content.more
        more = await asyncio.to_thread(lrs.more_statements, query.content)
        assert more.success and len(more.content.statements) == 1
        voiding = Statement(actor=actor, verb=Verb(id=VOIDED), object=StatementRef(id=str(lab.id)),
                            timestamp="2026-02-02T10:00:00+00:00")
        assert (await asyncio.to_thread(lrs.save_statement, voiding)).success
        assert await learning.earned("P1") == 0
        voided = await asyncio.to_thread(lrs.retrieve_voided_statement, str(lab.id))
        assert voided.success and str(voided.content.id) == str(lab.id)
        assert not (await asyncio.to_thread(lrs.retrieve_statement, str(lab.id))).success
        listed = await asyncio.to_thread(CliRunner().invoke, cli_app, ["lrs-clients", "list", *cli])
        assert creds["key"] in listed.output and creds["secret"] not in listed.output and "active" in listed.output
        revoked = await asyncio.to_thread(CliRunner().invoke, cli_app, ["lrs-clients", "revoke", creds["key"], *cli])
        assert revoked.exit_code == 0, revoked.output
        after = await asyncio.to_thread(lrs.about)  # /about needs no credentials; statements now do
        assert after.success and (await asyncio.to_thread(lrs.retrieve_statement, str(other.id))).response.status == 401
    finally:
        server.should_exit = True
        await task
