"""Signing in to the dashboard, on both engines: `/web` in the chat gives a link (to whom,
where), the link opens one session once within 15 minutes, only digests are stored, bad
links from one address are throttled, and every page carries the safety headers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.clock import FakeClock
from bot.services.admin.officials import add_official
from bot.services.web import signin
from bot.texts import web as texts
from bot.web.dashboard import COOKIE, dashboard_app, mount
from storage.db import Database
from storage.models import AuditEvent, WebSession, WebSigninToken
from tests.utils.factories import DISTRICT, make_district, make_staff
from tests.utils.harness import running_bot

BASE = "https://svodka.example.ru"
OFFICIAL, HEAD, STRANGER = 700001, 700002, 700003


async def _people(db: Database, clock: FakeClock) -> None:
    seeded = await make_district(db, now=clock.now())
    await make_staff(db, vk_id=HEAD, school_ids=seeded.school_ids, now=clock.now())
    async with db.sessions.begin() as session:
        await add_official(session=session, vk_id=OFFICIAL, district_name=DISTRICT, now=clock.now())


@pytest.fixture
async def client(db: Database, clock: FakeClock) -> AsyncIterator[TestClient]:
    await _people(db, clock)
    parent = web.Application()
    mount(parent, dashboard_app(db=db, clock=clock, admin_ids=(), base_url=BASE))
    async with TestClient(TestServer(parent)) as test_client:
        yield test_client


def _token(link: str) -> str:
    return link.rsplit("/", 1)[1]


async def test_the_chat_gives_a_link_to_those_with_a_role_and_only_privately(
    db: Database, clock: FakeClock
) -> None:
    await _people(db, clock)
    async with running_bot(db, clock, web_enabled=True, web_base_url=BASE) as bot:
        for vk_id in (OFFICIAL, HEAD, STRANGER):
            bot.user(vk_id)
        [official] = await bot.say(OFFICIAL, "/web")
        [head] = await bot.say(HEAD, "/сайт")
        [stranger] = await bot.say(STRANGER, "/web")
        bot.emulator.add_chat(5, "Беседа", [OFFICIAL])
        [in_chat] = await bot.say(OFFICIAL, "/web", peer_id=2_000_000_005)
        sends = [c for c in bot.emulator.calls_log("messages.send") if "/web/signin/" in str(c)]
    link = re.search(r"https://\S+", official["text"])
    assert link and link.group(0).startswith(f"{BASE}/web/signin/")
    assert f"{BASE}/web/signin/" in head["text"]
    assert stranger["text"] == texts.REFUSED
    assert in_chat["text"] == texts.PRIVATE_ONLY
    # No preview: VK would open the link itself and use it up.
    assert sends and all(c["params"].get("dont_parse_links") == "1" for c in sends)


async def test_without_web_enabled_the_chat_says_so(db: Database, clock: FakeClock) -> None:
    await _people(db, clock)
    async with running_bot(db, clock) as bot:
        bot.user(OFFICIAL)
        [reply] = await bot.say(OFFICIAL, "/web")
    assert reply["text"] == texts.DISABLED


async def test_a_link_opens_one_session_once_and_only_digests_are_kept(
    db: Database, clock: FakeClock, client: TestClient
) -> None:
    link = await signin.issue_link(db=db, vk_id=OFFICIAL, base_url=BASE, now=clock.now())
    path = link.removeprefix(BASE)
    first = await client.get(path)
    assert first.status == 200
    morsel = first.cookies[COOKIE]
    assert morsel["httponly"] and morsel["secure"] and morsel["samesite"] == "Strict"
    assert int(morsel["max-age"]) == 12 * 3600
    again = await client.get(path)
    assert again.status == 403
    async with db.reads() as session:
        tokens = list(await session.scalars(select(WebSigninToken.token_hash)))
        sessions = list(await session.scalars(select(WebSession.id_hash)))
        audit = list(
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "web.signin"))
        )
    assert tokens == [signin.digest(_token(link))]
    assert sessions == [signin.digest(morsel.value)]
    assert len(audit) == 1


async def test_a_link_expires_after_15_minutes_and_a_session_after_12_hours(
    db: Database, clock: FakeClock, client: TestClient
) -> None:
    late = await signin.issue_link(db=db, vk_id=OFFICIAL, base_url=BASE, now=clock.now())
    clock.advance(timedelta(minutes=15))
    assert (await client.get(late.removeprefix(BASE))).status == 403
    fresh = await signin.issue_link(db=db, vk_id=OFFICIAL, base_url=BASE, now=clock.now())
    clock.advance(timedelta(minutes=14, seconds=59))
    opened = await client.get(fresh.removeprefix(BASE))
    assert opened.status == 200
    # Sent by hand: the test server is plain HTTP, where a browser holds a Secure cookie back.
    cookie = {"Cookie": f"{COOKIE}={opened.cookies[COOKIE].value}"}
    assert (await client.get("/web/", headers=cookie)).status == 200
    clock.advance(timedelta(hours=12))
    assert (await client.get("/web/", headers=cookie)).status == 401


async def test_bad_links_from_one_address_are_throttled(
    db: Database, clock: FakeClock, client: TestClient
) -> None:
    statuses = [(await client.get(f"/web/signin/guess{n}")).status for n in range(10)]
    assert statuses == [403] * 10
    good = await signin.issue_link(db=db, vk_id=OFFICIAL, base_url=BASE, now=clock.now())
    # Blocked now: even a good link waits, so guessing costs the database nothing more.
    assert (await client.get(good.removeprefix(BASE))).status == 429
    clock.advance(signin.FAILED_BLOCK)
    again = await signin.issue_link(db=db, vk_id=OFFICIAL, base_url=BASE, now=clock.now())
    assert (await client.get(again.removeprefix(BASE))).status == 200


async def test_behind_a_proxy_each_visitor_is_throttled_by_their_own_address(
    db: Database, clock: FakeClock, client: TestClient
) -> None:
    # The test client connects from 127.0.0.1, as nginx on the same machine does.
    guesser = {"X-Forwarded-For": "203.0.113.7"}
    for n in range(10):
        assert (await client.get(f"/web/signin/guess{n}", headers=guesser)).status == 403
    good = await signin.issue_link(db=db, vk_id=OFFICIAL, base_url=BASE, now=clock.now())
    # A forged address before the proxy's own entry does not get the guesser out.
    forged = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
    assert (await client.get(good.removeprefix(BASE), headers=forged)).status == 429
    official = {"X-Forwarded-For": "198.51.100.1"}
    assert (await client.get(good.removeprefix(BASE), headers=official)).status == 200


async def test_pages_only_read_and_carry_the_safety_headers(client: TestClient) -> None:
    page = await client.get("/web/")
    assert page.status == 401
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert page.headers["Referrer-Policy"] == "no-referrer"
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        response = await client.request(method, "/web/")
        assert response.status == 405
        assert response.headers["Content-Security-Policy"] == csp
    unknown = await client.get("/web/anything")
    assert unknown.status == 404 and "Content-Security-Policy" in unknown.headers
