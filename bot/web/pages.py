"""Rendering and the headers every page carries.

Jinja2 with autoescape on for every template: a school named `<script>` is shown as text.
The Content-Security-Policy allows this server's own scripts, styles and images only, so
even an escaping mistake could not run an inline script or load anything from outside.
"""

from __future__ import annotations

import functools
from datetime import datetime
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined

from bot.domain.answers import format_answer
from bot.domain.formatting import format_percent
from bot.domain.messages_ru import NO_ANSWER
from bot.domain.report_render import change_label, change_note, moment_label, week_label
from bot.texts import web as texts

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # A sign-in link in the address bar must not leave in a Referer.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
STATIC_TYPES = {".css": "text/css", ".js": "text/javascript", ".png": "image/png"}


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bot.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        percent=format_percent,
        week=week_label,
        local=lambda moment, tz: moment_label(moment, tz),
        clock=_clock,
    )
    env.globals.update(
        t=texts,
        answer=format_answer,
        change=lambda week, value: change_label(week, value) or NO_ANSWER,
        change_note=change_note,
    )
    return env


def _clock(moment: datetime, tz: str) -> str:
    return f"{moment.astimezone(ZoneInfo(tz)):%d.%m.%Y %H:%M}"


def render(name: str, *, status: int = 200, **values: Any) -> web.Response:
    html = environment().get_template(name).render(**values)
    return web.Response(text=html, status=status, content_type="text/html", headers=HEADERS)


def secure(response: web.StreamResponse) -> web.StreamResponse:
    response.headers.update(HEADERS)
    return response


@functools.cache
def _static(name: str) -> bytes:
    return resources.files("bot.web").joinpath("static", name).read_bytes()


async def static(request: web.Request) -> web.Response:
    """This package's own CSS, scripts and images; nothing else is served from here."""
    name = request.match_info["name"]
    suffix = name[name.rfind(".") :] if "." in name else ""
    if "/" in name or suffix not in STATIC_TYPES:
        raise web.HTTPNotFound
    try:
        body = _static(name)
    except FileNotFoundError:
        raise web.HTTPNotFound from None
    headers = {**HEADERS, "Cache-Control": "max-age=3600"}
    return web.Response(body=body, content_type=STATIC_TYPES[suffix], headers=headers)
