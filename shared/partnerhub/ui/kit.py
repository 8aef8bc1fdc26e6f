"""The page kit: what every service's server-rendered pages share.

A service builds one ``PageKit`` and adds its own routes to ``kit.router`` (mounted under the service's
``/ui``); the kit gives them

- **sign-in by token cookie**: the bearer token in an HttpOnly, SameSite=Strict cookie scoped to the
  service's ``/ui`` path (an ``Authorization`` header is accepted too), a "paste a token" form, and in dev
  and demo mode a "pick a person" form fed by the service's own records (``PeopleSource``), else a form
  taking a CCO ID and the roles to sign in with;
- **CSRF**: every unsafe request is checked for its Origin/Referer and its HMAC form token before its
  handler runs (``partnerhub.ui.csrf``); ``render`` puts ``csrf_token`` in every page's context;
- **errors answering as the API does**: the platform's problems (403, 404, 409, 422 …) and invalid input
  become HTML error pages with the same status; a page that needs a signed-in person redirects to
  the sign-in page; unknown addresses answer 404 (``add_not_found``, after the service's routes);
- **the look**: ``kit_base.html`` (skip link, header, signed-in person, sign-out, main, footer, each a
  block a service may fill), ``error.html``, ``sign_in.html`` and ``ui.css``, served from the service's
  ``/ui/static/`` with the service's own extra files; a service's templates folder comes first, so it
  may replace any of them;
- **the principal** dependencies ``ui_principal`` (required) and ``optional_principal``.

Security headers and the Content-Security-Policy for HTML come from the platform middleware
(``partnerhub.http``): no inline script or style, nothing from another origin.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any, Protocol
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

from partnerhub.auth import Principal, mint_token
from partnerhub.db.uow import Database
from partnerhub.errors import Forbidden, NotFound, Problem, Unauthenticated
from partnerhub.logging import get_logger
from partnerhub.service import ServiceRuntime, runtime_of
from partnerhub.ui.csrf import DEFAULT_LABEL, CsrfGuard

log = get_logger(__name__)
HERE = FilePath(__file__).parent
COOKIE = "partnerhub_ui"
TOKEN_TTL = 8 * 3600
KIT_STATIC = {"ui.css": (HERE / "static" / "ui.css", "text/css; charset=utf-8")}
STAFF_ROLES = ("program_staff",)

# a rule's ID in brackets, e.g. " (CL-10)" or " (SP-7, SP-8)": for the program's documents, not for partners
RULE_IDS = re.compile(r"\s*\((?:[A-Z]{2}-\d+[a-z]?(?:\s*(?:,|;|and|to|-|–)\s*)?)+\)")


def in_words(text: str) -> str:
    """``text`` without rule IDs: what the pages say is meant for people, in their words."""
    return RULE_IDS.sub("", text)


class SignInRequired(Exception):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or "")
        self.message = message


# dev and demo sign-in --------------------------------------------------------------------------
@dataclass(frozen=True)
class Claims:
    sub: str
    name: str | None
    roles: tuple[str, ...]
    admin_of: tuple[str, ...]
    pam_of: tuple[str, ...]


@dataclass
class KnownPeople:
    staff: list[dict[str, Any]] = field(default_factory=list)
    admins: list[dict[str, Any]] = field(default_factory=list)
    pams: list[dict[str, Any]] = field(default_factory=list)
    individuals: list[dict[str, Any]] = field(default_factory=list)


class PeopleSource(Protocol):
    """Who can be picked on the dev sign-in page, from the service's own records."""

    async def known_people(self, db: Database) -> KnownPeople: ...

    async def claims_for(self, db: Database, cco_id: str) -> Claims | None: ...


@dataclass(frozen=True)
class FunctionPeople:
    """A ``PeopleSource`` from two functions (a service's query module)."""

    known: Callable[[Database], Awaitable[KnownPeople]]
    claims: Callable[[Database, str], Awaitable[Claims | None]]

    async def known_people(self, db: Database) -> KnownPeople:
        return await self.known(db)

    async def claims_for(self, db: Database, cco_id: str) -> Claims | None:
        return await self.claims(db, cco_id)


StartPage = Callable[[Request, "Principal | None", str], tuple[str, str]]


def default_start_page(request: Request, principal: Principal | None, base: str) -> tuple[str, str]:
    if principal is not None:
        return f"{base}/", "Back to the start page"
    return f"{base}/sign-in", "Sign in"


