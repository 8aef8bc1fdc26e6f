"""The hardened CL View pages over HTTP, in both modes: a page post needs its own origin (Origin, else
Referer) and the form token of its own cookies, bound to the session; the security headers on pages,
on API responses and on the API docs (whose CDN assets the docs' policy must allow); the standalone
root app sets them too."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from learning.app import SERVICE
from partnerhub.bus.contracts import IndividualRegistered
from partnerhub.http import API_POLICY, DOCS_POLICY, PAGE_POLICY
from partnerhub.standalone import Standalone

ORIGIN = "http://learning.test"  # the test client's base URL


def token_in(page: str) -> str:
    found = re.findall(r'name="csrf_token" value="([^"]+)"', page)
    assert found and len(set(found)) == 1, "every form of a page carries the same token"
    return found[0]


def refused(r: httpx.Response, title: str) -> None:
    assert r.status_code == 403, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("text/html")
    assert title in r.text and "nothing was done" in r.text
    assert "partnerhub_ui=" not in r.headers.get("set-cookie", "")  # nobody was signed in or out


def assert_common_headers(r: httpx.Response) -> None:
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "same-origin"


async def test_page_posts_need_their_origin_and_the_token_of_their_cookies(learning) -> None:
    client = learning.client
    await learning.applied(IndividualRegistered(cco_id="ada", name="Ada Admin", email="ada@x.example"))
    r = await client.get("/ui/sign-in")
    token = token_in(r.text)
    assert token_in(r.text) and r.text.count('name="csrf_token"') == 3
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("partnerhub_csrf=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Path=/ui" in cookie
    nonce = client.cookies["partnerhub_csrf"]
    # a second page keeps the cookie (and so the token)
    r = await client.get("/ui/sign-in")
    assert "set-cookie" not in r.headers and token_in(r.text) == token

    # without the token, with a wrong one, or with a token of other cookies: refused
    refused(await client.post("/ui/sign-in", data={"cco_id": "ada"}), "This form has expired")
    refused(await client.post("/ui/sign-in", data={"cco_id": "ada", "csrf_token": "0" * 64}), "This form has expired")
    refused(
        await client.post("/ui/sign-in", data={"cco_id": "ada", "csrf_token": token}, headers={"Cookie": "partnerhub_csrf=other"}),
        "This form has expired",
    )
    refused(await client.post("/ui/sign-in/token", data={"token": "x"}), "This form has expired")
    refused(await client.post("/ui/sign-out"), "This form has expired")

    # from another origin, even with a valid token: refused
    form = {"cco_id": "ada", "csrf_token": token}
    for headers in (
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://learning.test.evil.example"},
        {"Origin": "http://learning.test:8443"},
        {"Origin": "ftp://learning.test"},
        {"Referer": "http://evil.example/learning.test/ui/sign-in"},
        {"Referer": "not a url"},
        {"Origin": "http://evil.example", "Referer": f"{ORIGIN}/ui/sign-in"},  # Origin is the one that counts
    ):
        refused(await client.post("/ui/sign-in", data=form, headers=headers), "Sent from another site")

    # the own origin (by Origin, or by Referer without it), or neither (not a browser): signed in
    for headers in ({"Origin": ORIGIN}, {"Origin": ORIGIN.upper()}, {"Referer": f"{ORIGIN}/ui/sign-in?x=1"}, {}):
        r = await client.post("/ui/sign-in", data=form, headers=headers)
        assert r.status_code == 303 and r.headers["location"] == "/ui/", r.text[:300]
        assert r.headers["set-cookie"].startswith("partnerhub_ui=")
        client.cookies.delete("partnerhub_ui")
    assert client.cookies["partnerhub_csrf"] == nonce

    # the token is bound to the session: a form rendered before signing in no longer works after it
    r = await client.post("/ui/sign-in", data=form, headers={"Origin": ORIGIN})
    assert r.status_code == 303
    refused(await client.post("/ui/sign-out", data={"csrf_token": token}, headers={"Origin": ORIGIN}), "This form has expired")
    fresh = token_in((await client.get("/ui/sign-in")).text)
    assert fresh != token
    r = await client.post("/ui/sign-out", data={"csrf_token": fresh}, headers={"Origin": ORIGIN})
    assert r.status_code == 303 and 'partnerhub_ui=""' in r.headers["set-cookie"]


async def test_security_headers_on_pages_api_and_docs(learning) -> None:
    client, staff = learning.client, learning.staff
    # pages, their error pages: the strict policy
    for path, status in (("/ui/sign-in", 200), ("/ui/no/such/page", 404)):
        r = await client.get(path)
        assert r.status_code == status and r.headers["content-type"].startswith("text/html")
        assert r.headers["content-security-policy"] == PAGE_POLICY
        assert_common_headers(r)
        assert "style=" not in r.text and "<style" not in r.text
        assert all(src.startswith("/ui/static/") for src in re.findall(r'(?:src|href)="([^"]+\.(?:css|js))"', r.text))
    r = await client.post("/ui/sign-in", data={"cco_id": "x"})  # the refusal page too
    assert r.status_code == 403 and r.headers["content-security-policy"] == PAGE_POLICY
    # the page's policy: own assets only, no inline code, forms to itself, never framed
    for directive in ("default-src 'none'", "script-src 'self'", "style-src 'self'", "form-action 'self'",
                      "frame-ancestors 'none'", "base-uri 'none'"):
        assert directive in PAGE_POLICY
    assert "unsafe-inline" not in PAGE_POLICY
    # JSON, problems, CSV, files: nothing may load or run
    for path, headers, status in (
        ("/healthz", {}, 200),
        ("/openapi.json", {}, 200),
        ("/v1/activities", staff, 200),
        ("/v1/partners/P1/cl-view", {**staff, "Accept": "text/csv"}, 200),
        ("/v1/activities", {}, 401),
        ("/ui/static/ui.css", {}, 200),
    ):
        r = await client.get(path, headers=headers)
        assert r.status_code == status, (path, r.status_code)
        assert r.headers["content-security-policy"] == API_POLICY, path
        assert_common_headers(r)
    assert API_POLICY.startswith("default-src 'none'") and "frame-ancestors 'none'" in API_POLICY
    # the API docs keep working: their policy allows every asset FastAPI's pages load, and their inline start
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        r = await client.get(path)
        assert r.status_code == 200 and r.headers["content-security-policy"] == DOCS_POLICY, path
        assert_common_headers(r)
        # every asset from the service itself (no CDN, no icon from another site): the docs work offline
        assets = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', r.text)
        assert all(a.startswith("/") and not a.startswith("//") for a in assets), (path, assets)
        assert assets or path.endswith("oauth2-redirect"), path
        for asset in assets:
            assert (await client.get(asset)).status_code == 200, asset
        if "<script>" in r.text:
            assert "'unsafe-inline'" in directive_of(DOCS_POLICY, "script-src")
    assert "https:" not in DOCS_POLICY and "http:" not in DOCS_POLICY
    assert "frame-ancestors 'none'" in DOCS_POLICY


def directive_of(policy: str, name: str) -> list[str]:
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    return directive_of(policy, "default-src") if name != "default-src" else []


def allowed(policy: str, name: str, origin: str) -> bool:
    sources = directive_of(policy, name)
    return origin in sources or (origin.startswith("https://") and "https:" in sources)


async def test_standalone_root_app_sets_the_headers_too(tmp_path: Path) -> None:
    standalone = Standalone(tmp_path, definitions=[SERVICE])  # not started: these routes need no database
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=standalone.app), base_url="http://127.0.0.1:8000") as client:
        for path, policy in (
            ("/", PAGE_POLICY),
            ("/index.css", API_POLICY),
            ("/healthz", API_POLICY),
            ("/services", API_POLICY),
            ("/learning/healthz", API_POLICY),
            ("/learning/docs", DOCS_POLICY),
            ("/learning/redoc", DOCS_POLICY),
            ("/docs", API_POLICY),  # no docs at the root: a 404 problem
        ):
            r = await client.get(path)
            assert r.headers["content-security-policy"] == policy, path
            assert r.headers.get_list("content-security-policy") == [policy], path  # once, not per app
            assert_common_headers(r)
        index = await client.get("/")
        assert "style=" not in index.text and 'href="/index.css"' in index.text
        assert (await client.get("/index.css")).headers["content-type"].startswith("text/css")
