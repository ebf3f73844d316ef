"""The officials' dashboard at `/web/`: read-only pages for the person signed in.

Safe by construction: only GET (and HEAD) reach a page; every page asks the dashboard
service, which scopes each query by the visitor's own roles; URLs carry nothing but database
ids and a week; the session cookie is HttpOnly, SameSite=Strict and Secure behind HTTPS.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from aiohttp import web

from bot.clock import Clock
from bot.domain.weeks import IsoWeek
from bot.services.web import dashboard as service
from bot.services.web import signin
from bot.texts import web as texts
from bot.web import pages
from bot.web.sorting import sort_region
from storage.db import Database

logger = logging.getLogger(__name__)

COOKIE = "svodka_session"
PREFIX = "/web"
READ_METHODS = frozenset({"GET", "HEAD"})
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Deps:
    db: Database
    clock: Clock
    admin_ids: tuple[int, ...]
    secure_cookie: bool  # WEB_BASE_URL is https://


DEPS = web.AppKey("svodka_dashboard", Deps)


def dashboard_app(
    *, db: Database, clock: Clock, admin_ids: tuple[int, ...], base_url: str
) -> web.Application:
    """The dashboard as an aiohttp sub-application, to be mounted at `/web`."""
    app = web.Application(middlewares=[_guard])
    app[DEPS] = Deps(db, clock, admin_ids, base_url.startswith("https://"))
    app.router.add_get("/", home)
    app.router.add_get("/signin/{token}", sign_in)
    app.router.add_get(r"/d/{id:\d{1,18}}", district)
    app.router.add_get(r"/d/{id:\d{1,18}}/{chart:trend|schools}.png", chart)
    app.router.add_get(r"/d/{id:\d{1,18}}/export.{fmt:xlsx|csv}", export)
    app.router.add_get(r"/s/{id:\d{1,18}}", school)
    app.router.add_get("/region", region)
    app.router.add_get("/static/{name}", pages.static)
    return app


def mount(parent: web.Application, dashboard: web.Application) -> None:
    parent.add_subapp(PREFIX, dashboard)


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method not in READ_METHODS:
        return pages.render("message.html", status=405, title=texts.TITLE, text=texts.NOT_GET)
    try:
        return pages.secure(await handler(request))
    except service.SignedOut:
        return _forget_cookie(
            pages.render("signin.html", status=401, text=texts.SIGN_IN_HOW), request
        )
    except service.NoAccess:
        return _forget_cookie(
            pages.render("message.html", status=403, title=texts.TITLE, text=texts.NO_ACCESS),
            request,
        )
    except (service.NotFound, web.HTTPNotFound):
        return _not_found()
    except Exception:
        # The route, not the path: a sign-in path carries its token.
        route = request.match_info.route.resource
        logger.exception("web: the page %s failed", route.canonical if route else "?")
        return pages.render("message.html", status=500, title=texts.TITLE, text=texts.FAILED)


def _not_found() -> web.Response:
    return pages.render(
        "message.html", status=404, title=texts.NOT_FOUND_TITLE, text=texts.NOT_FOUND
    )


def _deps(request: web.Request) -> Deps:
    return request.app[DEPS]


def _visitor(request: web.Request) -> service.Visitor:
    return service.Visitor(request.cookies.get(COOKIE), _deps(request).admin_ids)


def _now(request: web.Request) -> datetime:
    return _deps(request).clock.now()


def _id(request: web.Request) -> int:
    return int(request.match_info["id"])


def _week(request: web.Request) -> IsoWeek | None:
    text = request.query.get("week")
    if not text:
        return None
    try:
        return IsoWeek.parse(text)
    except ValueError:
        raise service.NotFound from None


def _forget_cookie(response: web.Response, request: web.Request) -> web.Response:
    if COOKIE in request.cookies:
        response.del_cookie(COOKIE, path=PREFIX + "/")
    return response


def client_address(request: web.Request) -> str:
    """Who opened a sign-in link, for throttling guesses. Behind a reverse proxy (on this
    machine or in the private network, as in deploy/nginx-callback.conf) every request
    comes from the proxy's address: then it is the address the proxy saw, the last one in
    X-Forwarded-For (a client can forge the ones before it, not that one). A request from a
    public address is its connection's."""
    remote = request.remote or ""
    forwarded = request.headers.get("X-Forwarded-For", "").rsplit(",", 1)[-1].strip()
    try:
        address = ipaddress.ip_address(remote)
        behind_proxy = address.is_loopback or address.is_private
    except ValueError:  # a Unix socket: a proxy on this machine
        behind_proxy = True
    return forwarded if forwarded and behind_proxy else remote


async def sign_in(request: web.Request) -> web.StreamResponse:
    deps = _deps(request)
    try:
        signed = await signin.redeem(
            db=deps.db,
            token=request.match_info["token"],
            client=client_address(request),
            now=deps.clock.now(),
        )
    except signin.TooManyAttempts as refused:
        text = texts.TOO_MANY.format(when=f"{refused.until:%H:%M} UTC")
        return pages.render("signin.html", status=429, text=text)
    if signed is None:
        return pages.render("signin.html", status=403, text=texts.LINK_REFUSED)
    # A page that moves on by itself rather than a redirect: a SameSite=Strict cookie set
    # by a link opened from VK is sent only on a navigation that starts on this site.
    response = pages.render("signed_in.html")
    response.set_cookie(
        COOKIE,
        signed.session_id,
        max_age=int(signin.SESSION_TTL.total_seconds()),
        path=PREFIX + "/",
        httponly=True,
        samesite="Strict",
        secure=deps.secure_cookie,
    )
    return response


async def home(request: web.Request) -> web.StreamResponse:
    found = await service.home(db=_deps(request).db, visitor=_visitor(request), now=_now(request))
    return pages.render("home.html", home=found)


async def district(request: web.Request) -> web.StreamResponse:
    page = await service.district(
        db=_deps(request).db,
        visitor=_visitor(request),
        district_id=_id(request),
        week=_week(request),
        now=_now(request),
    )
    return pages.render("district.html", page=page, status_week=page.week)


async def school(request: web.Request) -> web.StreamResponse:
    page = await service.school(
        db=_deps(request).db,
        visitor=_visitor(request),
        school_id=_id(request),
        week=_week(request),
        now=_now(request),
    )
    return pages.render("school.html", page=page)


async def region(request: web.Request) -> web.StreamResponse:
    lines = await service.region(db=_deps(request).db, visitor=_visitor(request), now=_now(request))
    order = sort_region(lines, request.query.get("sort", ""), request.query.get("order", ""))
    return pages.render("region.html", lines=order.lines, order=order)


async def chart(request: web.Request) -> web.StreamResponse:
    png = await service.chart(
        db=_deps(request).db,
        visitor=_visitor(request),
        district_id=_id(request),
        trend=request.match_info["chart"] == "trend",
        week=_week(request),
        now=_now(request),
    )
    return web.Response(body=png, content_type="image/png")


async def export(request: web.Request) -> web.StreamResponse:
    fmt = request.match_info["fmt"]
    name, data = await service.export_file(
        db=_deps(request).db,
        visitor=_visitor(request),
        district_id=_id(request),
        fmt=fmt,
        now=_now(request),
    )
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv"
    )
    # The name has the district in Cyrillic: RFC 6266's UTF-8 form, which browsers read.
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}
    return web.Response(body=data, content_type=content_type, headers=headers)
