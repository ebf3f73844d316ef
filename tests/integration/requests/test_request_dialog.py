"""/request in VK: an official creates a request step by step; strangers and heads cannot;
/emails is for admins."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.clock import FakeClock
from bot.texts.onboarding import REFUSED_ADMIN, REFUSED_OFFICE
from storage.db import Database
from storage.models import Campaign, District
from tests.integration.requests.helpers import DISTRICT, OFFICIAL_VK, head_vk, seed
from tests.utils.harness import running_bot

ADMIN = 1


async def _campaigns(db: Database) -> list[Campaign]:
    async with db.reads() as session:
        return list(await session.scalars(select(Campaign).where(Campaign.kind == "request")))


def _value(item: dict, label: str) -> dict:
    keyboard = (
        json.loads(item["keyboard"]) if isinstance(item["keyboard"], str) else item["keyboard"]
    )
    for row in keyboard["buttons"]:
        for button in row:
            if button["action"]["label"].startswith(label):
                return json.loads(button["action"]["payload"])
    raise AssertionError(label)


async def test_official_creates_a_request_for_chosen_schools(
    sqlite_db: Database, clock: FakeClock
) -> None:
    async with running_bot(sqlite_db, clock, admin_ids=[ADMIN]) as bot:
        await seed(sqlite_db, bot.emulator, clock.now())
        said = await bot.say(OFFICIAL_VK, "/request")
        assert "Как его назвать?" in said[-1]["text"]
        said = await bot.say(OFFICIAL_VK, "Чаты классов")
        assert "Срок сдачи?" in said[-1]["text"]
        said = await bot.say(OFFICIAL_VK, "завтра")
        assert "Не понимаю срок «завтра»" in said[-1]["text"]
        said = await bot.say(OFFICIAL_VK, "20.10.2024 18:00")
        assert "уже прошёл" in said[-1]["text"]
        said = await bot.say(OFFICIAL_VK, "02.11.2024 18:00")
        menu = said[-1]
        said = await bot.say(OFFICIAL_VK, "Чаты", payload=_value(menu, "Чаты классов с классными"))
        assert "Кому отправить" in said[-1]["text"]
        said = await bot.say(OFFICIAL_VK, "Выбранным", payload=_value(said[-1], "Выбранным"))
        said = await bot.say(OFFICIAL_VK, "Дегвинская; СОШ")
        assert "подходит к нескольким школам" in said[-1]["text"]
        said = await bot.say(OFFICIAL_VK, "Дегвинская; Мургукская")
        assert "Проверьте запрос" in said[-1]["text"] and "02.11.2024 18:00" in said[-1]["text"]
        said = await bot.say(OFFICIAL_VK, "Отправить")
        assert "создан" in said[-1]["text"]

        assert (await bot.say(head_vk(0), "/request"))[-1]["text"] == REFUSED_OFFICE
        bot.user(999, "Чужой", "Человек")
        assert (await bot.say(999, "/request"))[-1]["text"] == REFUSED_OFFICE
        assert (await bot.say(OFFICIAL_VK, "/emails X a@b.ru"))[-1]["text"] == REFUSED_ADMIN
        bot.user(ADMIN, "Админ", "А")
        said = await bot.say(ADMIN, f"/emails {DISTRICT} uo@example.ru, b@example.ru")
        assert "uo@example.ru, b@example.ru" in said[-1]["text"]

    [campaign] = await _campaigns(sqlite_db)
    assert campaign.title == "Чаты классов" and len(campaign.audience or []) == 2
    assert campaign.deadline_at is not None and campaign.deadline_at.isoformat().startswith(
        "2024-11-02T15:00"
    )
    async with sqlite_db.reads() as session:
        district = (await session.scalars(select(District))).one()
    assert district.emails == ["uo@example.ru", "b@example.ru"]
