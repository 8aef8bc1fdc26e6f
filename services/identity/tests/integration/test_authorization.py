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
        "admin": api.as_("ada", "individual", "partner_admin", partners=(P1,)),
        "other_admin": api.as_("oscar", "individual", "partner_admin", partners=(P2,)),
        "pam": api.as_("pat", "individual", "pam", partners=(P1,)),
        "other_pam": api.as_("quinn", "individual", "pam", partners=(P2,)),
        "anonymous": {},
    }[role]


def _expect(allowed: dict[str, int], *, hidden: int, others: int = 403) -> dict[str, int]:
    """Status per role: ``allowed`` as given, 401 for anonymous, ``hidden`` (404) for those who may
    not see the object, ``others`` for the rest."""
    table = {}
    for role in ROLES:
        if role in allowed:
            table[role] = allowed[role]
        elif role == "anonymous":
            table[role] = 401
        elif role in ("self", "member", "other_admin", "other_pam") and hidden:
            table[role] = hidden
        else:
            table[role] = others
    return table


def _partner_body() -> dict[str, str]:
    return {"be_geo_id": f"9{next(_seq):05d}", "name": "New", "country": "NL"}


def _person_body() -> dict[str, str]:
    n = next(_seq)
    return {"cco_id": f"new{n}", "name": "New", "email": f"new{n}@example.com"}


# (method, path, body factory, expected status per role)
MATRIX = [
    ("POST", "/v1/partners", _partner_body, _expect({"staff": 201, "system": 201}, hidden=0)),
    ("GET", f"/v1/partners/{P1}", None, _expect({r: 200 for r in ("staff", "system", "admin", "pam")}, hidden=404)),
    ("GET", f"/v1/partners/{P1}/members", None, _expect({r: 200 for r in ("staff", "system", "admin", "pam")}, hidden=404)),
    ("GET", f"/v1/partners/{P1}/admins", None, _expect({r: 200 for r in ("staff", "system", "admin", "pam")}, hidden=404)),
    ("PUT", f"/v1/partners/{P1}/members/m1", None, _expect({"staff": 200, "system": 200, "admin": 200}, hidden=404)),
    ("DELETE", f"/v1/partners/{P1}/members/m3", None, _expect({"staff": 204, "system": 204, "admin": 204}, hidden=404)),
    ("PUT", f"/v1/partners/{P1}/admins/m3", None, _expect({"staff": 200, "admin": 200}, hidden=404)),
    ("DELETE", f"/v1/partners/{P1}/admins/m3", None, _expect({"staff": 204, "admin": 204}, hidden=404)),
    ("PUT", f"/v1/pams/m3/partners/{P1}", None, _expect({"staff": 200}, hidden=404)),
    ("DELETE", f"/v1/pams/m3/partners/{P1}", None, _expect({"staff": 204}, hidden=404)),
    ("POST", "/v1/individuals", _person_body, _expect({"staff": 201, "system": 201}, hidden=0)),
    (
        "GET",
        "/v1/individuals/m1",
        None,
        {**_expect({r: 200 for r in ("staff", "system", "self", "admin")}, hidden=404), "pam": 404},
    ),
    (
        "PATCH",
        "/v1/individuals/m1",
        lambda: {"name": "Mia One"},
        {**_expect({"staff": 200, "self": 200}, hidden=404), "pam": 404},
    ),
    ("PUT", f"/v1/individuals/m1/grants/{P1}", None, {**_expect({"staff": 200, "self": 200}, hidden=404), "pam": 404}),
    ("DELETE", f"/v1/individuals/m1/grants/{P1}", None, {**_expect({"staff": 204, "self": 204}, hidden=404), "pam": 404}),
    ("POST", "/v1/individuals/dup1/merge", lambda: {"retire": ["dup2"]}, _expect({"staff": 200}, hidden=0)),
    ("GET", "/v1/duplicates", None, _expect({"staff": 200}, hidden=0)),
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
        before = await api.events()
        other_admin = _headers(api, "other_admin")
        for method, path, body in [
            ("PUT", f"/v1/partners/{P1}/members/oscar", None),
            ("DELETE", f"/v1/partners/{P1}/members/m1", None),
            ("PUT", f"/v1/partners/{P1}/admins/oscar", None),
            ("PATCH", "/v1/individuals/m1", {"email": "mine@evil.example"}),
            ("PUT", f"/v1/individuals/m1/grants/{P1}", None),
            ("POST", "/v1/individuals/m1/merge", {"retire": ["ada"]}),
        ]:
            r = await api.http.request(method, path, json=body, headers=other_admin)
            assert r.status_code in (403, 404), (method, path, r.status_code)
        assert await api.events() == before
