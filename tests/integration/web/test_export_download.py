"""The dashboard's export downloads under the district's name and the weeks it covers."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from urllib.parse import quote

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook

from bot.clock import FakeClock
from bot.domain.weeks import IsoWeek
from bot.services.admin.officials import add_official
from bot.services.web import signin
from bot.web.dashboard import COOKIE, dashboard_app, mount
from storage.db import Database
from storage.models import District, School
from tests.utils import report_factories as f
from tests.utils.factories import DISTRICT, make_district

BASE = "https://svodka.example.ru"
OFFICIAL = 700001


@pytest.fixture
async def client(db: Database, clock: FakeClock) -> AsyncIterator[TestClient]:
    parent = web.Application()
    mount(parent, dashboard_app(db=db, clock=clock, admin_ids=(), base_url=BASE))
    async with TestClient(TestServer(parent)) as test_client:
        yield test_client


async def test_the_export_is_named_for_the_district_and_its_weeks(
    db: Database, clock: FakeClock, client: TestClient
) -> None:
    seeded = await make_district(db, now=clock.now())
    async with db.sessions.begin() as session:
        await add_official(session=session, vk_id=OFFICIAL, district_name=DISTRICT, now=clock.now())
        district = await session.get(District, seeded.id)
        school = await session.get(School, seeded.school_ids[0])
        await f.answer(
            session,
            district=district,
            school=school,
            week=IsoWeek(2024, 43),
            values=f.FULL_ANSWERS,
            now=clock.now(),
        )
    link = await signin.issue_link(db=db, vk_id=OFFICIAL, base_url=BASE, now=clock.now())
    opened = await client.get(link.removeprefix(BASE))
    cookie = {"Cookie": f"{COOKIE}={opened.cookies[COOKIE].value}"}
    response = await client.get(f"/web/d/{seeded.id}/export.xlsx", headers=cookie)
    assert response.status == 200
    name = f"{DISTRICT.replace(' ', '_')}_21.10-27.10.2024.xlsx"
    assert response.headers["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote(name)}"
    sheet = load_workbook(io.BytesIO(await response.read()))["Ответы"]
    assert [r[3] for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        "ответила",
        "Ответили 1 из 1",
    ]
