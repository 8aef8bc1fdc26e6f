"""Forged form posts are refused on every service's pages (cross-site request forgery).

Every unsafe request (POST, PUT, PATCH, DELETE) under a service's ``/ui/`` passes two checks, before its handler:

1. **Origin.** The browser's ``Origin`` header, or without one the ``Referer``, must name the page's own
   origin: the host (and port) the request was sent to; over HTTPS also the scheme. ``Origin: null`` is
   refused. A request with neither header (not a browser) goes on to the token check.
2. **Token** (a signed double submit bound to the session, as OWASP's cheat sheet describes it). A
   page, when rendered, sets the ``partnerhub_csrf`` cookie to a random value unless it is already there
   (HttpOnly, SameSite=Strict, path: the service's ``/ui``), and each of its forms carries ``csrf_token`` =
   HMAC-SHA256(key, cookie value, session cookie). A post is accepted only with the token its own two
   cookies give. Before sign-in the session part is empty, so the sign-in forms work without a session;
   signing in changes it, so a form rendered before then is refused with a page asking to reload.

The key comes from the settings: ``ui_csrf_secret`` (the same on every replica), else the HS256 JWT secret
(production with RS256/ES256 must set ``ui_csrf_secret``: a service with pages declares it in its settings and
refuses to start without it), always passed through an HMAC with the pages' label, so no other token can be
replayed as a form token, nor one service's form token as another's.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request, Response

from partnerhub.errors import Problem
from partnerhub.service import runtime_from
from partnerhub.settings import DEV_JWT_SECRET, ServiceSettings

CSRF_COOKIE = "partnerhub_csrf"
FIELD = "csrf_token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DEFAULT_LABEL = b"partnerhub ui csrf v1"
_NEW_NONCE = "partnerhub.csrf_nonce"


class CrossSiteRequest(Problem):
    status, slug, title = 403, "forbidden", "Sent from another site"

    def __init__(self) -> None:
        super().__init__(
            "This form was not sent from these pages themselves but from another web site or app, so nothing "
            "was done. If you meant to do this, open the pages and use their own form."
        )


class FormExpired(Problem):
    status, slug, title = 403, "forbidden", "This form has expired"

    def __init__(self) -> None:
        super().__init__(
            "The page you sent this from is out of date (for example, you signed in or out in another "
            "tab since you opened it), or it did not come from these pages, so nothing was done. Go back, reload the page and try again."
        )


def key_of(settings: ServiceSettings, label: bytes = DEFAULT_LABEL) -> bytes:
    own = getattr(settings, "ui_csrf_secret", None)
    if own is not None:
        base = own.get_secret_value()
    elif settings.jwt_secret is not None and (settings.jwt_algorithm == "HS256" or settings.environment != "production"):
        base = settings.jwt_secret.get_secret_value()
    elif settings.environment != "production":
        base = DEV_JWT_SECRET
    else:  # the service's settings refuse this at start; never sign with a public default
        raise RuntimeError("ui_csrf_secret is not set")
    return hmac.new(base.encode(), label, hashlib.sha256).digest()


class CsrfGuard:
    """The two checks, and the token and cookie for the forms of a page being rendered."""

    def __init__(self, session_cookie: str, label: bytes = DEFAULT_LABEL) -> None:
        self.session_cookie = session_cookie
        self.label = label

    # rendering -----------------------------------------------------------------------------------
    def form_token(self, request: Request) -> str:
        """The token for this page's forms; remembers a new nonce for ``set_cookie`` if there is none."""
        nonce = request.cookies.get(CSRF_COOKIE) or request.scope.get(_NEW_NONCE)
        if not nonce:
            nonce = request.scope[_NEW_NONCE] = secrets.token_urlsafe(32)
        return self._sign(request, nonce)

    def set_cookie(self, request: Request, response: Response, path: str) -> None:
        nonce = request.scope.get(_NEW_NONCE)
        if nonce and not request.cookies.get(CSRF_COOKIE):
            response.set_cookie(
                CSRF_COOKIE, nonce, path=path, httponly=True, samesite="strict", secure=request.url.scheme == "https"
            )

    # checking ------------------------------------------------------------------------------------
    async def check(self, request: Request) -> None:
        """Raise ``CrossSiteRequest`` or ``FormExpired`` (403) for an unsafe request that fails a check."""
        if request.method not in UNSAFE:
            return
        if not same_origin(request):
            raise CrossSiteRequest()
        nonce = request.cookies.get(CSRF_COOKIE, "")
        form = await request.form()  # cached on the request: the handler's Form fields read the same
        sent = form.get(FIELD)
        if not nonce or not isinstance(sent, str) or not hmac.compare_digest(sent, self._sign(request, nonce)):
            raise FormExpired()

    def _sign(self, request: Request, nonce: str) -> str:
        session = request.cookies.get(self.session_cookie, "")
        message = f"{nonce}\n{session}".encode()
        return hmac.new(key_of(runtime_from(request).settings, self.label), message, hashlib.sha256).hexdigest()


def same_origin(request: Request) -> bool:
    """``Origin`` (else ``Referer``) names the host the request was sent to; absent both: not a browser."""
    claimed = request.headers.get("origin")
    if claimed is None:
        referer = request.headers.get("referer")
        if referer is None:
            return True
        parts = urlsplit(referer)
        claimed = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "null"
    if claimed == "null":
        return False
    parts = urlsplit(claimed)
    host = request.headers.get("host", "")
    if not host or parts.netloc.lower() != host.lower() or parts.scheme not in ("http", "https"):
        return False
    # behind a TLS-terminating proxy the request may arrive as http; an https request needs an https origin
    return not (request.url.scheme == "https" and parts.scheme != "https")
