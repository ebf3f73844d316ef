"""The dashboard's district and region pages say what /status says beside its figures: who
still uses foreign messengers, and over which schools the week's change is counted."""

from __future__ import annotations

from html import unescape

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.clock import FakeClock
from bot.domain.weeks import IsoWeek
from bot.services.web import signin
from bot.web.dashboard import COOKIE, dashboard_app, mount
from storage.db import Database
from tests.utils import report_factories as f

BASE = "https://svodka.example.ru"
OFFICIAL, ADMIN = 500, 1
W42, W43 = IsoWeek(2024, 42), IsoWeek(2024, 43)
WHATSAPP = "WhatsApp — родительские чаты 2 классов"


async def _seed(db: Database, clock: FakeClock) -> int:
    """Three schools: А answers both weeks and uses WhatsApp this week, Б only this week,
    В only last week."""
    now = clock.now()
    async with db.sessions.begin() as s:
        district, (a, b, c) = await f.district_with_schools(
            s, name="Песочница", schools=["А СОШ", "Б СОШ", "В СОШ"], now=now
        )
        await f.official(s, district=district, vk_id=OFFICIAL, now=now)
        foreign = {"foreign_messengers": True, "foreign_messengers_which": WHATSAPP}
        answers = [(a, W42, {}), (a, W43, foreign), (b, W43, {}), (c, W42, {})]
        for school, week, extra in answers:
            values = {**f.FULL_ANSWERS, **extra}
            await f.answer(s, district=district, school=school, week=week, values=values, now=now)
        return district.id


async def _pages(db: Database, clock: FakeClock, *paths: str, vk_id: int = OFFICIAL) -> list[str]:
    parent = web.Application()
    mount(parent, dashboard_app(db=db, clock=clock, admin_ids=(ADMIN,), base_url=BASE))
    async with TestClient(TestServer(parent)) as client:
        link = await signin.issue_link(db=db, vk_id=vk_id, base_url=BASE, now=clock.now())
        opened = await client.get(link.removeprefix(BASE))
        # The session cookie is Secure: sent by hand over the test server's plain HTTP.
        cookie = {"Cookie": f"{COOKIE}={opened.cookies[COOKIE].value}"}
        pages = []
        for path in paths:
            response = await client.get(path, headers=cookie)
            assert response.status == 200
            pages.append(unescape(await response.text()))
        return pages


async def test_the_district_page_names_foreign_messengers_and_whom_the_change_is_over(
    db: Database, clock: FakeClock
) -> None:
    district_id = await _seed(db, clock)
    page, last_week = await _pages(
        db, clock, f"/web/d/{district_id}?week={W43}", f"/web/d/{district_id}?week={W42}"
    )
    assert '<ul id="foreign">' in page and f"<li>А СОШ: {WHATSAPP}</li>" in page
    assert "Изменение по 1 школе, ответившей обе недели." in page
    assert "Иностранными мессенджерами не пользуется ни одна из ответивших школ." in last_week


async def test_the_region_page_names_the_schools_using_foreign_messengers(
    db: Database, clock: FakeClock
) -> None:
    await _seed(db, clock)
    [page] = await _pages(db, clock, "/web/region", vk_id=ADMIN)
    assert f"<li>А СОШ (Песочница): {WHATSAPP}</li>" in page
