"""The actor table (DOMAIN.md) on every operation of every service, generated from their OpenAPI.

Every operation the five services publish must have a row here (a new endpoint without one
fails the test), and every row is called as each actor:

- ``anonymous``; ``ivy``, an individual member of P who granted P's admins access (ID-4);
  ``max``, a member of P who did not; ``admin_p`` (admin of P); ``admin_q`` (admin of Q);
  ``pam_p`` (PAM of P only); ``mixed`` (admin of Q *and* PAM of P: the claim mix that once made
  a PAM an admin); ``staff``; ``system``.

The objects asked for belong to partner P, or to ivy (a member of P). A cell says the status:
an allowed caller gets its 2xx (or the exact rule answer after authorization, e.g. 409 for a
second application), another partner's admin or PAM gets 404 (as if absent), a caller without
the right gets 403, no token 401. Refused writes run first and the databases of the service are
compared before and after them: a refused write changes nothing.

All five services run together, in both modes (standalone; PostgreSQL and RabbitMQ).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from partnerhub.registry import discover
from partnerhub.testing import bearer, eventually

P, Q = "100001", "100002"
TODAY = "2026-03-01"
ACTORS = ("anonymous", "ivy", "max", "admin_q", "pam_p", "mixed", "system", "admin_p", "staff")
SIGNED_IN = ACTORS[1:]
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def cells(allowed: dict[str, int] | None = None, *, hidden: tuple[str, ...] = ("admin_q",), public: bool = False) -> dict[str, int]:
    """Status per actor: ``allowed`` as given; 404 for ``hidden``; 401 without a token; 403 else."""
    allowed = allowed or {}
    out = {}
    for actor in ACTORS:
        if actor in allowed:
            out[actor] = allowed[actor]
        elif actor == "anonymous":
            out[actor] = 200 if public else 401
        elif actor in hidden:
            out[actor] = 404
        else:
            out[actor] = 403
    return out


def everyone(status: int = 200) -> dict[str, int]:
    return cells({a: status for a in SIGNED_IN}, hidden=())


PARTNER_SEERS = ("staff", "system", "admin_p", "pam_p", "mixed")
POINT_SEERS = ("staff", "admin_p", "pam_p", "mixed")
NOT_IVYS = ("max", "admin_q", "pam_p", "mixed")  # may not see ivy: as if she did not exist


@dataclass
class Op:
    status: dict[str, int]
    path: str = ""  # default: the template itself
    body: Callable[[], Any] | None = None
    files: Callable[[], Any] | None = None
    data: Callable[[], Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    before: Callable[[Any], Awaitable[None]] | None = None  # run before each allowed call


def platform_ops() -> dict[tuple[str, str], Op]:
    public = cells(public=True, hidden=())
    return {
        ("GET", "/healthz"): Op({a: 200 for a in public}),
        ("GET", "/readyz"): Op({a: 200 for a in public}),
        ("GET", "/metrics"): Op({a: 200 for a in public}),
        ("GET", "/asyncapi.json"): Op({a: 200 for a in public}),
        ("GET", "/v1/admin/today"): Op(everyone()),
        # the same date: a move of zero days, allowed to staff only
        ("PUT", "/v1/admin/today"): Op(cells({"staff": 200}, hidden=()), body=lambda: {"date": TODAY}),
    }


def identity_ops() -> dict[tuple[str, str], Op]:
    def person() -> dict[str, Any]:
        n = _n()
        return {"cco_id": f"new{n}", "name": "New Person", "email": f"new{n}@example.com"}

    async def rejoin(w: World) -> None:
        await w.call("identity", "PUT", f"/v1/partners/{P}/members/tmp1", w.staff)

    async def plan_leave(w: World) -> None:
        await rejoin(w)
        await w.call("identity", "DELETE", f"/v1/partners/{P}/members/tmp1?on=2026-12-31", w.staff)

    async def duplicates(w: World) -> None:
        n = _n()
        for cco in (f"dup{n}a", f"dup{n}b"):
            await w.call("identity", "POST", "/v1/individuals", w.staff, {"cco_id": cco, "name": "Dup", "email": f"d{n}@example.com"})
        w.last_dup = n

    async def ivys_duplicate(w: World) -> None:
        """ivy.dup: ivy under a second CCO ID with her address, a duplicate the ID-5 rule finds (ID-2 requests)."""
        if "IVYDUP" not in w.ids:
            await w.call("identity", "POST", "/v1/individuals", w.staff, {"cco_id": "ivy.dup", "name": "Ivy", "email": "ivy@example.com"})
            w.ids["IVYDUP"] = "ivy.dup"

    return {
        ("POST", "/v1/individuals"): Op(cells({"staff": 201, "system": 201}, hidden=()), body=person),
        # Partner Self-Service: associations are part of the profile; duplicates and merge requests are her own
        ("GET", "/v1/individuals/{cco_id}/associations"): Op(
            cells({a: 200 for a in ("staff", "system", "ivy", "admin_p")}, hidden=NOT_IVYS), path="/v1/individuals/ivy/associations"
        ),
        ("GET", "/v1/individuals/{cco_id}/duplicates"): Op(
            cells({"staff": 200, "ivy": 200}, hidden=NOT_IVYS), path="/v1/individuals/ivy/duplicates"
        ),
        ("GET", "/v1/individuals/{cco_id}/merge-requests"): Op(
            cells({"staff": 200, "ivy": 200}, hidden=NOT_IVYS), path="/v1/individuals/ivy/merge-requests"
        ),
        ("POST", "/v1/individuals/{cco_id}/merge-requests"): Op(
            cells({"staff": 202, "ivy": 202}, hidden=NOT_IVYS), path="/v1/individuals/ivy/merge-requests",
            body=lambda: {"retire": "IVYDUP"}, before=ivys_duplicate,
        ),
        # no sign-in (the mailed token is the credential): an unknown token is 404 to everyone, and changes nothing
        ("POST", "/v1/merge-confirmations"): Op({a: 404 for a in ACTORS}, body=lambda: {"token": "x" * 43}),
        ("GET", "/v1/individuals/{cco_id}"): Op(
            cells({a: 200 for a in ("staff", "system", "ivy", "admin_p")}, hidden=NOT_IVYS), path="/v1/individuals/ivy"
        ),
        ("PATCH", "/v1/individuals/{cco_id}"): Op(
            cells({"staff": 200, "ivy": 200}, hidden=NOT_IVYS), path="/v1/individuals/ivy", body=lambda: {"name": "Ivy Ng"}
        ),
        ("POST", "/v1/individuals/{cco_id}/merge"): Op(
            cells({"staff": 200}, hidden=()), path="/v1/individuals/dupXa/merge", body=lambda: {"retire": ["dupXb"]}, before=duplicates
        ),
        # revoking first, then granting, leaves ivy's grant in force
        ("DELETE", "/v1/individuals/{cco_id}/grants/{be_geo_id}"): Op(
            cells({"staff": 204, "ivy": 204}, hidden=NOT_IVYS), path=f"/v1/individuals/ivy/grants/{P}"
        ),
        ("PUT", "/v1/individuals/{cco_id}/grants/{be_geo_id}"): Op(
            cells({"staff": 200, "ivy": 200}, hidden=NOT_IVYS), path=f"/v1/individuals/ivy/grants/{P}"
        ),
        ("POST", "/v1/partners"): Op(
            cells({"staff": 201, "system": 201}, hidden=()),
            body=lambda: {"be_geo_id": f"9{_n():05d}", "name": "New", "country": "NL"},
        ),
        ("GET", "/v1/partners/{be_geo_id}"): Op(cells({a: 200 for a in PARTNER_SEERS}), path=f"/v1/partners/{P}"),
        ("GET", "/v1/partners/{be_geo_id}/members"): Op(
            cells({a: 200 for a in ("staff", "system", "admin_p")}), path=f"/v1/partners/{P}/members"
        ),
        ("PUT", "/v1/partners/{be_geo_id}/members/{cco_id}"): Op(
            cells({a: 200 for a in ("staff", "system", "admin_p")}), path=f"/v1/partners/{P}/members/tmp1"
        ),
        ("DELETE", "/v1/partners/{be_geo_id}/members/{cco_id}"): Op(
            cells({a: 204 for a in ("staff", "system", "admin_p")}), path=f"/v1/partners/{P}/members/tmp1", before=rejoin
        ),
        # cancelling a planned leave manages members (MANAGE_MEMBERS), like ending one
        ("DELETE", "/v1/partners/{be_geo_id}/members/{cco_id}/planned-leave"): Op(
            cells({a: 204 for a in ("staff", "system", "admin_p")}), path=f"/v1/partners/{P}/members/tmp1/planned-leave",
            before=plan_leave,
        ),
        ("GET", "/v1/partners/{be_geo_id}/admins"): Op(cells({a: 200 for a in PARTNER_SEERS}), path=f"/v1/partners/{P}/admins"),
        # the escalation: PAM of P (mixed is also admin of Q) never makes anyone P's admin
        ("PUT", "/v1/partners/{be_geo_id}/admins/{cco_id}"): Op(
            cells({"staff": 200, "admin_p": 200}), path=f"/v1/partners/{P}/admins/tmp2"
        ),
        ("DELETE", "/v1/partners/{be_geo_id}/admins/{cco_id}"): Op(
            cells({"staff": 204, "admin_p": 204}), path=f"/v1/partners/{P}/admins/tmp2"
        ),
        ("PUT", "/v1/pams/{cco_id}/partners/{be_geo_id}"): Op(cells({"staff": 200}), path=f"/v1/pams/tmp2/partners/{P}"),
        ("DELETE", "/v1/pams/{cco_id}/partners/{be_geo_id}"): Op(cells({"staff": 204}), path=f"/v1/pams/tmp2/partners/{P}"),
        ("GET", "/v1/duplicates"): Op(cells({"staff": 200}, hidden=())),
        # dev and test only (404 when switched off, refused in production): anyone may mint
        ("POST", "/v1/dev/tokens"): Op({a: 200 for a in ACTORS}, body=lambda: {"sub": "ivy"}),
    }


def certification_ops() -> dict[tuple[str, str], Op]:
    def result() -> dict[str, Any]:
        return {"external_id": f"r{_n()}", "cco_id": "max", "exam_number": "E1", "taken_on": "2026-02-02", "passed": False}

    writers = cells({"staff": 201, "system": 201}, hidden=())
    public = {a: 200 for a in ACTORS}

    async def certificate_ids(w: World) -> None:
        """ivy's certificate number and the signing key's id, once her agreement issued the certificate."""
        r = await w.call("certification", "GET", "/v1/individuals/ivy/certifications", w.staff)
        (c1,) = [c for c in r.json()["certifications"] if c["certification"] == "C1"]
        w.ids["CERT"] = c1["certificate"]["number"]
        jwks = (await w.call("certification", "GET", "/.well-known/jwks.json", {})).json()
        w.ids["KID"] = jwks["keys"][0]["kid"].rsplit("/", 1)[-1]
    return {
        ("PUT", "/v1/exams/{number}"): Op(cells({"staff": 200}, hidden=()), path="/v1/exams/E1", body=lambda: {"title": "Exam one"}),
        ("GET", "/v1/exams/{number}"): Op(everyone(), path="/v1/exams/E1"),
        ("GET", "/v1/exams"): Op(everyone()),
        ("PUT", "/v1/certifications/{code}"): Op(
            cells({"staff": 200}, hidden=()),
            path="/v1/certifications/C1",
            body=lambda: {"name": "Cert one", "kind": "associate", "required_exams": [["E1"]]},
        ),
        ("GET", "/v1/certifications/{code}"): Op(everyone(), path="/v1/certifications/C1"),
        ("GET", "/v1/certifications"): Op(everyone()),
        ("POST", "/v1/exam-results"): Op(writers, body=result),
        ("POST", "/v1/exam-results/imports"): Op(
            cells({"staff": 202, "system": 202}, hidden=()),
            files=lambda: {"file": ("r.csv", f"external_id,cco_id,exam_number,taken_on,passed\ni{_n()},max,E1,2026-02-03,false\n".encode(), "text/csv")},
        ),
        ("GET", "/v1/exam-results/imports/{import_id}"): Op(cells({"staff": 200, "system": 200}, hidden=()), path="/v1/exam-results/imports/IMPORT"),
        ("GET", "/v1/exam-results/imports/{import_id}/errors"): Op(
            cells({"staff": 200, "system": 200}, hidden=()), path="/v1/exam-results/imports/IMPORT/errors"
        ),
        ("GET", "/v1/exam-results/imports/{import_id}/warnings"): Op(
            cells({"staff": 200, "system": 200}, hidden=()), path="/v1/exam-results/imports/IMPORT/warnings"
        ),
        ("POST", "/v1/individuals/{cco_id}/agreements"): Op(
            cells({"ivy": 201, "system": 200, "staff": 200}, hidden=NOT_IVYS + ("admin_p",)),
            path="/v1/individuals/ivy/agreements",
            body=lambda: {"version": "2026"},
        ),
        ("GET", "/v1/individuals/{cco_id}/certifications"): Op(
            cells({a: 200 for a in ("ivy", "staff", "admin_p")}, hidden=NOT_IVYS + ("system",)),
            path="/v1/individuals/ivy/certifications",
        ),
        # CE-3: after ivy signed (above); who sees her certificates (CE-11: admin_p because she granted P)
        ("GET", "/v1/individuals/{cco_id}/certifications/{code}/certificate"): Op(
            cells({a: 200 for a in ("ivy", "staff", "admin_p")}, hidden=NOT_IVYS + ("system",)),
            path="/v1/individuals/ivy/certifications/C1/certificate", before=certificate_ids,
        ),
        ("GET", "/v1/individuals/{cco_id}/certifications/{code}/credential"): Op(
            cells({a: 200 for a in ("ivy", "staff", "admin_p")}, hidden=NOT_IVYS + ("system",)),
            path="/v1/individuals/ivy/certifications/C1/credential",
        ),
        # anyone may verify, signed in or not; nothing of the person in the answer
        ("GET", "/.well-known/jwks.json"): Op(public),
        ("GET", "/v1/credentials/keys/{kid}"): Op(public, path="/v1/credentials/keys/KID"),
        ("POST", "/v1/verifications"): Op(public, body=lambda: {"certificate_number": "CERT"}),
        ("GET", "/v1/certificates/{number}/verification"): Op(public, path="/v1/certificates/CERT/verification"),
        ("PUT", "/v1/certificates/{number}/revocation"): Op(
            cells({"staff": 201}, hidden=()), path="/v1/certificates/CERT/revocation", body=lambda: {"reason": "matrix"}
        ),
        ("GET", "/v1/individuals/{cco_id}/exam-history"): Op(
            cells({a: 200 for a in ("ivy", "staff", "admin_p")}, hidden=NOT_IVYS), path="/v1/individuals/ivy/exam-history"
        ),
        ("GET", "/v1/partners/{be_geo_id}/certifications"): Op(
            cells({a: 200 for a in PARTNER_SEERS}), path=f"/v1/partners/{P}/certifications"
        ),
    }


def learning_ops() -> dict[tuple[str, str], Op]:
    statement = lambda: {  # noqa: E731 (no id: the LRS gives one; PUT names it; a null id is malformed xAPI)
        "actor": {"account": {"name": "ivy", "homePage": "https://id.cisco.com"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "https://learning.example.com/activities/A1"},
        "timestamp": "2026-02-10T10:00:00+00:00",
    }
    xapi = {"X-Experience-API-Version": "1.0.3"}
    agent = "%7B%22mbox%22%3A%22mailto%3Aivy%40example.com%22%7D"
    activity_iri = "https%3A%2F%2Flearning.example.com%2Factivities%2FA1"
    documents = {
        "/activities/state": f"activityId={activity_iri}&agent={agent}&stateId=bookmark",
        "/activities/profile": f"activityId={activity_iri}&profileId=p1",
        "/agents/profile": f"agent={agent}&profileId=p1",
    }

    def lrs_users(status: int) -> dict[str, int]:
        return cells({"staff": status, "system": status}, hidden=())

    def document(doc: str, query: str) -> Callable[[Any], Awaitable[None]]:
        async def exists(w: World) -> None:  # a PUT with If-Match: * replaces a document that is there
            await w.call("learning", "POST", f"/v1/xapi{doc}?{query}", {**w.staff, **xapi}, {"seen": False})
        return exists

    async def lrs_client(w: World) -> None:
        w.ids["LRSKEY"] = (await w.call("learning", "POST", "/v1/xapi-clients", w.staff, {"name": "To revoke"})).json()["key"]
    proof = lambda: {"cco_id": "ivy", "event": "Cisco Live", "specialization": "S1", "attended_on": "2026-02-01"}  # noqa: E731
    activity = {"title": "Course one", "kind": "online_course", "duration_minutes": 60, "specializations": ["S1"]}
    return {
        ("GET", "/v1/activities"): Op(everyone()),
        ("GET", "/v1/activities/drafts"): Op(cells({"staff": 200}, hidden=())),
        ("PUT", "/v1/activities/{activity_id}"): Op(cells({"staff": 200}, hidden=()), path="/v1/activities/A2", body=lambda: activity),
        ("GET", "/v1/activities/{activity_id}"): Op(everyone(), path="/v1/activities/A1"),
        ("POST", "/v1/activities/{activity_id}/publish"): Op(cells({"staff": 200}, hidden=()), path="/v1/activities/A2/publish"),
        ("POST", "/v1/completions"): Op(
            cells({"staff": 201, "system": 201}, hidden=()),
            body=lambda: {"external_id": f"c{_n()}", "cco_id": "max", "activity_id": "A1", "action": "completed", "occurred_at": "2026-02-01T09:00:00Z"},
        ),
        ("POST", "/v1/xapi/statements"): Op(cells({"staff": 200, "system": 200}, hidden=()), body=lambda: [statement()], headers=xapi),
        ("PUT", "/v1/xapi/statements"): Op(
            cells({"staff": 204, "system": 204}, hidden=()), path="/v1/xapi/statements?statementId=STATEMENT", body=statement, headers=xapi
        ),
        # the xAPI LRS: system clients (bearer or an LMS client's Basic credentials) and staff; /about for anyone
        ("GET", "/v1/xapi/statements"): Op(lrs_users(200), headers=xapi),
        ("GET", "/v1/xapi/about"): Op({a: 200 for a in ACTORS}),
        ("GET", "/v1/xapi/agents"): Op(lrs_users(200), path=f"/v1/xapi/agents?agent={agent}", headers=xapi),
        ("GET", "/v1/xapi/activities"): Op(lrs_users(200), path=f"/v1/xapi/activities?activityId={activity_iri}", headers=xapi),
        **{
            (method, f"/v1/xapi{doc}"): Op(lrs_users(status), path=f"/v1/xapi{doc}?{query}", body=(lambda: {"seen": True}) if method in ("PUT", "POST") else None,
                                           headers={**xapi, "If-Match": "*"} if method == "PUT" else xapi,
                                           before=document(doc, query) if method in ("GET", "PUT") else None)
            for doc, query in documents.items()
            for method, status in (("GET", 200), ("PUT", 204), ("POST", 204), ("DELETE", 204))
        },
        ("POST", "/v1/xapi-clients"): Op(cells({"staff": 201}, hidden=()), body=lambda: {"name": "Matrix LMS"}),
        ("GET", "/v1/xapi-clients"): Op(cells({"staff": 200}, hidden=())),
        ("DELETE", "/v1/xapi-clients/{key}"): Op(cells({"staff": 204}, hidden=()), path="/v1/xapi-clients/LRSKEY", before=lrs_client),
        ("GET", "/v1/xapi-crediting"): Op(cells({"staff": 200}, hidden=())),
        ("POST", "/v1/proofs"): Op(
            cells({a: 201 for a in ("ivy", "admin_p", "staff")}, hidden=NOT_IVYS),
            data=proof,
            files=lambda: {"file": ("c.pdf", PDF, "application/pdf")},
        ),
        ("GET", "/v1/proofs"): Op(cells({"staff": 200}, hidden=())),
        ("GET", "/v1/proofs/{proof_id}"): Op(cells({"ivy": 200, "staff": 200}, hidden=NOT_IVYS + ("admin_p", "system")), path="/v1/proofs/PROOF"),
        ("GET", "/v1/proofs/{proof_id}/file"): Op(
            cells({"ivy": 200, "staff": 200}, hidden=NOT_IVYS + ("admin_p", "system")), path="/v1/proofs/PROOF/file"
        ),
        ("POST", "/v1/proofs/{proof_id}/accept"): Op(cells({"staff": 200}, hidden=()), path="/v1/proofs/PROOF_A/accept", body=lambda: {}),
        ("POST", "/v1/proofs/{proof_id}/reject"): Op(cells({"staff": 200}, hidden=()), path="/v1/proofs/PROOF_R/reject", body=lambda: {"reason": "blurry"}),
        ("GET", "/v1/partners/{be_geo_id}/cl-view"): Op(cells({a: 200 for a in POINT_SEERS}), path=f"/v1/partners/{P}/cl-view"),
        ("GET", "/v1/partners/{be_geo_id}/points"): Op(cells({a: 200 for a in POINT_SEERS}), path=f"/v1/partners/{P}/points"),
        # CL-10: not even ivy sees her own totals
        ("GET", "/v1/individuals/{cco_id}/points"): Op(cells({a: 200 for a in POINT_SEERS}), path="/v1/individuals/ivy/points"),
    }


def specialization_ops() -> dict[tuple[str, str], Op]:
    base = f"/v1/partners/{P}/specializations"
    return {
        ("PUT", "/v1/levels/{level}"): Op(cells({"staff": 200}, hidden=()), path="/v1/levels/express", body=lambda: {"points_required": 40}),
        ("GET", "/v1/levels"): Op(everyone()),
        ("PUT", "/v1/specializations/{code}"): Op(
            cells({"staff": 201}, hidden=()),
            path="/v1/specializations/S2",
            body=lambda: {"name": "Spec two", "level": "express", "roles": {"AM": [{"exams": ["E1"]}]}},
        ),
        ("GET", "/v1/specializations/{code}"): Op(everyone(), path="/v1/specializations/S1"),
        ("GET", "/v1/specializations"): Op(everyone()),
        # CE-1: replacements are certification's; specialization only answers what it projected
        ("GET", "/v1/exam-replacements"): Op(everyone()),
        ("GET", "/v1/exams/{number}/replacement"): Op(everyone(), path="/v1/exams/E1/replacement"),
        ("GET", "/v1/partners/{be_geo_id}/specializations"): Op(cells({a: 200 for a in PARTNER_SEERS}), path=base),
        ("GET", "/v1/partners/{be_geo_id}/specializations/{code}/roles/{role}/candidates"): Op(
            cells({"staff": 200, "admin_p": 200}), path=f"{base}/S1/roles/AM/candidates"
        ),
        # admin_p applies first (201); staff's second application is refused by the rules (409)
        ("POST", "/v1/partners/{be_geo_id}/specializations/{code}/applications"): Op(
            cells({"admin_p": 201, "staff": 409}), path=f"{base}/S1/applications", body=lambda: {"roles": {"AM": "ivy"}}
        ),
        # after the application: before it, P "has never held S1" (404 for everyone)
        ("GET", "/v1/partners/{be_geo_id}/specializations/{code}"): Op(cells({a: 200 for a in PARTNER_SEERS}), path=f"{base}/S1"),
        ("PUT", "/v1/partners/{be_geo_id}/specializations/{code}/roles/{role}"): Op(
            cells({"admin_p": 200, "staff": 200}), path=f"{base}/S1/roles/AM", body=lambda: {"cco_id": "ivy"}
        ),
        # outside the 90-day window the rules refuse it (SP-9), after authorization
        ("POST", "/v1/partners/{be_geo_id}/specializations/{code}/renewals"): Op(
            cells({"admin_p": 409, "staff": 409}), path=f"{base}/S1/renewals"
        ),
        ("GET", "/v1/partners/{be_geo_id}/program-requirements"): Op(
            cells({a: 200 for a in PARTNER_SEERS}), path=f"/v1/partners/{P}/program-requirements"
        ),
    }


def notify_ops() -> dict[tuple[str, str], Op]:
    return {
        ("GET", "/v1/recipients/{cco_id}"): Op(cells({"staff": 200, "system": 200}, hidden=()), path="/v1/recipients/ivy"),
        # everyone sees the log, filtered to what they may see
        ("GET", "/v1/notifications"): Op(everyone()),
        ("GET", "/v1/notifications/{notification_id}"): Op(
            cells({a: 200 for a in ("staff", "system", "admin_p")}, hidden=("ivy", "max", "admin_q", "pam_p", "mixed")),
            path="/v1/notifications/MAIL",
        ),
        ("POST", "/v1/notifications/{notification_id}/retry"): Op(
            cells({"staff": 200}, hidden=()), path="/v1/notifications/MAIL/retry"
        ),
    }


SERVICE_OPS = {
    "identity": identity_ops,
    "certification": certification_ops,
    "learning": learning_ops,
    "specialization": specialization_ops,
    "notify": notify_ops,
}
# identity last: its grant and membership changes would otherwise move the others' projections
ORDER = ("certification", "learning", "specialization", "notify", "identity")


class World:
    def __init__(self, system: Any) -> None:
        self.system = system
        settings = next(iter(system.runtimes.values())).settings
        self.tokens = {
            "anonymous": {},
            "ivy": bearer(settings, "ivy", "individual"),
            "max": bearer(settings, "max", "individual"),
            "admin_p": bearer(settings, "ada", "individual", "partner_admin", admin_of=[P]),
            "admin_q": bearer(settings, "quin", "individual", "partner_admin", admin_of=[Q]),
            "pam_p": bearer(settings, "pat", "individual", "pam", pam_of=[P]),
            "mixed": bearer(settings, "mix", "individual", "partner_admin", "pam", admin_of=[Q], pam_of=[P]),
            "staff": bearer(settings, "sam", "program_staff"),
            "system": bearer(settings, "crm", "system"),
        }
        self.staff = self.tokens["staff"]
        self.ids: dict[str, str] = {}
        self.last_dup = 0

    async def call(self, service: str, method: str, path: str, headers: dict[str, str], body: Any = None, **kw: Any) -> Any:
        r = await self.system.clients[service].request(method, path, json=body, headers=headers, **kw)
        assert r.status_code < 300, f"setup {method} {path}: {r.status_code} {r.text}"
        return r

    async def snapshot(self, service: str) -> dict[str, list[str]]:
        """Every row of the service's own tables (not the bus's and clock's bookkeeping)."""
        runtime = self.system.runtimes[service]
        skip = {"outbox", "inbox", "job_runs", "clock_state", "alembic_version"}
        out: dict[str, list[str]] = {}
        async with runtime.db.engine.connect() as conn:
            for table in runtime.definition.metadata.sorted_tables:
                if table.name not in skip:
                    rows = (await conn.execute(select(table))).all()
                    out[table.name] = sorted(json.dumps(list(r), default=str) for r in rows)
        return out


