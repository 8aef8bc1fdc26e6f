"""The actor table (DOMAIN.md) on every endpoint × every role, including another partner's admin.

An object of another partner answers 404 (as if it did not exist); a visible object that the
caller may not change answers 403; a command only some roles may call answers 403 to the rest.
"""

from __future__ import annotations

import itertools
from datetime import date

P1, P2 = "100001", "100002"
ROLES = ("staff", "system", "self", "member", "admin", "other_admin", "pam", "other_pam", "anonymous")
_seq = itertools.count()


def _headers(api, role: str) -> dict[str, str]:
    return {
        "staff": api.staff(),
        "system": api.as_("crm", "system"),
        "self": api.as_("m1", "individual"),  # the person the individual endpoints are about
        "member": api.as_("m2", "individual"),  # a colleague at the same partner
        "admin": api.as_("ada", "individual", "partner_admin", admin_of=(P1,)),
        "other_admin": api.as_("oscar", "individual", "partner_admin", admin_of=(P2,)),
        "pam": api.as_("pat", "individual", "pam", pam_of=(P1,)),
        "other_pam": api.as_("quinn", "individual", "pam", pam_of=(P2,)),
        "anonymous": {},
    }[role]


OTHER_PARTNERS = ("other_admin", "other_pam")  # another partner's object: 404
NOT_THEIRS = ("member", "other_admin", "other_pam", "pam")  # a person they may not see: 404


def _expect(allowed: dict[str, int], *, hidden: tuple[str, ...] = OTHER_PARTNERS) -> dict[str, int]:
    """Status per role: ``allowed`` as given, 401 for anonymous, 404 for ``hidden`` (those who may
    not see the object), 403 for the rest (individuals asking for a partner's things included)."""
    table = {}
    for role in ROLES:
        if role in allowed:
            table[role] = allowed[role]
        elif role == "anonymous":
            table[role] = 401
        elif role in hidden:
            table[role] = 404
        else:
            table[role] = 403
    return table


def _partner_body() -> dict[str, str]:
    return {"be_geo_id": f"9{next(_seq):05d}", "name": "New", "country": "NL"}


def _person_body() -> dict[str, str]:
    n = next(_seq)
    return {"cco_id": f"new{n}", "name": "New", "email": f"new{n}@example.com"}


# (method, path, body factory, expected status per role)
MATRIX = [
    ("POST", "/v1/partners", _partner_body, _expect({"staff": 201, "system": 201}, hidden=())),
    ("GET", f"/v1/partners/{P1}", None, _expect({r: 200 for r in ("staff", "system", "admin", "pam")})),
    # members are personal data: the partner's admins, not its PAMs (the actor table)
    ("GET", f"/v1/partners/{P1}/members", None, _expect({r: 200 for r in ("staff", "system", "admin")})),
    ("GET", f"/v1/partners/{P1}/admins", None, _expect({r: 200 for r in ("staff", "system", "admin", "pam")})),
    ("PUT", f"/v1/partners/{P1}/members/m1", None, _expect({"staff": 200, "system": 200, "admin": 200})),
    ("DELETE", f"/v1/partners/{P1}/members/m3", None, _expect({"staff": 204, "system": 204, "admin": 204})),
    # cancelling a planned leave manages members too (MANAGE_MEMBERS): not PAMs, not individuals
    ("DELETE", f"/v1/partners/{P1}/members/m2/planned-leave", None, _expect({"staff": 204, "system": 204, "admin": 204})),
    ("PUT", f"/v1/partners/{P1}/admins/m3", None, _expect({"staff": 200, "admin": 200})),
    ("DELETE", f"/v1/partners/{P1}/admins/m3", None, _expect({"staff": 204, "admin": 204})),
    ("PUT", f"/v1/pams/m3/partners/{P1}", None, _expect({"staff": 200})),
    ("DELETE", f"/v1/pams/m3/partners/{P1}", None, _expect({"staff": 204})),
    ("POST", "/v1/individuals", _person_body, _expect({"staff": 201, "system": 201}, hidden=())),
    (
        "GET",
        "/v1/individuals/m1",
        None,
        _expect({r: 200 for r in ("staff", "system", "self", "admin")}, hidden=NOT_THEIRS),
    ),
    (
        "PATCH",
        "/v1/individuals/m1",
        lambda: {"name": "Mia One"},
        _expect({"staff": 200, "self": 200}, hidden=NOT_THEIRS),
    ),
    ("PUT", f"/v1/individuals/m1/grants/{P1}", None, _expect({"staff": 200, "self": 200}, hidden=NOT_THEIRS)),
    ("DELETE", f"/v1/individuals/m1/grants/{P1}", None, _expect({"staff": 204, "self": 204}, hidden=NOT_THEIRS)),
    ("POST", "/v1/individuals/dup1/merge", lambda: {"retire": ["dup2"]}, _expect({"staff": 200}, hidden=())),
    ("GET", "/v1/duplicates", None, _expect({"staff": 200}, hidden=())),
    ("POST", "/v1/dev/tokens", lambda: {"sub": "m1"}, {role: 200 for role in ROLES}),
]


async def test_authorization_matrix(identity) -> None:
    async with identity() as api:
        await api.partner(P1)
        await api.partner(P2)
        for cco in ("m1", "m2", "m3", "ada", "oscar", "pat", "quinn", "dup1", "dup2"):
            await api.person(cco, "Mia One" if cco == "m1" else None)
        for cco in ("m1", "m2", "m3", "ada"):
            await api.join(cco, P1, on=date(2027, 1, 1))
        await api.join("oscar", P2, on=date(2027, 1, 1))
        wrong = []
        for method, path, body, expected in MATRIX:
            assert set(expected) == set(ROLES), path
            for role in ROLES:
                if method == "DELETE" and "/members/" in path:
                    await api.join("m3", P1)  # something to end, for each caller
                r = await api.http.request(method, path, json=body() if body else None, headers=_headers(api, role))
                if r.status_code != expected[role]:
                    wrong.append(f"{method} {path} as {role}: {r.status_code}, expected {expected[role]}")
                elif r.status_code >= 400:
                    assert r.headers["content-type"] == "application/problem+json"
        assert not wrong, "\n".join(wrong)


async def test_refused_callers_change_nothing(identity) -> None:
    async with identity() as api:
        await api.partner(P1)
        await api.partner(P2)
        for cco in ("m1", "ada", "oscar"):
            await api.person(cco)
        await api.join("m1", P1)
        planned = await api.http.delete(f"/v1/partners/{P1}/members/m1?on=2027-05-01", headers=api.staff())
        assert planned.status_code == 204  # a planned leave, for the refused cancellation to (not) undo
        before = await api.events()
        other_admin = _headers(api, "other_admin")
        for method, path, body in [
            ("PUT", f"/v1/partners/{P1}/members/oscar", None),
            ("DELETE", f"/v1/partners/{P1}/members/m1", None),
            ("DELETE", f"/v1/partners/{P1}/members/m1?on=2027-06-01", None),
            ("DELETE", f"/v1/partners/{P1}/members/m1/planned-leave", None),
            ("PUT", f"/v1/partners/{P1}/admins/oscar", None),
            ("PATCH", "/v1/individuals/m1", {"email": "mine@evil.example"}),
            ("PUT", f"/v1/individuals/m1/grants/{P1}", None),
            ("POST", "/v1/individuals/m1/merge", {"retire": ["ada"]}),
        ]:
            r = await api.http.request(method, path, json=body, headers=other_admin)
            assert r.status_code in (403, 404), (method, path, r.status_code)
        assert await api.events() == before