class PageKit:
    """One service's pages: ``kit.router`` (prefix ``/ui``), ``kit.render``, the principal dependencies."""

    def __init__(
        self,
        *,
        title: str,
        templates_dir: FilePath | None = None,
        people: PeopleSource | None = None,
        start_page: StartPage = default_start_page,
        static: dict[str, tuple[FilePath, str]] | None = None,
        csrf_label: bytes = DEFAULT_LABEL,
        prefix: str = "/ui",
    ) -> None:
        self.title = title
        self.people = people
        self.start_page = start_page
        self.prefix = prefix
        self.static_files = {**KIT_STATIC, **(static or {})}
        self.csrf = CsrfGuard(session_cookie=COOKIE, label=csrf_label)
        loaders = ([FileSystemLoader(templates_dir)] if templates_dir else []) + [FileSystemLoader(HERE / "templates")]
        self.templates = Jinja2Templates(directory=HERE / "templates")
        self.templates.env.loader = ChoiceLoader(loaders)
        self.templates.env.filters["inwords"] = in_words
        self.templates.env.globals.update(APP_TITLE=title, EXTRA_CSS=[n for n in (static or {}) if n.endswith(".css")])
        self.route_class = self._make_route_class()
        self.router = APIRouter(prefix=prefix, route_class=self.route_class, include_in_schema=False)
        self.ui_principal = self._make_principal(required=True)
        self.optional_principal = self._make_principal(required=False)
        self._add_common_routes()

    def _make_route_class(self) -> type[APIRoute]:
        """``HtmlRoute``, the class of these pages' routes."""
        kit = self

        class HtmlRoute(APIRoute):
            """Turns the platform's problems (and invalid input) into HTML error pages for these routes."""

            def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
                handler = super().get_route_handler()

                async def route(request: Request) -> Response:
                    try:
                        await kit.csrf.check(request)
                        return await handler(request)
                    except SignInRequired as exc:
                        target = f"{kit.base_of(request)}/sign-in"
                        if exc.message:
                            target += f"?message={quote(exc.message)}"
                        response = RedirectResponse(target, status_code=303)
                        if request.cookies.get(COOKIE):
                            response.delete_cookie(COOKIE, path=kit.cookie_path(request))
                        return response
                    except Problem as exc:
                        return kit.error_page(request, exc.status, exc.title, exc.detail)
                    except RequestValidationError as exc:
                        where = "; ".join(
                            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors()[:5]
                        )
                        return kit.error_page(request, 422, "Invalid request", f"The request is not valid: {where}")

                return route

        HtmlRoute.__qualname__ = "PageKit.HtmlRoute"
        return HtmlRoute

    # addresses ------------------------------------------------------------------------------------
    def base_of(self, request: Request) -> str:
        return f"{request.scope.get('root_path', '')}{self.prefix}"

    def cookie_path(self, request: Request) -> str:
        return self.base_of(request)

    # rendering ------------------------------------------------------------------------------------
    def render(self, request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
        principal = getattr(request.state, "ui_principal", None)
        base = self.base_of(request)
        start_url, start_label = self.start_page(request, principal, base)
        response = self.templates.TemplateResponse(
            request,
            template,
            {
                "base": base, "principal": principal, "who": getattr(request.state, "ui_name", None),
                "csrf_token": self.csrf.form_token(request), "start_url": start_url, "start_label": start_label,
                **context,
            },
            status_code=status_code,
        )
        response.headers["Cache-Control"] = "no-store"
        self.csrf.set_cookie(request, response, path=self.cookie_path(request))
        return response

    def error_page(self, request: Request, status: int, title: str, detail: str) -> Response:
        return self.render(request, "error.html", status_code=status, title=title, status=status, detail=in_words(detail))

    def redirect(self, request: Request, path: str, message: str | None = None) -> Response:
        """303 to ``path`` under the pages (post/redirect/get), with an optional ``message`` to show."""
        target = f"{self.base_of(request)}{path}"
        if message:
            target += ("&" if "?" in target else "?") + f"message={quote(message)}"
        return RedirectResponse(target, status_code=303)

    # authentication -------------------------------------------------------------------------------
    @staticmethod
    def token_of(request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
        return request.cookies.get(COOKIE) or None

    def _make_principal(self, *, required: bool) -> Callable[..., Awaitable[Principal | None]]:
        token_of = self.token_of

        async def principal(request: Request, runtime: ServiceRuntime = Depends(runtime_of)) -> Principal | None:
            token = token_of(request)
            if not token:
                if required:
                    raise SignInRequired()
                return None
            try:
                found = runtime.auth.verify(token)
            except Unauthenticated as exc:
                if required:
                    raise SignInRequired(f"Please sign in again: {exc.detail}") from exc
                return None
            request.state.ui_principal = found
            return found

        return principal

    def signed_in(self, request: Request, token: str, target: str) -> Response:
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            COOKIE, token, max_age=TOKEN_TTL, path=self.cookie_path(request), httponly=True, samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    # the common routes ------------------------------------------------------------------------------
    def _add_common_routes(self) -> None:
        self._add_static_route()
        self._add_sign_in_routes()
        self._add_token_and_sign_out_routes()

    def _add_static_route(self) -> None:
        kit, router = self, self.router

        @router.get("/static/{name}")
        async def static(name: str) -> Response:
            if name not in kit.static_files:
                raise NotFound(f"No file {name}.")
            path, media_type = kit.static_files[name]
            return FileResponse(path, media_type=media_type, headers={"Cache-Control": "public, max-age=3600"})

    async def _sign_in_page(self, request: Request, runtime: ServiceRuntime, **context: Any) -> Response:
        dev = bool(runtime.settings.dev_tokens)
        people = await self.people.known_people(runtime.db) if dev and self.people is not None else None
        return self.render(request, "sign_in.html", dev=dev, people=people, **context)

    def _add_sign_in_routes(self) -> None:
        kit, router = self, self.router

        @router.get("/sign-in")
        async def sign_in_page(
            request: Request,
            message: str | None = Query(None, max_length=500),
            runtime: ServiceRuntime = Depends(runtime_of),
            principal: Principal | None = Depends(self.optional_principal),
        ) -> Response:
            return await kit._sign_in_page(request, runtime, message=message, current=principal)

        @router.post("/sign-in")
        async def sign_in_as(
            request: Request,
            cco_id: str = Form(..., max_length=64),
            admin_of: str = Form("", max_length=200),
            staff: str = Form(""),
            runtime: ServiceRuntime = Depends(runtime_of),
        ) -> Response:
            """Dev and demo only: sign in as a person, with the roles the service's records hold (or, for a
            service without such records, the roles asked for)."""
            if not runtime.settings.dev_tokens:
                raise Forbidden("Picking a person is for dev and demo mode only; paste a token from the identity provider.")
            cco_id = cco_id.strip()
            if kit.people is not None:
                claims = await kit.people.claims_for(runtime.db, cco_id) if cco_id else None
            elif cco_id:
                partners = tuple(sorted({p.strip() for p in admin_of.split(",") if p.strip()}))
                roles = {"individual", *(("partner_admin",) if partners else ()), *(STAFF_ROLES if staff else ())}
                claims = Claims(cco_id, None, tuple(sorted(roles)), partners, ())
            else:
                claims = None
            if claims is None:
                return await kit._sign_in_page(
                    request, runtime, status_code=422, current=None, error=f"No person with CCO ID “{cco_id}” is known here."
                )
            token = mint_token(
                runtime.settings, claims.sub, claims.roles, admin_of=claims.admin_of, pam_of=claims.pam_of,
                ttl_seconds=TOKEN_TTL,
            )
            log.info("ui dev sign-in", sub=claims.sub, roles=list(claims.roles))
            return kit.signed_in(request, token, f"{kit.base_of(request)}/")

    def _add_token_and_sign_out_routes(self) -> None:
        kit, router = self, self.router

        @router.post("/sign-in/token")
        async def sign_in_with_token(
            request: Request, token: str = Form(..., max_length=16_000), runtime: ServiceRuntime = Depends(runtime_of)
        ) -> Response:
            token = token.strip().removeprefix("Bearer ").strip()
            try:
                runtime.auth.verify(token)
            except Unauthenticated as exc:
                return await kit._sign_in_page(
                    request, runtime, status_code=401, current=None, error=f"That token was not accepted. {exc.detail}"
                )
            return kit.signed_in(request, token, f"{kit.base_of(request)}/")

        @router.post("/sign-out")
        async def sign_out(request: Request) -> Response:
            response = RedirectResponse(f"{kit.base_of(request)}/sign-in?message={quote('You are signed out.')}", status_code=303)
            response.delete_cookie(COOKIE, path=kit.cookie_path(request), httponly=True, samesite="strict")
            return response

    def add_not_found(self) -> None:
        """The catch-all 404 page; call it after the service's own routes."""
        kit = self

        @self.router.get("/{rest:path}")
        async def not_found(
            request: Request, rest: str, principal: Principal | None = Depends(self.optional_principal)
        ) -> Response:
            return kit.error_page(request, 404, "Not found", "There is no page at this address.")