async def settle(system: Any) -> None:
    """Wait until every outbox is published and the consumers had a moment to apply it."""
    async def drained() -> bool:
        for runtime in system.runtimes.values():
            outbox = runtime.definition.metadata.tables["outbox"]
            async with runtime.db.engine.connect() as conn:
                if (await conn.execute(select(outbox).where(outbox.c.published_at.is_(None)).limit(1))).first():
                    return False
        return True

    await eventually(drained, timeout=30)
    await asyncio.sleep(0.3)


async def seed(w: World) -> None:
    s = w.staff
    for be in (P, Q):
        await w.call("identity", "POST", "/v1/partners", s, {"be_geo_id": be, "name": f"Partner {be}", "country": "DE"})
    for cco in ("ivy", "max", "ada", "quin", "pat", "mix", "tmp1", "tmp2"):
        await w.call("identity", "POST", "/v1/individuals", s, {"cco_id": cco, "name": cco.title(), "email": f"{cco}@example.com"})
    for cco in ("ivy", "max", "ada"):
        await w.call("identity", "PUT", f"/v1/partners/{P}/members/{cco}", s, params={"on": "2026-01-01"})
    await w.call("identity", "PUT", f"/v1/partners/{Q}/members/quin", s, params={"on": "2026-01-01"})
    await w.call("identity", "PUT", f"/v1/partners/{P}/admins/ada", s)
    await w.call("identity", "PUT", f"/v1/partners/{Q}/admins/quin", s)
    await w.call("identity", "PUT", f"/v1/partners/{Q}/admins/mix", s)
    await w.call("identity", "PUT", f"/v1/pams/pat/partners/{P}", s)
    await w.call("identity", "PUT", f"/v1/pams/mix/partners/{P}", s)
    await w.call("identity", "PUT", f"/v1/individuals/ivy/grants/{P}", s)
    await w.call("certification", "PUT", "/v1/exams/E1", s, {"title": "Exam one"})
    await w.call("certification", "PUT", "/v1/exams/E1B", s, {"title": "Exam one, new number", "replaces": "E1"})
    await w.call("certification", "PUT", "/v1/certifications/C1", s, {"name": "Cert one", "kind": "associate", "required_exams": [["E1"]]})
    await w.call(
        "certification", "POST", "/v1/exam-results", s,
        {"external_id": "seed-1", "cco_id": "ivy", "exam_number": "E1", "taken_on": "2026-02-01", "passed": True},
    )
    imported = await w.call(
        "certification", "POST", "/v1/exam-results/imports", s, params={"wait": "true"},
        files={"file": ("r.csv", b"external_id,cco_id,exam_number,taken_on,passed\nbad line\n", "text/csv")},
    )
    w.ids["IMPORT"] = imported.json()["id"]
    await w.call("specialization", "PUT", "/v1/levels/express", s, {"points_required": 40})
    await w.call("specialization", "PUT", "/v1/specializations/S1", s, {"name": "Spec one", "level": "express", "roles": {"AM": [{"exams": ["E1"]}]}})
    activity = {"title": "Course one", "kind": "online_course", "duration_minutes": 60, "specializations": ["S1"]}
    await w.call("learning", "PUT", "/v1/activities/A1", s, activity)
    await w.call("learning", "POST", "/v1/activities/A1/publish", s)
    await settle(w.system)
    for key in ("PROOF", "PROOF_A", "PROOF_R"):
        r = await w.call(
            "learning", "POST", "/v1/proofs", s,
            data={"cco_id": "ivy", "event": "Cisco Live", "specialization": "S1", "attended_on": "2026-02-01"},
            files={"file": ("c.pdf", PDF, "application/pdf")},
        )
        w.ids[key] = r.json()["proof_id"]
    w.ids["STATEMENT"] = "6d2f1a8e-0c1b-4f6e-9a55-5b0c2a1f3e77"
    w.ids["MAIL"] = await _failed_mail(w)

    async def ivy_qualifies() -> bool:
        r = await w.system.clients["specialization"].get(f"/v1/partners/{P}/specializations/S1/roles/AM/candidates", headers=s)
        return r.status_code == 200 and "ivy" in r.text

    await eventually(ivy_qualifies, timeout=30)

    async def replacement_projected() -> bool:
        r = await w.system.clients["specialization"].get("/v1/exams/E1/replacement", headers=s)
        return r.status_code == 200

    await eventually(replacement_projected, timeout=30)
    await settle(w.system)


async def _failed_mail(w: World) -> str:
    """A failed partner mail of P in notify's delivery log (its sender never picks a failed one)."""
    from notify.tables import deliveries  # noqa: PLC0415

    runtime = w.system.runtimes["notify"]
    now = datetime.now(UTC)
    async with runtime.db.uow() as uow:
        await uow.conn.execute(
            deliveries.insert().values(
                id="0d6a4f3c-5b8e-4f0a-9c1d-2e3f4a5b6c7d", cause_key="matrix:1", kind="lost",
                context={"be_geo_id": P, "specialization": "S1", "lost_on": "2026-02-01", "blocked_until": None},
                recipient="ada", be_geo_id=P, message_id="<matrix-1@partnerhub>", status="failed",
                attempts=5, next_attempt_at=now, created_at=now, last_error="test",
            )
        )
        await uow.commit()
    return "0d6a4f3c-5b8e-4f0a-9c1d-2e3f4a5b6c7d"


def _operations(system: Any) -> dict[str, set[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = {}
    for name, runtime in system.runtimes.items():
        spec = runtime.app.openapi()
        found[name] = {(m.upper(), p) for p, item in spec["paths"].items() for m in item if m != "parameters"}
    return found


def _resolve(w: World, path: str) -> str:
    for key, value in w.ids.items():
        path = path.replace(f"/{key}/", f"/{value}/").replace(f"={key}", f"={value}")
        if path.endswith(f"/{key}"):
            path = path[: -len(key)] + value
    if "dupX" in path:
        path = path.replace("dupX", f"dup{w.last_dup}")
    return path


async def _check(w: World, service: str, method: str, template: str, op: Op, actor: str) -> list[str]:
    path = _resolve(w, op.path or template)
    kwargs: dict[str, Any] = {"headers": {**w.tokens[actor], **op.headers}}
    if op.files:
        kwargs["files"] = op.files()
        if op.data:
            kwargs["data"] = op.data()
    elif op.body is not None:
        text = json.dumps(op.body()).replace("dupX", f"dup{w.last_dup}")
        for key, value in w.ids.items():
            text = text.replace(f'"{key}"', json.dumps(value))  # an id only known once the world runs
        kwargs["json"] = json.loads(text)
    r = await w.system.clients[service].request(method, path, **kwargs)
    expected = op.status[actor]
    if r.status_code != expected:
        return [f"{service} {method} {path} as {actor}: {r.status_code}, expected {expected}: {r.text[:160]}"]
    if r.status_code >= 400 and r.headers.get("content-type") != "application/problem+json":
        return [f"{service} {method} {path} as {actor}: {r.status_code} without problem+json"]
    return []


@pytest.mark.timeout(600)
async def test_every_operation_as_every_actor(system_factory: Any) -> None:
    definitions = [discover()[name] for name in SERVICE_OPS]
    async with system_factory(*definitions, start_date=TODAY) as system:
        w = World(system)
        await seed(w)
        tables = {name: {**platform_ops(), **ops()} for name, ops in SERVICE_OPS.items()}
        published = _operations(system)
        for name in SERVICE_OPS:
            assert published[name] == set(tables[name]), (
                f"{name}: operations without a row in the matrix: {sorted(published[name] - set(tables[name]))}; "
                f"rows for no operation: {sorted(set(tables[name]) - published[name])}"
            )
        wrong: list[str] = []
        cells_run = 0
        for name in ORDER:
            for (method, template), op in tables[name].items():
                refused = [a for a in ACTORS if op.status[a] in (401, 403, 404)]
                allowed = [a for a in ACTORS if a not in refused]
                writes = method != "GET"
                if writes:
                    await settle(system)
                    before = await w.snapshot(name)
                for actor in refused:
                    wrong += await _check(w, name, method, template, op, actor)
                if writes:
                    after = await w.snapshot(name)
                    changed = sorted(t for t in after if after[t] != before.get(t))
                    if changed:
                        wrong.append(f"{name} {method} {template}: a refused write changed {changed}")
                for actor in allowed:
                    if op.before:
                        await op.before(w)
                    wrong += await _check(w, name, method, template, op, actor)
                cells_run += len(ACTORS)
        print(f"authorization matrix: {sum(len(t) for t in tables.values())} operations x {len(ACTORS)} actors = {cells_run} cells")
        assert not wrong, "\n".join(wrong)
